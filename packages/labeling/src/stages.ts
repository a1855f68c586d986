import { barrierFor, type RunConfig } from '@tribar/config';
import { ArtifactError, DataError, defineStage, readArrowFile, writeArrowFile, writeJsonAtomic, type Logger, type StageContext, type StageDefinition } from '@tribar/core';
import { cut, readJsonArtifact, STAGE } from '@tribar/artifacts';
import { tableToBars, type Bars } from '@tribar/market';
import { mkdir, readFile } from 'node:fs/promises';
import { afmlLabels } from './afml/pipeline.js';
import { tripleBarrierLabelWeights } from './afml/label-weights.js';
import { barrierCostPrice, roundTripCost } from './costs.js';
import { labelBars, type BarrierChoice } from './label-bars.js';
import { kernelColumns, labelMix, labelTable, type LabelMix, type NamedColumn } from './label-table.js';
import { qualityScores, tieredSampleWeights, trainPercentileRows } from './quality.js';

/** `labels.initial`: the original stage 4's barriers (2.0 / 1.0 / 3h), the same for every symbol. */
export function initialBarrier(config: RunConfig, horizon: number): BarrierChoice {
  const { kUp, kDown, maxBarsPerHorizonBar } = config.labels.initial;
  return { kUp, kDown, maxBars: Math.ceil(maxBarsPerHorizonBar * horizon) };
}

async function readFeatures(context: StageContext<RunConfig>, symbol: string): Promise<Bars> {
  const path = context.path(`features/${symbol}.arrow`);
  const bars = tableToBars(await readArrowFile(path), path);
  bars.symbol = symbol;
  if (bars.timestamp.length === 0) throw new DataError('no bars', { file: path }, { hint: 'Check the features stage output.' });
  return bars;
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

const LABEL_CONFIG_KEYS = ['labels', 'horizons', 'symbols', 'contracts', 'defaultContract'] as const;

/**
 * Pipeline stage `labels-initial`: triple-barrier labels with `labels.initial` barriers for every
 * symbol and horizon, an input artefact for inspection and the GA (the original stage 4).
 */
export const labelsInitialStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: 'labels-initial',
  description: 'Triple-barrier labels with the initial barriers (k_up 2.0, k_down 1.0, 3h bars) per symbol and horizon.',
  dependsOn: ['features'],
  version: 1,
  configKeys: [...LABEL_CONFIG_KEYS],
  inputs: (config) => config.symbols.map((symbol) => `features/${symbol}.arrow`),
  outputs: (config) => [...config.symbols.map((symbol) => `labels-initial/${symbol}.arrow`), 'labels-initial/report.json'],
  async run(context) {
    const { config, logger } = context;
    await mkdir(context.path('labels-initial'), { recursive: true });
    context.progress.start(config.symbols.length * config.horizons.length, { unit: 'labels', label: 'labels-initial' });
    const report: Record<string, Record<string, { params: BarrierChoice; costPrice: number; mix: LabelMix }>> = {};
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    let rows = 0;
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      const bars = await readFeatures(context, symbol);
      warnUnknownContract(config, symbol, logger);
      const options = labelOptions(config, symbol, context.path(`features/${symbol}.arrow`));
      const columns: NamedColumn[] = [];
      const bySymbol: (typeof report)[string] = {};
      for (const horizon of config.horizons) {
        const params = initialBarrier(config, horizon);
        const result = labelBars(bars, params, options);
        columns.push(...kernelColumns(horizon, result));
        const mix = labelMix(result.label);
        bySymbol[String(horizon)] = { params, costPrice: options.costPrice, mix };
        logger.info({ symbol, horizon, ...params, long: mix.longShare, short: mix.shortShare, neutral: mix.neutralShare }, 'initial labels');
        context.progress.advance();
      }
      report[symbol] = bySymbol;
      await writeArrowFile(context.path(`labels-initial/${symbol}.arrow`), labelTable(symbol, bars.timestamp, columns));
      artifactMetadata[`labels-initial/${symbol}.arrow`] = { rows: bars.timestamp.length, horizons: config.horizons };
      rows += bars.timestamp.length;
    }
    context.progress.done();
    await writeJsonAtomic(context.path('labels-initial/report.json'), {
      sameBarRule: config.labels.sameBarRule,
      costAware: config.labels.costAware,
      atrFeature: config.labels.atrFeature,
      invalidPolicy: INVALID_POLICY,
      symbols: report,
    });
    return { metrics: { symbols: config.symbols.length, rows }, artifactMetadata };
  },
});

