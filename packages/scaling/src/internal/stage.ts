import {
  artifactPath,
  cut,
  featureBars,
  featureManifest,
  readArrowArtifact,
  readJsonArtifact,
  scaledBars,
  scaleReport,
  scalerState,
  STAGE,
  writeArrowArtifact,
  writeJsonArtifact,
  type ScaleReportFile,
  TIMESTAMP_COLUMN,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { ArtifactError, DataError, defineStage, type StageDefinition } from '@tribar/core';
import { readColumn, readManifest, scaledTable } from './inputs.js';
import { checkLeakage, type LeakageCheck } from './leakage.js';
import {
  BELOW_LOG_FLOOR,
  CLIPPED,
  fitParameters,
  IMPUTED,
  trainRows,
  transformColumn,
  type FeatureScaleSpec,
  type FeatureState,
} from './scaler.js';
import { parseState, serializeState, type ScalerFile } from './state-io.js';
import { finiteMoments } from './stats.js';

/** |mean(split) − mean(train)| / std(train) on scaled data above this is reported (the original's z = 5). */
const DRIFT_Z = 5;

type Part = 'train' | 'val' | 'test';

/** The calendar cut as the scaler uses it (UTC ms): train before `trainEnd`, test from `valEnd`. */
interface Cuts {
  trainEnd: number;
  valEnd: number;
}

function partsOf(timestamp: Float64Array, cuts: Cuts): Map<Part, number[]> {
  const parts = new Map<Part, number[]>();
  for (let i = 0; i < timestamp.length; i++) {
    const t = timestamp[i] as number;
    const part: Part = t < cuts.trainEnd ? 'train' : t < cuts.valEnd ? 'val' : 'test';
    const rows = parts.get(part) ?? [];
    rows.push(i);
    parts.set(part, rows);
  }
  return parts;
}

interface ScaleWarning {
  symbol: string;
  feature: string;
  message: string;
}

/** One feature of one symbol in `scale/report.json`. */
type FeatureReport = ScaleReportFile['symbols'][string]['features'][string];

/** `scale/report.json` (the contract's shape). */
export type ScaleReport = ScaleReportFile;

/**
 * Per feature summary for the report, with counts and scaled means per split. It also fills the feature's
 * `scaledTrain` (left null by `fitParameters`) from the train split's moments: `finiteMoments` of the same scaled
 * values in the same order as the fit's own summary, so the same bits.
 */
function featureSummary(
  feature: FeatureState,
  scaled: { values: Float64Array; flags: Uint8Array },
  parts: Map<Part, number[]>,
  symbol: string,
  warnings: ScaleWarning[],
): FeatureReport {
  for (const message of feature.warnings) warnings.push({ symbol, feature: feature.name, message });
  const bySplit: FeatureReport['bySplit'] = {};
  const moments = new Map<Part, ReturnType<typeof finiteMoments>>();
  for (const [part, rows] of parts) {
    // The split's rows of the column scaled once (the same values, in the same order, as scaling them apart);
    // time-ordered rows make each split one run of rows, read as a view without the index array.
    const first = rows[0] as number;
    const run = rows[rows.length - 1] === first + rows.length - 1;
    moments.set(part, run ? finiteMoments(scaled.values.subarray(first, first + rows.length)) : finiteMoments(scaled.values, rows));
  }
  const trainMoments = moments.get('train');
  if (trainMoments !== undefined) feature.scaledTrain = trainMoments;
  const trainScaled = feature.scaledTrain;
  for (const [part, rows] of parts) {
    const first = rows[0] as number;
    const run = rows[rows.length - 1] === first + rows.length - 1;
    const result = { imputed: 0, clipped: 0, belowLogFloor: 0 };
    const countFlag = (flag: number) => {
      if (flag & IMPUTED) result.imputed++;
      if (flag & CLIPPED) result.clipped++;
      if (flag & BELOW_LOG_FLOOR) result.belowLogFloor++;
    };
    if (run) for (let i = first; i < first + rows.length; i++) countFlag(scaled.flags[i] as number);
    else for (const row of rows) countFlag(scaled.flags[row] as number);
    const stats = moments.get(part) as ReturnType<typeof finiteMoments>;
    bySplit[part] = {
      rows: rows.length,
      imputed: result.imputed,
      clipped: result.clipped,
      belowLogFloor: result.belowLogFloor,
      scaledMean: stats.mean,
      scaledStd: stats.std,
    };
    if (part !== 'train' && stats.mean !== null && trainScaled.mean !== null && trainScaled.std !== null && trainScaled.std > 0) {
      const z = Math.abs(stats.mean - trainScaled.mean) / trainScaled.std;
      if (z > DRIFT_Z)
        warnings.push({ symbol, feature: feature.name, message: `${part} scaled mean is ${z.toFixed(1)} train std from the train mean` });
    }
    if (result.belowLogFloor > 0)
      warnings.push({
        symbol,
        feature: feature.name,
        message: `${result.belowLogFloor} ${part} values below the train log shift, floored`,
      });
  }
  const { train } = feature;
  return {
    category: feature.category,
    flag: feature.flag,
    scaler: feature.scaler,
    log: feature.log,
    logShift: feature.logShift,
    clip: feature.clip,
    fill: feature.fill,
    center: feature.center,
    scale: feature.scale,
    train: {
      mean: train.mean,
      std: train.std,
      min: train.min,
      max: train.max,
      median: train.median,
      q25: train.q25,
      q75: train.q75,
      nanCount: train.nanCount,
      infCount: train.infCount,
    },
    bySplit,
  };
}

function groupBy(specs: readonly FeatureScaleSpec[], key: (spec: FeatureScaleSpec) => string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const spec of specs) (out[key(spec)] ??= []).push(spec.name);
  return out;
}

