import type { RunConfig } from '@tribar/config';
import { DataError, defineStage, type Logger, type StageDefinition } from '@tribar/core';
import {
  artifactPath,
  BAR_COLUMNS,
  cleanBars,
  cut,
  featureBars,
  featureManifest,
  featuresReport,
  readArrowArtifact,
  readJsonArtifact,
  STAGE,
  writeArrowArtifact,
  writeJsonArtifact,
  type FeatureManifestFile,
  type FeaturesReportFile,
} from '@tribar/artifacts';
import { barsToTable, countBefore, tableToBars, type Bars } from '@tribar/market';
import { checkBars, computeFeatures, featureTable, type SymbolFeatures } from './compute.js';
import { type FeatureSpec } from './registry.js';

const NAN_POLICY =
  'Leading rows are dropped until every own-bar feature is valid (the longest declared warm-up, or later if a ' +
  'feature starts later in the data). After that, NaN is kept where a value is undefined (zero range or volume, ' +
  'zero variance, a partner symbol without a bar at that time, bars outside a CME session) and is never filled ' +
  'or dropped here; ±Infinity never appears. Downstream stages impute from train statistics.';

/** `features/feature-manifest.json` of the symbols' results, `passthrough` the input columns carried through. */
function buildManifest(results: readonly SymbolFeatures[], passthrough: string[]): FeatureManifestFile {
  const byName = new Map<string, FeatureSpec>();
  for (const result of results) {
    for (const feature of result.specs) {
      const known = byName.get(feature.name);
      if (known === undefined) byName.set(feature.name, { ...feature });
      else known.warmup = Math.max(known.warmup, feature.warmup);
    }
  }
  const bySymbol: FeatureManifestFile['bySymbol'] = {};
  for (const result of results) {
    bySymbol[result.symbol] = {
      features: result.specs.map((feature) => feature.name),
      warmupRows: result.warmupRows,
      fracdiff: { d: result.fracdiff.d, width: result.fracdiff.width, chosenBy: result.fracdiff.choice ? 'adf' : 'config' },
    };
  }
  return { version: 1, passthrough, features: [...byName.values()], bySymbol, nanPolicy: NAN_POLICY };
}

function nanCounts(columns: readonly Float64Array[], specs: readonly FeatureSpec[], from: number): Record<string, number> {
  const out: Record<string, number> = {};
  specs.forEach((feature, j) => {
    const column = columns[j] as Float64Array;
    let count = 0;
    for (let i = from; i < column.length; i++) if ((column[i] as number) !== (column[i] as number)) count++;
    out[feature.name] = count;
  });
  return out;
}

/**
 * Pipeline stage `features`: every registered feature for each symbol's clean five-minute bars,
 * warm-up rows dropped, written as Arrow beside a manifest and a report.
 */
export const featuresStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.features,
  description: 'Indicators, multi-timeframe, cross-asset, session and fractionally differenced features per symbol.',
  dependsOn: [STAGE.clean, STAGE.cut],
  version: 1,
  configKeys: ['features', 'symbols', 'timeframes.targetMinutes'],
  inputs: (config) => [...config.symbols.map((symbol) => cleanBars(symbol).path), cut.path],
  outputs: (config) => [...config.symbols.map((symbol) => featureBars(symbol).path), featureManifest.path, featuresReport.path],
  async run(context) {
    const { config, logger } = context;
    const started = performance.now();
    const all = new Map<string, Bars>();
    for (const symbol of config.symbols) {
      const path = artifactPath(context.runDir, cleanBars(symbol));
      const bars = tableToBars(await readArrowArtifact(context.runDir, cleanBars(symbol)), path);
      bars.symbol = symbol;
      if (bars.timestamp.length === 0) throw new DataError('no bars', { file: path }, { hint: 'Check the clean stage output.' });
      checkBars(bars, path);
      all.set(symbol, bars);
    }
    const readMs = performance.now() - started;
    // "The train part" is the run's one calendar cut (stage `cut`), as every stage uses.
    const { trainEndMs: trainEnd } = await readJsonArtifact(context.runDir, cut);
    context.progress.start(config.symbols.length, { unit: 'symbols', label: STAGE.features });
    const results: SymbolFeatures[] = [];
    const report: FeaturesReportFile['symbols'] = {};
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    // Wall-clock times go to state.json (the outcome's metrics) and the log, never into an artifact's bytes.
    const timings: Record<string, number> = { readMs: Math.round(readMs) };
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      const job = { runDir: context.runDir, config, logger, symbol, all, trainEnd, report, timings, artifactMetadata };
      results.push(await writeSymbolFeatures(job));
      context.progress.advance();
    }
    context.progress.done();
    const passthrough = [...BAR_COLUMNS.map((column) => column.name), ...Object.keys(all.values().next().value?.columns ?? {})];
    await writeJsonArtifact(context.runDir, featureManifest, buildManifest(results, passthrough));
    await writeJsonArtifact(context.runDir, featuresReport, { symbols: report, nanPolicy: NAN_POLICY });
    const featureCount = Math.min(...results.map((r) => r.specs.length));
    timings['totalMs'] = Math.round(performance.now() - started);
    logger.info(timings, 'features timings');
    return {
      metrics: {
        symbols: results.length,
        featuresPerSymbol: featureCount,
        rowsOut: results.reduce((sum, r) => sum + Math.max(0, (all.get(r.symbol)?.timestamp.length ?? 0) - r.warmupRows), 0),
        ...timings,
      },
      artifactMetadata,
    };
  },
});

