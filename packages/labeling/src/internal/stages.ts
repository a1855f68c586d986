import { barrierFor, type RunConfig } from '@tribar/config';
import { DataError, defineStage, type Logger, type StageContext, type StageDefinition } from '@tribar/core';
import {
  AFML_EVENT_COLUMNS,
  afmlEvents,
  artifactPath,
  cut,
  decayWeightColumn,
  featureBars,
  gaSummary,
  initialLabels,
  initialLabelsReport,
  labelBars as labelsFile,
  labelsReport,
  painToGainColumn,
  qualityColumn,
  readArrowArtifact,
  readJsonArtifact,
  returnWeightColumn,
  sampleWeightColumn,
  STAGE,
  timeWeightedDdColumn,
  uniquenessColumn,
  writeArrowArtifact,
  writeJsonArtifact,
  type GaSummaryEntry,
  type GaSummaryFile,
  type InitialLabelsReportFile,
  type LabelsReportAfml,
  type LabelsReportFile,
  type LabelsReportHorizon,
} from '@tribar/artifacts';
import { afmlLabels } from './afml/pipeline.js';
import { tripleBarrierLabelWeights } from './afml/label-weights.js';
import { barrierCostPrice, roundTripCost } from './costs.js';
import { LabelBuffers, labelSeriesInto, readLabelSeries, type BarrierChoice, type LabelSeries } from './label-bars.js';
import { kernelColumns, labelMix, labelTable, type LabelColumn, type NamedColumn } from './label-table.js';
import { qualityScores, tieredSampleWeights, trainPercentileRows } from './quality.js';

/** `labels.initial`: the original stage 4's barriers (2.0 / 1.0 / 3h), the same for every symbol. */
function initialBarrier(config: RunConfig, horizon: number): BarrierChoice {
  const { kUp, kDown, maxBarsPerHorizonBar } = config.labels.initial;
  return { kUp, kDown, maxBars: Math.ceil(maxBarsPerHorizonBar * horizon) };
}

/**
 * The columns labeling reads of `features/<S>.arrow` (timestamp, OHLC, the ATR), copied out so the
 * table and the file's bytes are garbage as soon as this returns: one symbol at a time is in memory.
 */
async function readFeatures(context: StageContext<RunConfig>, symbol: string): Promise<LabelSeries> {
  const path = artifactPath(context.runDir, featureBars(symbol));
  const series = readLabelSeries(await readArrowArtifact(context.runDir, featureBars(symbol)), context.config.labels.atrFeature, path);
  if (series.timestamp.length === 0) throw new DataError('no bars', { file: path }, { hint: 'Check the features stage output.' });
  return series;
}

function labelOptions(config: RunConfig, symbol: string, source: string) {
  return {
    atrFeature: config.labels.atrFeature,
    sameBarRule: config.labels.sameBarRule,
    costPrice: barrierCostPrice(config, symbol),
    source,
  };
}

function warnUnknownContract(config: RunConfig, symbol: string, logger: Logger): void {
  if (config.labels.costAware && !roundTripCost(config, symbol).known) {
    logger.warn({ symbol }, 'no contract for the symbol: cost-aware barriers use defaultContract');
  }
}

/** What both stages read: the symbols' contracts feed `barrierCostPrice` (config's `contractFor`). */
const LABEL_CONFIG_KEYS = ['horizons', 'symbols', 'contracts', 'defaultContract'] as const;

/**
 * Pipeline stage `labels-initial` (optional diagnostics): triple-barrier labels with the
 * `labels.initial` barriers for every symbol and horizon (the original stage 4), for inspection
 * only. No stage reads its output (the GA labels its own candidates from `features/`), so it is
 * not required: a failure does not stop the run.
 */
