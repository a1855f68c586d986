import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  artifactPath,
  featureManifest,
  readJsonArtifact,
  runConfig,
  scalerState,
  trainModelDir,
  trainResultDir,
  type FeatureManifestFile,
} from '@tribar/artifacts';
import { loadConfig, type RunConfig } from '@tribar/config';
import { ArtifactError, childLogger, silentLogger, UsageError, type Logger } from '@tribar/core';
import { buildSequence, buildTabular, type ColumnsInput, type Dataset } from '@tribar/datasets';
import { registerEnsembles } from '@tribar/ensembles';
import { createDefaultRegistry, type BaseModel, type ModelCard, type ModelRows, type ModelRegistry } from '@tribar/models';
import { parseState, type ScalerState } from '@tribar/scaling';
import { SPLIT_TEST } from '@tribar/splits';
import { loadBetSizer } from './bet-size.js';
import { InsufficientHistoryError } from './errors.js';
import { prepareBars, computeModelFeatures } from './prepare.js';
import { readRawBars, type RawBarsInput } from './raw-bars.js';

export interface PredictorOptions {
  /** A pipeline run folder (`runs/<id>`) whose `train` stage saved the model. */
  runDir: string;
  /** Model name or alias, e.g. `logistic`. */
  model: string;
  symbol: string;
  horizon: number;
  logger?: Logger;
  /** Registry that reads the saved model (default: the built-in families). */
  registry?: ModelRegistry;
}

/** Class probabilities per predictable bar; `proba` is rows × 3 (short, neutral, long), row-major. */
export interface Prediction {
  rows: number;
  /** Close time of each predicted target-timeframe bar (UTC ms), as in the run's tables. */
  timestampMs: Float64Array;
  proba: Float32Array;
  /**
   * Signed contracts per row (+ long, − short, 0 flat) when the run sizes bets (`train.calibration`,
   * `train.betSizing`, `train.metaLabeling`): the pipeline's own sizes for the same bars. Absent
   * when the run does not size bets, or sizes them from other bets' label ends (`info.betSizing`).
   */
  betSize?: Float32Array;
}

export interface PredictOptions {
  /**
   * Raw one-minute bars of the other symbols the model's cross-asset features read (see
   * `info.partners`), in any input form. Required exactly for those symbols.
   */
  partners?: Readonly<Record<string, RawBarsInput>>;
}

export interface PredictorInfo {
  runId: string;
  /** The registered model name (an alias given in the options is resolved). */
  model: string;
  symbol: string;
  horizon: number;
  inputKind: 'tabular' | 'sequence';
  /** Model input columns, in order (the scaled features the model was fitted on). */
  features: readonly string[];
  /**
   * Target-timeframe bars consumed before the first prediction: the features' warm-up in the run,
   * plus `lookback − 1` for sequence families.
   */
  warmupBars: number;
  barMinutes: number;
  card: ModelCard;
  /** Symbols whose bars `predict` needs as `partners` (cross-asset features of the model). */
  partners: readonly string[];
  /** Bars per window for sequence families (absent for tabular ones). */
  lookback?: number;
  /** Whether `predict` returns `betSize`, and why not when it does not. */
  betSizing: { served: boolean; reason?: string };
}

export interface Predictor {
  readonly info: PredictorInfo;
  /** Raw 1-minute bars, oldest first (columns as ingest reads them). Returns one row per predictable target-timeframe bar. */
  predict(bars: RawBarsInput, options?: PredictOptions): Promise<Prediction>;
  dispose(): void;
}

const RERUN = 'Re-run the pipeline with this model in train.models (`tribar pipeline`).';

async function runConfigOf(runDir: string): Promise<RunConfig> {
  if (!existsSync(runDir))
    throw new ArtifactError('run folder not found', runDir, { hint: 'Pass a runs/<id> folder written by the pipeline.' });
  const path = join(runDir, runConfig.path);
  if (!existsSync(path)) throw new ArtifactError('missing file', path, { hint: 'Not a pipeline run folder: it has no config.json.' });
  return (await loadConfig({ runConfig: path })).config;
}

/** The saved models of a run, as `<model>-<symbol>-h<h>` folder names, for hints. */
function trainedModels(runDir: string): string[] {
  const dir = join(runDir, trainResultDir('x', 'x', 1).split('/')[0] as string);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, basename(trainModelDir('x', 'x', 1)))))
    .map((entry) => entry.name)
    .sort();
}

