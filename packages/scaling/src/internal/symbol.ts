// One symbol of the stage `scale`: read its features, fit on the train rows, check the fit against a second route,
// scale every column in place, write `scale/<S>.arrow`, and hand back the small parts of the JSON files (state,
// leakage check, report entry, warnings). Pure in its inputs, so it runs the same on the main thread or a worker.
import {
  cut,
  featureBars,
  readArrowArtifact,
  scaledBars,
  TIMESTAMP_COLUMN,
  writeArrowArtifact,
  artifactPath,
  type ScaleReportFile,
} from '@tribar/artifacts';
import { DataError } from '@tribar/core';
import { readColumn, scaledTable } from './inputs.js';
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
  type ScalerState,
  type ScalingOptions,
} from './scaler.js';
import { parseState, serializeState } from './state-io.js';
import { finiteMoments } from './stats.js';

/** |mean(split) − mean(train)| / std(train) on scaled data above this is reported (the original's z = 5). */
const DRIFT_Z = 5;

type Part = 'train' | 'val' | 'test';

/** The calendar cut as the scaler uses it (UTC ms): train before `trainEnd`, test from `valEnd`. */
export interface Cuts {
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

export interface ScaleWarning {
  symbol: string;
  feature: string;
  message: string;
}

/** One feature of one symbol in `scale/report.json`. */
type FeatureReport = ScaleReportFile['symbols'][string]['features'][string];

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

/** What one symbol needs (plain data: it is posted to a worker thread as it is). */
export interface SymbolJob {
  runDir: string;
  symbol: string;
  specs: FeatureScaleSpec[];
  cuts: Cuts;
  options: ScalingOptions;
}

/** One symbol's part of `scale/scaler.json` and `scale/report.json` (plain data, posted back from a worker). */
export interface SymbolResult {
  state: ScalerState;
  leakage: LeakageCheck;
  report: ScaleReportFile['symbols'][string];
  warnings: ScaleWarning[];
  trainRows: number;
}

/** Fit, check, scale and write one symbol (see the file's head). */
export async function scaleSymbol({ runDir, symbol, specs, cuts, options }: SymbolJob): Promise<SymbolResult> {
  const path = artifactPath(runDir, featureBars(symbol));
  const table = await readArrowArtifact(runDir, featureBars(symbol));
  const timestamp = readColumn(table, TIMESTAMP_COLUMN, path);
  const columns = new Map(specs.map((spec) => [spec.name, readColumn(table, spec.name, path)]));
  const parts = partsOf(timestamp, cuts);
  const trainCount = parts.get('train')?.length ?? 0;
  if (trainCount === 0) {
    throw new DataError(
      `no row before trainEnd ${new Date(cuts.trainEnd).toISOString()}`,
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
  // The leakage check runs on the state as JSON read back, against train statistics recomputed
  // from the rows. It compares no scaledTrain field, which the transform below fills in.
  const leakage = checkLeakage(parseState(serializeState(state), `scaler state of ${symbol}`), trainColumns);
  // One flags buffer for every feature: each column's per-split report is taken right after its transform.
  // Each column is scaled in place (the fit and the check are done with its train rows): the symbol's
  // features are held once, as the table read, and written from there.
  const warnings: ScaleWarning[] = [];
  const flags = new Uint8Array(timestamp.length);
  const features: Record<string, FeatureReport> = {};
  const scaled = state.features.map((feature) => {
    const column = columns.get(feature.name) as Float64Array;
    const values = transformColumn(feature, column, options, flags, column).values;
    features[feature.name] = featureSummary(feature, { values, flags }, parts, symbol, warnings);
    return [feature.name, values] as [string, Float64Array];
  });
  await writeArrowArtifact(runDir, scaledBars(symbol), scaledTable(symbol, timestamp, scaled));
  const report = {
    rows: timestamp.length,
    rowsBySplit: Object.fromEntries([...parts].map(([part, rows]) => [part, rows.length])),
    features,
  };
  return { state, leakage, report, warnings, trainRows: trainCount };
}