export const INVALID_POLICY =
  'label −99 marks rows without a full look-ahead window (the last maxBars rows of each series) and, under ' +
  "sameBarRule 'invalid', bars touching both barriers; they carry no quality (NaN) and weight 0 and must be " +
  'excluded by every downstream stage (GA, splits, scaling, training, validation).';

/** One GA result as `ga-optimize/summary.json` holds it. */
export interface GaBarrierResult {
  kUp: number;
  kDown: number;
  maxBars: number;
  valid: boolean;
}

export interface GaSummary {
  results: Record<string, Record<string, GaBarrierResult>>;
}

export type FinalBarrierSource = 'ga' | 'fallback';

export interface FinalBarrier {
  params: BarrierChoice;
  source: FinalBarrierSource;
  /** Why the fallback was used, and the config path it came from. */
  reason?: string;
  configPath?: string;
}

function usable(result: GaBarrierResult | undefined): result is GaBarrierResult {
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
export function finalBarrier(config: RunConfig, summary: GaSummary | undefined, symbol: string, horizon: number, logger?: Logger): FinalBarrier {
  const result = summary?.results?.[symbol]?.[String(horizon)];
  if (usable(result)) return { params: { kUp: result.kUp, kDown: result.kDown, maxBars: result.maxBars }, source: 'ga' };
  const reason = result === undefined ? 'no GA result' : (result as GaBarrierResult).valid ? 'GA result out of range' : 'GA result not valid';
  const configured = barrierFor(config, symbol, horizon);
  logger?.warn(
    { symbol, horizon, reason, fallback: configured.params, configPath: configured.path },
    'GA barriers unusable: falling back to the configured barriers',
  );
  return { params: { ...configured.params }, source: 'fallback', reason, configPath: configured.path };
}

export async function readGaSummary(path: string): Promise<GaSummary> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ArtifactError('cannot read the GA summary', path, { cause: error, hint: 'Re-run the ga-optimize stage.' });
  }
  const results = (parsed as { results?: unknown } | null)?.results;
  if (typeof results !== 'object' || results === null) {
    throw new ArtifactError("the GA summary has no 'results' object", path, { hint: 'Re-run the ga-optimize stage.' });
  }
  return parsed as GaSummary;
}

interface QualityStats {
  mean: number;
  scales: { mae: number; mfe: number; painToGain: number; timeWeightedDd: number };
  tierCuts: { low: number; high: number };
  weightCounts: { low: number; mid: number; high: number; zero: number };
  percentileRows: number;
}

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

/** `labels/<S>.afml-events.arrow`: the book's CUSUM-sampled events with bins and weights (one row per event). */
async function writeAfmlEvents(context: StageContext<RunConfig>, bars: Bars, trainEnd: number): Promise<Record<string, unknown>> {
  const events = afmlLabels(bars.timestamp, bars.close, { ...context.config.labels.afml, trainEnd });
  const time = (index: Int32Array) => Float64Array.from(index, (i) => bars.timestamp[i] as number);
  const table = labelTable(bars.symbol, time(events.index), [
    { name: 'event_index', values: events.index },
    { name: 'label_end_index', values: events.end },
    { name: 'label_end_time', values: time(events.end), kind: 'time' },
    { name: 'target', values: events.target },
    { name: 'touch', values: events.touch },
    { name: 'ret', values: events.ret },
    { name: 'bin', values: events.bin },
    { name: 'uniqueness', values: events.uniqueness },
    { name: 'return_weight', values: events.returnWeight },
    { name: 'decay_weight', values: events.decayWeight },
  ]);
  await writeArrowFile(context.path(`labels/${bars.symbol}.afml-events.arrow`), table);
  let up = 0;
  let down = 0;
  for (const b of events.bin) {
    if (b > 0) up++;
    else if (b < 0) down++;
  }
  return { events: events.index.length, cusumThreshold: events.threshold, up, down, zero: events.index.length - up - down };
}