export const labelsInitialStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.labelsInitial,
  description: 'diagnostics: labels at the configured initial barriers, read by no stage',
  required: false,
  dependsOn: [STAGE.features],
  version: 1,
  configKeys: [...LABEL_CONFIG_KEYS, 'labels.initial', 'labels.atrFeature', 'labels.sameBarRule', 'labels.costAware'],
  inputs: (config) => config.symbols.map((symbol) => featureBars(symbol).path),
  outputs: (config) => [...config.symbols.map((symbol) => initialLabels(symbol).path), initialLabelsReport.path],
  async run(context) {
    const { config, logger } = context;
    context.progress.start(config.symbols.length * config.horizons.length, { unit: 'labels', label: STAGE.labelsInitial });
    const report: InitialLabelsReportFile['symbols'] = {};
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    let rows = 0;
    const buffers = new LabelBuffers();
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      const bars = await readFeatures(context, symbol);
      warnUnknownContract(config, symbol, logger);
      const options = labelOptions(config, symbol, artifactPath(context.runDir, featureBars(symbol)));
      const columns: NamedColumn[] = [];
      const bySymbol: (typeof report)[string] = {};
      for (const [slot, horizon] of config.horizons.entries()) {
        const params = initialBarrier(config, horizon);
        const result = buffers.take(slot, bars.timestamp.length);
        labelSeriesInto(bars, params, options, result);
        columns.push(...kernelColumns(horizon, result, bars.timestamp));
        const mix = labelMix(result.label);
        bySymbol[String(horizon)] = { params, costPrice: options.costPrice, mix };
        logger.info(
          { symbol, horizon, ...params, long: mix.longShare, short: mix.shortShare, neutral: mix.neutralShare },
          'initial labels',
        );
        context.progress.advance();
      }
      report[symbol] = bySymbol;
      await writeArrowArtifact(context.runDir, initialLabels(symbol, config.horizons), labelTable(symbol, bars.timestamp, columns));
      artifactMetadata[initialLabels(symbol).path] = { rows: bars.timestamp.length, horizons: config.horizons };
      rows += bars.timestamp.length;
    }
    context.progress.done();
    await writeJsonArtifact(context.runDir, initialLabelsReport, {
      sameBarRule: config.labels.sameBarRule,
      costAware: config.labels.costAware,
      atrFeature: config.labels.atrFeature,
      invalidPolicy: INVALID_POLICY,
      symbols: report,
    });
    return { metrics: { symbols: config.symbols.length, rows }, artifactMetadata };
  },
});

const INVALID_POLICY =
  'label −99 marks rows without a full look-ahead window (the last maxBars rows of each series) and, under ' +
  "sameBarRule 'invalid', bars touching both barriers; they carry no quality (NaN) and weight 0 and must be " +
  'excluded by every downstream stage (GA, splits, scaling, training, validation).';

type FinalBarrierSource = 'ga' | 'fallback';

export interface FinalBarrier {
  params: BarrierChoice;
  source: FinalBarrierSource;
  /** Why the fallback was used, and the config path it came from. */
  reason?: string;
  configPath?: string;
}

/** The entry is valid and in range (a boolean, not a type guard: an unusable entry is still an entry). */
function usable(result: GaSummaryEntry | undefined): boolean {
  return (
    result !== undefined &&
    result.valid === true &&
    Number.isFinite(result.kUp) &&
    result.kUp > 0 &&
    Number.isFinite(result.kDown) &&
    result.kDown > 0 &&
    Number.isInteger(result.maxBars) &&
    result.maxBars >= 1
  );
}

/** The GA's barriers for a symbol and horizon, else the configured ones (`barrierFor`) with a warning. */
export function finalBarrier(
  config: RunConfig,
  summary: GaSummaryFile | undefined,
  symbol: string,
  horizon: number,
  logger?: Logger,
): FinalBarrier {
  const result = summary?.results?.[symbol]?.[String(horizon)];
  if (result !== undefined && usable(result))
    return { params: { kUp: result.kUp, kDown: result.kDown, maxBars: result.maxBars }, source: 'ga' };
  const reason = result === undefined ? 'no GA result' : result.valid ? 'GA result out of range' : 'GA result not valid';
  const configured = barrierFor(config, symbol, horizon);
  logger?.warn(
    { symbol, horizon, reason, fallback: configured.params, configPath: configured.path },
    'GA barriers unusable: falling back to the configured barriers',
  );
  return { params: { ...configured.params }, source: 'fallback', reason, configPath: configured.path };
}

/**
 * `ga-optimize/summary.json`, parsed by its schema (`gaSummary` of `@tribar/artifacts`: a file of the
 * wrong shape fails naming the field); each entry is checked again by `finalBarrier` before use.
 */