/** Every model input column must be a feature the run scaled for this symbol. */
function checkFeatures(
  features: readonly string[],
  state: ScalerState,
  manifest: FeatureManifestFile,
  symbol: string,
  where: string,
): void {
  const scaled = new Set(state.features.map((feature) => feature.name));
  const missing = features.filter((name) => !scaled.has(name));
  if (missing.length > 0) {
    throw new ArtifactError(`model input column(s) ${missing.join(', ')} have no fitted scaler for ${symbol}`, where, { hint: RERUN });
  }
  const listed = new Set(manifest.bySymbol[symbol]?.features ?? manifest.features.map((feature) => feature.name));
  const unlisted = features.filter((name) => !listed.has(name));
  if (unlisted.length > 0) throw new ArtifactError(`feature(s) ${unlisted.join(', ')} are not in the feature manifest of ${symbol}`, where);
}

/** Partner symbols of the model's cross-asset features. */
function partnersOf(features: readonly string[], manifest: FeatureManifestFile, symbol: string): string[] {
  const wanted = new Set(features);
  const out = new Set<string>();
  for (const spec of manifest.features) {
    if (!wanted.has(spec.name) || spec.inputs === 'own') continue;
    for (const other of spec.inputs.cross) if (other !== symbol) out.add(other);
  }
  return [...out].sort();
}

/**
 * Load a trained model with everything its run used to make its input: the resolved config, the
 * feature manifest (the FFD order chosen on train), the fitted scaler of the symbol and the
 * model's input columns. Nothing is refitted: `predict` applies the run's own choices to new bars.
 */