/**
 * Pipeline stage `scale`: per symbol, fit one scaler per manifest feature on the rows before the
 * calendar cut's `trainEnd` (`cut/cut.json`), scale every row, write `scale/<S>.arrow` (timestamp + scaled features only),
 * `scale/scaler.json` (JSON state) and `scale/report.json`. Each state is read back from its JSON
 * and checked against statistics recomputed from the train rows; a mismatch fails the stage.
 */
export const scaleStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.scale,
  description: 'Per-feature scalers chosen by the registry category, fitted on train only; JSON state, leakage check.',
  dependsOn: [STAGE.features, STAGE.cut],
  version: 1,
  configKeys: ['scaling', 'symbols'],
  inputs: (config) => [...config.symbols.map((symbol) => featureBars(symbol).path), featureManifest.path, cut.path],
  outputs: (config) => [...config.symbols.map((symbol) => scaledBars(symbol).path), scalerState.path, scaleReport.path],
  async run(context) {
    const { config, logger } = context;
    const manifest = await readManifest(artifactPath(context.runDir, featureManifest));
    const theCut = await readJsonArtifact(context.runDir, cut);
    const cuts: Cuts = { trainEnd: theCut.trainEndMs, valEnd: theCut.valEndMs };
    const options = config.scaling;
    const file: ScalerFile = {
      format: 'tribar-scaler',
      version: 1,
      trainEnd: cuts.trainEnd,
      trainEndIso: new Date(cuts.trainEnd).toISOString(),
      symbols: {},
    };
    const leakage: Record<string, LeakageCheck> = {};
    const symbols: ScaleReport['symbols'] = {};
    const warnings: ScaleWarning[] = [];
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    context.progress.start(config.symbols.length, { unit: 'symbols', label: 'scale' });
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      const path = artifactPath(context.runDir, featureBars(symbol));
      const table = await readArrowArtifact(context.runDir, featureBars(symbol));
      const listed = manifest.bySymbol[symbol];
      const specs = listed === undefined ? manifest.features : manifest.features.filter((spec) => listed.includes(spec.name));
      const timestamp = readColumn(table, TIMESTAMP_COLUMN, path);
      const columns = new Map(specs.map((spec) => [spec.name, readColumn(table, spec.name, path)]));
      const parts = partsOf(timestamp, cuts);
      const trainCount = parts.get('train')?.length ?? 0;
      if (trainCount === 0) {
        throw new DataError(
          `no row before trainEnd ${file.trainEndIso}`,
          { file: path, field: TIMESTAMP_COLUMN },
          { hint: `Check ${cut.path} against the features.` },
        );
      }
      const trainColumns = trainRows(
        timestamp,
        columns,
        specs.map((spec) => spec.name),
        cuts.trainEnd,
      );
      const state = fitParameters(trainColumns, specs, options);
      file.symbols[symbol] = state;
      // The leakage check runs on the state as JSON read back, against train statistics recomputed
      // from the rows (per symbol, so the train columns can be dropped before the next symbol). It
      // compares no scaledTrain field, which the transform below fills in.
      leakage[symbol] = checkLeakage(parseState(serializeState(state), `scaler state of ${symbol}`), trainColumns);
      // One flags buffer for every feature: each column's per-split report is taken right after its transform.
      // Each column is scaled in place (the fit and the check are done with its train rows): the symbol's
      // features are held once, as the table read, and written from there.
      const flags = new Uint8Array(timestamp.length);
      const features: Record<string, FeatureReport> = {};
      const scaled = state.features.map((feature) => {
        const column = columns.get(feature.name) as Float64Array;
        const values = transformColumn(feature, column, options, flags, column).values;
        features[feature.name] = featureSummary(feature, { values, flags }, parts, symbol, warnings);
        return [feature.name, values] as [string, Float64Array];
      });
      await writeArrowArtifact(context.runDir, scaledBars(symbol), scaledTable(symbol, timestamp, scaled));
      symbols[symbol] = {
        rows: timestamp.length,
        rowsBySplit: Object.fromEntries([...parts].map(([part, rows]) => [part, rows.length])),
        features,
      };
      artifactMetadata[scaledBars(symbol).path] = { rows: timestamp.length, trainRows: trainCount, features: state.features.length };
      logger.info({ symbol, rows: timestamp.length, trainRows: trainCount, features: state.features.length }, 'scaler fitted on train');
      context.progress.advance();
    }
    context.progress.done();
    // Checked against the contract's schema, then written as given (what is written reads back).
    const scalerFile = await writeJsonArtifact(context.runDir, scalerState, file);
    const leakageOk = Object.values(leakage).every((check) => check.ok);
    const specs = manifest.features;
    const scalerOf = (spec: FeatureScaleSpec) =>
      Object.values(file.symbols)
        .map((state) => state.features.find((f) => f.name === spec.name))
        .find((f) => f !== undefined);
    const report: ScaleReport = {
      trainEnd: file.trainEnd,
      trainEndIso: file.trainEndIso,
      valEnd: cuts.valEnd,
      options,
      clipPolicy:
        'only scaled features (robust/standard/minmax) are clipped; unscaled returns, temporal and binary features keep their values',
      featuresByCategory: groupBy(specs, (spec) => spec.category),
      featuresByScaler: groupBy(specs, (spec) => scalerOf(spec)?.scaler ?? 'absent'),
      logFeatures: specs.filter((spec) => scalerOf(spec)?.log === true).map((spec) => spec.name),
      leakageCheck: { ok: leakageOk, bySymbol: leakage },
      warnings,
      symbols,
    };
    await writeJsonArtifact(context.runDir, scaleReport, report);
    if (!leakageOk) {
      throw new ArtifactError('leakage check failed: stored scaler statistics differ from the train statistics', scalerFile, {
        hint: `See ${scaleReport.path} → leakageCheck.`,
      });
    }
    return {
      metrics: { symbols: config.symbols.length, features: specs.length, leakageOk, warnings: warnings.length },
      artifactMetadata,
    };
  },
});