interface SymbolJob {
  runDir: string;
  config: RunConfig;
  logger: Logger;
  symbol: string;
  all: ReadonlyMap<string, Bars>;
  trainEnd: number;
  /** Filled in for the symbol. */
  report: FeaturesReportFile['symbols'];
  timings: Record<string, number>;
  artifactMetadata: Record<string, Record<string, unknown>>;
}

/**
 * One symbol's features computed and written; what it returns holds no column. A function of its own, so that when
 * it returns nothing of the symbol's full-length columns (a third of the stage's peak each) is reachable: a loop
 * body's variables stay referenced into the next turn (the interpreter keeps them in its registers), which held the
 * first symbol's columns while the second's were computed.
 */
async function writeSymbolFeatures(job: SymbolJob): Promise<SymbolFeatures> {
  const { runDir, config, logger, symbol, all, trainEnd, report, timings, artifactMetadata } = job;
  const bars = all.get(symbol) as Bars;
  const partners = new Map([...all].filter(([other]) => other !== symbol));
  const t0 = performance.now();
  const features = computeFeatures(bars, {
    config: config.features,
    symbols: config.symbols,
    barMinutes: config.timeframes.targetMinutes,
    trainFraction: countBefore(bars.timestamp, trainEnd) / bars.timestamp.length,
    partners,
  });
  const computeMs = performance.now() - t0;
  const table = featureTable(bars, features);
  const t1 = performance.now();
  // One batch of views into the full-length columns, streamed to the file buffer by buffer (core's
  // writeArrowFile): the feature table exists once, not three times (columns, a copy, the file's bytes).
  await writeArrowArtifact(runDir, featureBars(symbol), barsToTable(table, { keepViews: true }));
  const writeMs = performance.now() - t1;
  const rowsIn = bars.timestamp.length;
  const rowsOut = table.timestamp.length;
  const nan = nanCounts(features.columns, features.specs, features.warmupRows);
  const neverValid = features.specs.filter((_, j) => (features.firstValid[j] as number) >= rowsIn).map((f) => f.name);
  if (neverValid.length > 0) logger.warn({ symbol, features: neverValid }, 'features without a single valid value');
  if (features.warmupRows > rowsIn / 2)
    logger.warn({ symbol, warmupRows: features.warmupRows, rowsIn }, 'warm-up drops more than half the bars');
  // The feature that sets the drop: an own feature by its first valid row, a cross one by its declared warm-up.
  const setBy = features.specs.find((f, j) =>
    f.inputs === 'own' ? features.firstValid[j] === features.warmupRows : f.warmup === features.warmupRows,
  );
  const clashes = features.specs.filter((f) => f.name in bars.columns).map((f) => f.name);
  if (clashes.length > 0) logger.warn({ symbol, columns: clashes }, 'input columns replaced by features of the same name');
  report[symbol] = {
    rowsIn,
    warmupRowsDropped: features.warmupRows,
    ...(setBy === undefined ? {} : { warmupSetBy: setBy.name }),
    rowsOut,
    features: features.specs.length,
    fracdiff: {
      d: features.fracdiff.d,
      width: features.fracdiff.width,
      ...(features.fracdiff.choice === undefined ? {} : { adfTried: features.fracdiff.choice.tried }),
    },
    nanCounts: nan,
    neverValid,
  };
  timings[`computeMs.${symbol}`] = Math.round(computeMs);
  timings[`writeMs.${symbol}`] = Math.round(writeMs);
  artifactMetadata[featureBars(symbol).path] = {
    rows: rowsOut,
    features: features.specs.length,
    warmupRowsDropped: features.warmupRows,
  };
  logger.info(
    {
      symbol,
      rowsIn,
      rowsOut,
      features: features.specs.length,
      ms: Math.round(computeMs),
      writeMs: Math.round(writeMs),
      byFamilyMs: roundedMs(features.timings),
    },
    'features computed',
  );
  // The manifest needs only the specs.
  return { ...features, columns: [] };
}

function roundedMs(timings: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(timings).map(([family, ms]) => [family, Math.round(ms)]));
}