async function readGaSummary(runDir: string): Promise<GaSummaryFile> {
  return readJsonArtifact(runDir, gaSummary);
}

type QualityStats = LabelsReportHorizon['quality'];

function mean(values: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (!Number.isNaN(value)) {
      sum += value;
      count++;
    }
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** `labels/<S>.afml-events.arrow`: the book's events (CUSUM-, z-score- or every-bar-sampled) with bins and weights (one row per event). */
async function writeAfmlEvents(
  context: StageContext<RunConfig>,
  symbol: string,
  bars: LabelSeries,
  trainEnd: number,
): Promise<LabelsReportAfml> {
  const events = afmlLabels(bars.timestamp, bars.close, { ...context.config.labels.afml, trainEnd });
  const time = (index: Int32Array) => Float64Array.from(index, (i) => bars.timestamp[i] as number);
  // In the order of AFML_EVENT_COLUMNS.
  const values: LabelColumn[] = [
    events.index,
    events.end,
    time(events.end),
    events.target,
    events.touch,
    events.ret,
    events.bin,
    events.uniqueness,
    events.returnWeight,
    events.decayWeight,
  ];
  const columns = AFML_EVENT_COLUMNS.map((column, k): NamedColumn => ({
    name: column.name,
    values: values[k] as LabelColumn,
    ...(column.type === 'timestamp' ? { kind: 'time' as const } : {}),
  }));
  await writeArrowArtifact(context.runDir, afmlEvents(symbol), labelTable(symbol, time(events.index), columns));
  let up = 0;
  let down = 0;
  for (const b of events.bin) {
    if (b > 0) up++;
    else if (b < 0) down++;
  }
  const { eventFilter } = context.config.labels.afml;
  return {
    events: events.index.length,
    // Written only for a non-default filter, so the default report keeps its bytes.
    ...(eventFilter === 'cusum' ? {} : { eventFilter }),
    cusumThreshold: events.threshold,
    up,
    down,
    zero: events.index.length - up - down,
  };
}

/**
 * Pipeline stage `labels-final`: triple-barrier labels with the GA's barriers (or the configured
 * ones), quality scores and tiered sample weights whose percentiles come from the train part.
 */
export const labelsFinalStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.labelsFinal,
  description: 'Final triple-barrier labels with GA barriers, quality scores and tiered sample weights.',
  dependsOn: [STAGE.features, STAGE.gaOptimize, STAGE.cut],
  version: 1,
  // `labels` whole (quality, afml, …); `barriers` through config's `barrierFor` for the fallback.
  configKeys: [...LABEL_CONFIG_KEYS, 'labels', 'barriers'],
  inputs: (config) => [...config.symbols.map((symbol) => featureBars(symbol).path), gaSummary.path, cut.path],
  outputs: (config) => [
    ...config.symbols.map((symbol) => labelsFile(symbol).path),
    ...(config.labels.afml.enabled ? config.symbols.map((symbol) => afmlEvents(symbol).path) : []),
    labelsReport.path,
  ],
  async run(context) {
    const { config, logger } = context;
    const summary = await readGaSummary(context.runDir);
    // "The train part" is the run's one calendar cut (stage `cut`, over the clean bars).
    const { trainEndMs: trainEnd } = await readJsonArtifact(context.runDir, cut);
    const quality = config.labels.quality;
    const afml = config.labels.afml;
    context.progress.start(config.symbols.length * config.horizons.length, { unit: 'labels', label: STAGE.labelsFinal });
    const report: LabelsReportFile['symbols'] = {};
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    let fallbacks = 0;
    // One symbol at a time: its features are read, labeled into buffers reused from symbol to
    // symbol, written, and dropped before the next is read.
    const buffers = new LabelBuffers();
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      const bars = await readFeatures(context, symbol);
      warnUnknownContract(config, symbol, logger);
      const options = labelOptions(config, symbol, artifactPath(context.runDir, featureBars(symbol)));
      const columns: NamedColumn[] = [];
      const bySymbol: LabelsReportFile['symbols'][string] = {};
      for (const [slot, horizon] of config.horizons.entries()) {
        const barrier = finalBarrier(config, summary, symbol, horizon, logger);
        if (barrier.source === 'fallback') fallbacks++;
        const result = buffers.take(slot, bars.timestamp.length);
        labelSeriesInto(bars, barrier.params, options, result);
        const trainRows = trainPercentileRows(result.label, bars.timestamp, result.endIndex, trainEnd);
        const percentileRows = quality.percentilesFrom === 'train' ? trainRows : undefined;
        const scores = qualityScores(result, {
          horizon,
          idealSpeedPerHorizon: quality.idealSpeedPerHorizon,
          drawdownBarsPerHorizonBar: quality.drawdownBarsPerHorizonBar,
          weights: quality.weights,
          scalePercentile: quality.scalePercentile,
          ...(percentileRows ? { percentileRows } : {}),
        });
        if (scores.percentileRowCount === 0) {
          logger.warn({ symbol, horizon }, 'no train rows to set quality percentiles: fallback scales, every weight mid');
        }
        const tiers = tieredSampleWeights(scores.quality, { ...quality.tiers, ...(percentileRows ? { percentileRows } : {}) });
        columns.push(
          ...kernelColumns(horizon, result, bars.timestamp),
          { name: qualityColumn(horizon), values: scores.quality },
          { name: sampleWeightColumn(horizon), values: tiers.weights },
          { name: painToGainColumn(horizon), values: scores.painToGain },
          { name: timeWeightedDdColumn(horizon), values: scores.timeWeightedDd },
        );
        if (afml.enabled) {
          const weights = tripleBarrierLabelWeights(bars.close, result.label, result.endIndex, afml.timeDecay);
          columns.push(
            { name: uniquenessColumn(horizon), values: weights.uniqueness },
            { name: returnWeightColumn(horizon), values: weights.returnWeight },
            { name: decayWeightColumn(horizon), values: weights.decayWeight },
          );
        }
        const weightCounts = { low: 0, mid: 0, high: 0, zero: 0 };
        for (const w of tiers.weights) {
          if (w === 0) weightCounts.zero++;
          else if (w === quality.tiers.highWeight) weightCounts.high++;
          else if (w === quality.tiers.lowWeight) weightCounts.low++;
          else weightCounts.mid++;
        }
        const stats: QualityStats = {
          mean: mean(scores.quality),
          scales: scores.scales,
          tierCuts: { low: tiers.lowCut, high: tiers.highCut },
          weightCounts,
          percentileRows: scores.percentileRowCount,
        };
        const mixAll = labelMix(result.label);
        const mixTrain = labelMix(result.label, (i) => (bars.timestamp[i] as number) < trainEnd);
        bySymbol[String(horizon)] = {
          params: barrier.params,
          source: barrier.source,
          ...(barrier.reason ? { reason: barrier.reason, configPath: barrier.configPath } : {}),
          costPrice: options.costPrice,
          mix: { all: mixAll, train: mixTrain },
          quality: stats,
        };
        const neutralStatus = mixAll.neutralShare >= 0.2 && mixAll.neutralShare <= 0.3 ? 'OK' : 'outside 20–30 %';
        logger.info(
          {
            symbol,
            horizon,
            source: barrier.source,
            ...barrier.params,
            neutral: mixAll.neutralShare,
            neutralStatus,
            qualityMean: stats.mean,
          },
          'final labels',
        );
        context.progress.advance();
      }
      if (afml.enabled) bySymbol['afml'] = await writeAfmlEvents(context, symbol, bars, trainEnd);
      report[symbol] = bySymbol;
      await writeArrowArtifact(
        context.runDir,
        labelsFile(symbol, config.horizons, afml.enabled),
        labelTable(symbol, bars.timestamp, columns),
      );
      artifactMetadata[labelsFile(symbol).path] = { rows: bars.timestamp.length, horizons: config.horizons };
    }
    context.progress.done();
    await writeJsonArtifact(context.runDir, labelsReport, {
      trainEnd: new Date(trainEnd).toISOString(),
      sameBarRule: config.labels.sameBarRule,
      costAware: config.labels.costAware,
      atrFeature: config.labels.atrFeature,
      percentilesFrom: quality.percentilesFrom,
      invalidPolicy: INVALID_POLICY,
      symbols: report,
    });
    return { metrics: { symbols: config.symbols.length, fallbacks }, artifactMetadata };
  },
});