export async function loadPredictor(options: PredictorOptions): Promise<Predictor> {
  const { runDir, symbol, horizon } = options;
  const log = childLogger(options.logger ?? silentLogger(), 'inference', { symbol, horizon });
  if (!Number.isInteger(horizon) || horizon < 1) throw new UsageError(`horizon must be a positive integer, got ${horizon}`);
  const config = await runConfigOf(runDir);
  if (!config.symbols.includes(symbol)) {
    throw new UsageError(`symbol '${symbol}' is not in this run`, { hint: `The run's symbols: ${config.symbols.join(', ')}.` });
  }
  // Ensembles (voting, stacking, blending, bagging, calibrated) load through the registry too.
  const registry = options.registry ?? registerEnsembles(createDefaultRegistry());
  const card = registry.card(options.model);
  const dir = artifactPath(runDir, trainModelDir(card.name, symbol, horizon));
  if (!existsSync(dir)) {
    const trained = trainedModels(runDir);
    throw new ArtifactError('no saved model', dir, {
      hint: `Models trained in this run: ${trained.join(', ') || 'none'}. ${RERUN}`,
    });
  }
  const manifest = await readJsonArtifact(runDir, featureManifest);
  const entry = manifest.bySymbol[symbol];
  if (entry === undefined) throw new ArtifactError(`no bySymbol.${symbol} entry`, artifactPath(runDir, featureManifest), { hint: RERUN });
  const scalerFile = await readJsonArtifact(runDir, scalerState);
  const scalerWhere = artifactPath(runDir, scalerState);
  const stateEntry = scalerFile.symbols[symbol];
  if (stateEntry === undefined) throw new ArtifactError(`no symbols.${symbol} entry`, scalerWhere, { hint: RERUN });
  const state = parseState(stateEntry, `${scalerWhere} symbols.${symbol}`);

  const model: BaseModel = await registry.load(dir);
  const described = model.describe();
  const features = [...(described.featureNames ?? state.features.map((feature) => feature.name))];
  checkFeatures(features, state, manifest, symbol, dir);
  const lookback = card.inputKind === 'sequence' ? config.train.lookback : undefined;
  const sizer = await loadBetSizer(runDir, card.name, symbol, horizon, registry);
  const info: PredictorInfo = {
    runId: basename(runDir),
    model: card.name,
    symbol,
    horizon,
    inputKind: card.inputKind,
    features,
    warmupBars: entry.warmupRows + (lookback === undefined ? 0 : lookback - 1),
    barMinutes: config.timeframes.targetMinutes,
    card,
    partners: partnersOf(features, manifest, symbol),
    ...(lookback === undefined ? {} : { lookback }),
    betSizing: { served: sizer.served, ...(sizer.served ? {} : { reason: sizer.reason }) },
  };
  // Only the model's columns are scaled (the state may hold more features than the model reads).
  const modelState: ScalerState = { ...state, features: features.map((name) => state.features.find((f) => f.name === name)!) };
  log.info({ model: card.name, runId: info.runId, features: features.length, warmupBars: info.warmupBars }, 'predictor loaded');
  let disposed = false;

  return {
    info,
    async predict(bars: RawBarsInput, predictOptions: PredictOptions = {}): Promise<Prediction> {
      if (disposed) throw new UsageError('predict after dispose(): load the predictor again');
      const started = performance.now();
      const read = { timezone: config.data.timezone, columns: config.data.columns, sourceMinutes: config.timeframes.sourceMinutes };
      const target = prepareBars(await readRawBars(bars, { ...read, symbol }), config);
      const partners = new Map<string, ReturnType<typeof prepareBars>>();
      const given = predictOptions.partners ?? {};
      for (const partner of info.partners) {
        const raw = given[partner];
        if (raw === undefined) {
          throw new UsageError(
            `the model reads cross-asset features of ${symbol} and ${partner}: pass ${partner}'s bars in options.partners`,
            {
              hint: `Partners this model needs: ${info.partners.join(', ')}.`,
            },
          );
        }
        partners.set(partner, prepareBars(await readRawBars(raw, { ...read, symbol: partner, label: `<${partner} bars>` }), config));
      }
      const unknownPartners = Object.keys(given).filter((name) => !info.partners.includes(name));
      if (unknownPartners.length > 0) {
        throw new UsageError(`options.partners names ${unknownPartners.join(', ')}, which the model does not read`, {
          hint: `Partners this model needs: ${info.partners.join(', ') || 'none'}.`,
        });
      }
      const have = target.timestamp.length;
      if (have < info.warmupBars + 1) {
        throw new InsufficientHistoryError(info.warmupBars + 1, have, info.barMinutes, warmupDetail(info, entry.warmupRows));
      }
      const computed = computeModelFeatures(target, partners, config, manifest, modelState, dir);
      const dataset = modelRows(computed, info, config);
      if (dataset.rows === 0) {
        throw new InsufficientHistoryError(
          computed.start + (info.lookback ?? 1),
          have,
          info.barMinutes,
          `${warmupDetail(info, computed.start)}, within one session`,
        );
      }
      const input: ModelRows =
        dataset.kind === 'tabular'
          ? { x: dataset.x, rows: dataset.rows, shape: dataset.shape, featureNames: dataset.featureNames }
          : dataset;
      const { p } = await model.predictProba(input);
      log.info(
        {
          bars1m: 'bars' in bars ? bars.bars.timestamp.length : undefined,
          targetBars: have,
          rows: dataset.rows,
          ms: Math.round(performance.now() - started),
        },
        'predicted',
      );
      const betSize = sizer.served ? await sizer.size(p, input) : undefined;
      return { rows: dataset.rows, timestampMs: dataset.timestampMs, proba: p, ...(betSize ? { betSize } : {}) };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
      if (sizer.served) sizer.dispose();
    },
  };
}

function warmupDetail(info: PredictorInfo, warmupRows: number): string {
  return `${warmupRows} bar(s) of feature warm-up${info.lookback === undefined ? '' : ` and a ${info.lookback}-bar window`} before the first prediction`;
}

/**
 * The model's rows, built by the same code that built the run's datasets (`buildTabular`,
 * `buildSequence`), so row layout, Float32 rounding and windows (within one session unless
 * `train.crossSessions`) are the training ones. Every row counts as one split, with a neutral
 * label and weight 1, which only make the builders keep it.
 */
function modelRows(computed: ReturnType<typeof computeModelFeatures>, info: PredictorInfo, config: RunConfig): Dataset {
  const n = computed.timestampMs.length;
  const base: ColumnsInput = {
    features: computed.columns,
    featureNames: info.features,
    label: new Float64Array(n),
    weight: new Float64Array(n).fill(1),
    split: new Float64Array(n).fill(SPLIT_TEST),
    timestampMs: computed.timestampMs,
    which: 'test',
    symbol: info.symbol,
    horizon: info.horizon,
    source: '<predict input>',
  };
  if (info.inputKind === 'tabular') return buildTabular(base);
  return buildSequence({
    ...base,
    lookback: info.lookback as number,
    crossSessions: config.train.crossSessions,
    barMs: info.barMinutes * 60_000,
  });
}