/**
 * Pipeline stage `labels-final`: triple-barrier labels with the GA's barriers (or the configured
 * ones), quality scores and tiered sample weights whose percentiles come from the train part.
 */
export const labelsFinalStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: 'labels-final',
  description: 'Final triple-barrier labels with GA barriers, quality scores and tiered sample weights.',
  dependsOn: [STAGE.features, STAGE.gaOptimize, STAGE.cut],
  version: 1,
  configKeys: [...LABEL_CONFIG_KEYS, 'barriers'],
  inputs: (config) => [...config.symbols.map((symbol) => `features/${symbol}.arrow`), 'ga-optimize/summary.json', cut.path],
  outputs: (config) => [
    ...config.symbols.map((symbol) => `labels/${symbol}.arrow`),
    ...(config.labels.afml.enabled ? config.symbols.map((symbol) => `labels/${symbol}.afml-events.arrow`) : []),
    'labels/report.json',
  ],
  async run(context) {
    const { config, logger } = context;
    const summary = await readGaSummary(context.path('ga-optimize/summary.json'));
    const all = new Map<string, Bars>();
    for (const symbol of config.symbols) all.set(symbol, await readFeatures(context, symbol));
    // "The train part" is the run's one calendar cut (stage `cut`, over the clean bars).
    const { trainEndMs: trainEnd } = await readJsonArtifact(context.runDir, cut);
    const quality = config.labels.quality;
    const afml = config.labels.afml;
    await mkdir(context.path('labels'), { recursive: true });
    context.progress.start(config.symbols.length * config.horizons.length, { unit: 'labels', label: 'labels-final' });
    const report: Record<string, Record<string, unknown>> = {};
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    let fallbacks = 0;
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      const bars = all.get(symbol) as Bars;
      warnUnknownContract(config, symbol, logger);
      const options = labelOptions(config, symbol, context.path(`features/${symbol}.arrow`));
      const columns: NamedColumn[] = [];
      const bySymbol: Record<string, unknown> = {};
      for (const horizon of config.horizons) {
        const barrier = finalBarrier(config, summary, symbol, horizon, logger);
        if (barrier.source === 'fallback') fallbacks++;
        const result = labelBars(bars, barrier.params, options);
        const trainRows = trainPercentileRows(result.label, bars.timestamp, result.endTime, trainEnd);
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
        const h = `_h${horizon}`;
        columns.push(
          ...kernelColumns(horizon, result),
          { name: `quality${h}`, values: scores.quality },
          { name: `sample_weight${h}`, values: tiers.weights },
          { name: `pain_to_gain${h}`, values: scores.painToGain },
          { name: `time_weighted_dd${h}`, values: scores.timeWeightedDd },
        );
        if (afml.enabled) {
          const weights = tripleBarrierLabelWeights(bars.close, result.label, result.endIndex, afml.timeDecay);
          columns.push(
            { name: `uniqueness${h}`, values: weights.uniqueness },
            { name: `return_weight${h}`, values: weights.returnWeight },
            { name: `decay_weight${h}`, values: weights.decayWeight },
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
          { symbol, horizon, source: barrier.source, ...barrier.params, neutral: mixAll.neutralShare, neutralStatus, qualityMean: stats.mean },
          'final labels',
        );
        context.progress.advance();
      }
      if (afml.enabled) bySymbol['afml'] = await writeAfmlEvents(context, bars, trainEnd);
      report[symbol] = bySymbol;
      await writeArrowFile(context.path(`labels/${symbol}.arrow`), labelTable(symbol, bars.timestamp, columns));
      artifactMetadata[`labels/${symbol}.arrow`] = { rows: bars.timestamp.length, horizons: config.horizons };
    }
    context.progress.done();
    await writeJsonAtomic(context.path('labels/report.json'), {
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
