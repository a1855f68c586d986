import type { RunConfig, TrainConfig } from '@tribar/config';
import { contractFor } from '@tribar/config';
import {
  artifactPath,
  trainBetSizes,
  trainEquity,
  trainHistory,
  trainMetaSecondaryDir,
  trainMetrics,
  trainModelDir,
  trainServing,
  trainPredictions,
  trainResultDir,
  trainResultName,
  trainTrades,
  writeJsonArtifact,
  type TrainResultEntry,
} from '@tribar/artifacts';
import { noProgress, silentLogger, UsageError, type Logger, type ProgressReporter } from '@tribar/core';
import { loadDataModule, type DataModule } from '@tribar/datasets';
import { outOfFoldPredictions, primarySides } from '@tribar/ensembles';
import {
  isSequenceSource,
  resolveHyperparameters,
  type FitResult,
  type LabeledInput,
  type LabeledRows,
  type ModelCard,
  type ModelRegistry,
  type Probabilities,
} from '@tribar/models';
import type { RunTracker } from '@tribar/tracker';
import { backtest } from './backtest/index.js';
import {
  combineCallbacks,
  earlyStopping,
  historyCallback,
  learningRateSchedule,
  progressCallback,
  type TrainerCallback,
} from './callbacks.js';
import { crossValidate } from './cross-validate.js';
import { writeDiagnostics } from './diagnostics.js';
import { buildEnsemble, ensembleOutOfFold, ensembleProblems, writeEnsembleCv, type EnsembleConfig } from './ensembles.js';
import { sampleWindows, toModelInput } from './inputs.js';
import { classificationMetrics } from './metrics/classification.js';
import { backtestSummary, writeBetSizes, writeEquity, writePredictions, writeTrades } from './outputs.js';
import { metaLabelContracts } from './meta-labeling.js';
import { calibrateFit, sizeContracts } from './positions.js';

/** Epochs without improvement before stopping, per family, when the config leaves it to the model. */
export const DEFAULT_PATIENCE = { boosting: 50, neural: 15, classical: 10 } as const;

export interface TrainOptions {
  /** Phase 1 run folder the data comes from; results go into `<runDir>/train/<model>-<symbol>-h<h>/`. */
  runDir: string;
  symbol: string;
  horizon: number;
  model: string;
  registry: ModelRegistry;
  config: RunConfig;
  /** An entry of `train.ensembles` to train instead of the registered family `model` (then `model` is its name). */
  ensemble?: EnsembleConfig;
  /** Hyperparameters over the card's defaults (default: `config.train.hyperparameters[model]`). */
  hyperparameters?: Record<string, unknown>;
  tracker?: RunTracker;
  /** Pipeline run id, recorded as a tag of the tracked run. */
  runId?: string;
  /** Models tried on this symbol × horizon, for the deflated Sharpe ratio (default 1). */
  trials?: number;
  logger?: Logger;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  /**
   * Told how this fit ran: its tracked run (id and folder, null without a tracker) and its wall-clock seconds.
   * These are not part of the result's artifacts, which one config + seed writes byte for byte again.
   */
  onFitRun?: (run: FitRun) => void;
}

/** How one fit ran: state of this invocation, kept out of the artifacts (they go to the log, state.json and the tracker). */
export interface FitRun {
  trackerRunId: string | null;
  trackerUri: string | null;
  seconds: number;
}

/** One fit's result: an entry of `train/summary.json` (the shape is `@tribar/artifacts`' `trainResultSchema`). */
export type TrainResult = TrainResultEntry;

/** Folder name of a fit's results, `<model>-<symbol>-h<h>` (model lower-cased). */
function resultDirName(model: string, symbol: string, horizon: number): string {
  return trainResultName(model, symbol, horizon);
}

/** The callbacks the config asks for, for one model card. */
export function configuredCallbacks(
  card: ModelCard,
  hyperparameters: Record<string, unknown>,
  train: TrainConfig,
  progress: ProgressReporter,
  label: string,
): { callbacks: TrainerCallback[]; history: ReturnType<typeof historyCallback>; initialLearningRate?: number } {
  const maxEpochs = Number(hyperparameters['maxEpochs'] ?? hyperparameters['nEstimators'] ?? hyperparameters['maxIter'] ?? 100);
  const history = historyCallback();
  const patience = train.earlyStopping.patience ?? DEFAULT_PATIENCE[card.family];
  const callbacks: TrainerCallback[] = [
    history,
    earlyStopping({ patience, minDelta: train.earlyStopping.minDelta }),
    progressCallback(progress, maxEpochs, label),
  ];
  const baseRate = hyperparameters['learningRate'];
  if (card.family === 'neural' && typeof baseRate === 'number') {
    const schedule = learningRateSchedule({
      schedule: train.learningRate.schedule,
      baseRate,
      warmupEpochs: train.learningRate.warmupEpochs,
      maxEpochs,
    });
    callbacks.push(schedule);
    return { callbacks, history, initialLearningRate: schedule.initialRate };
  }
  return { callbacks, history };
}

/**
 * Fit one model on a symbol × horizon of a Phase 1 run: (optional) purged CV on the train part,
 * fit on train with early stopping on val, metrics on val and test, the cost-aware backtest on
 * test, artifacts in the run, and everything logged to the tracker.
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const { config, registry, symbol, horizon } = options;
  const logger = options.logger ?? silentLogger();
  const progress = options.progress ?? noProgress;
  const hyperparametersOf = (model: string) => findHyperparameters(registry, config.train.hyperparameters, registry.card(model).name);
  const patienceOf = (model: string) => config.train.earlyStopping.patience ?? DEFAULT_PATIENCE[registry.card(model).family];
  const ensemble = options.ensemble ? buildEnsemble(options.ensemble, registry, config.train, hyperparametersOf, patienceOf) : null;
  const card = ensemble ? ensemble.card : registry.card(options.model);
  const hyperparameters = ensemble ? {} : (options.hyperparameters ?? hyperparametersOf(card.name));
  const name = options.ensemble ? options.ensemble.name : card.name;
  const dirName = resultDirName(name, symbol, horizon);
  const { runDir } = options;
  const seed = config.seed;

  const data = await loadDataModule({
    runDir: options.runDir,
    symbol,
    horizon,
    kind: card.inputKind,
    lookback: config.train.lookback,
    crossSessions: config.train.crossSessions,
    barMinutes: config.timeframes.targetMinutes,
  });
  const train = toModelInput(data.train);
  const val = toModelInput(data.val);
  const test = toModelInput(data.test);
  logger.info(
    { model: name, symbol, horizon, rows: { train: train.rows, val: val.rows, test: test.rows }, features: data.featureNames.length },
    'train: data loaded',
  );

  const tracked = options.tracker
    ? await options.tracker.startRun(config.train.tracking.experiment, {
        runName: `${dirName}${options.runId ? ` (${options.runId})` : ''}`,
        tags: {
          'tribar.model': name,
          'tribar.family': card.family,
          'tribar.symbol': symbol,
          'tribar.horizon': String(horizon),
          ...(options.runId ? { 'tribar.pipelineRun': options.runId } : {}),
        },
      })
    : null;
  try {
    if (tracked) {
      await tracked.logParams({
        ...prefixKeys(ensemble ? ensemble.describe().hyperparameters : resolveHyperparameters(card, hyperparameters), 'hp.'),
        symbol,
        horizon,
        features: data.featureNames.length,
        seed,
        lookback: card.inputKind === 'sequence' ? config.train.lookback : 0,
        trainRows: train.rows,
        valRows: val.rows,
        testRows: test.rows,
      });
    }

    const cv =
      config.train.cv.folds > 0 && ensemble === null
        ? await crossValidate({
            registry,
            model: name,
            hyperparameters,
            data,
            input: train,
            folds: config.train.cv.folds,
            embargo: config.train.cv.embargoBars,
            seed,
            logger,
            signal: options.signal,
          })
        : null;
    if (cv && tracked) {
      for (const fold of cv.folds)
        await tracked.logMetrics({ cv_macro_f1: fold.macroF1, cv_log_loss: fold.logLoss, cv_accuracy: fold.accuracy }, fold.fold);
      await tracked.logMetrics({ cv_macro_f1_mean: cv.macroF1Mean, cv_macro_f1_std: cv.macroF1Std });
    }

    const model = ensemble ?? registry.create(name, hyperparameters);
    try {
      const { callbacks, history, initialLearningRate } = configuredCallbacks(
        card,
        model.describe().hyperparameters,
        config.train,
        progress,
        `${dirName}`,
      );
      for (const callback of callbacks) callback.onTrainBegin?.();
      // Stacking and bagging purge by the train rows' label windows; other models ignore them.
      const fitInput = ensemble ? { ...train, windows: sampleWindows(data.train.rowIndex, data.market.labelEndIndex) } : train;
      const fit: FitResult = await model.fit(fitInput, {
        validation: val,
        onEpoch: combineCallbacks(callbacks),
        restoreBest: true,
        seed,
        logger,
        ...(initialLearningRate !== undefined ? { initialLearningRate } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      for (const callback of callbacks) await callback.onTrainEnd?.(fit);
      // Best checkpoint: after `restoreBest` the model holds its best epoch's state.
      await model.save(artifactPath(runDir, trainModelDir(name, symbol, horizon)));

      const [valProba, testProba] = [await model.predictProba(val), await model.predictProba(test)];
      const valMetrics = classificationMetrics(val.y, valProba.p);
      const testMetrics = classificationMetrics(test.y, testProba.p);
      // Calibration (fitted on val only) and bet sizing change what is traded, never the predictions file.
      const calibration = calibrateFit(config.train.calibration, { proba: valProba.p, y: val.y }, { proba: testProba.p, y: test.y });
      const traded = calibration ? { rows: testProba.rows, p: calibration.test } : testProba;
      const sizing = sizeContracts(config.train.betSizing, config.train.backtest.threshold, data, traded.p);
      // Out-of-fold probabilities of the train rows (written as oof.arrow by the diagnostics, and the
      // meta-labeling secondary's training rows): computed once, before the secondary needs them.
      const windows = sampleWindows(data.train.rowIndex, data.market.labelEndIndex);
      const ensembleOof =
        ensemble && options.ensemble && !isSequenceSource(train)
          ? await ensembleOutOfFold({
              spec: options.ensemble,
              ensemble,
              registry,
              train: config.train,
              hyperparametersOf,
              patienceOf,
              input: train,
              windows,
              seed,
              logger,
              signal: options.signal,
            })
          : null;
      const oof: { proba: Float32Array } | { unavailable: string } = ensembleOof
        ? ensembleOof.ensemble
          ? { proba: ensembleOof.ensemble }
          : { unavailable: 'a bagging ensemble has no out-of-fold probabilities of its own' }
        : await primaryOutOfFold({
            config,
            registry,
            ensemble,
            name,
            hyperparameters,
            data,
            train,
            logger,
            progress,
            signal: options.signal,
          });
      // Meta-labeling (secondary fitted where the primary is out of sample: OOF train rows, else val) decides which sides to act on.
      const meta = await metaLabelContracts({
        settings: config.train.metaLabeling,
        betSizing: config.train.betSizing,
        threshold: config.train.backtest.threshold,
        registry,
        hyperparameters: config.train.metaLabeling.enabled ? hyperparametersOf(config.train.metaLabeling.secondary) : {},
        data,
        cost: costOf(config, symbol),
        oof: 'proba' in oof ? { input: train, proba: oof.proba, rowIndex: data.train.rowIndex } : oof,
        val: { input: val, proba: valProba.p, rowIndex: data.val.rowIndex },
        test: { input: test, proba: testProba.p },
        seed,
        logger,
        saveDir: artifactPath(runDir, trainMetaSecondaryDir(name, symbol, horizon)),
      });
      const contracts = meta?.contracts ?? sizing?.contracts;
      if (calibration || sizing || meta) {
        // What inference needs to serve these sizes beside the probabilities (the secondary is saved beside it).
        const { method, maxContracts, step, averageActive } = config.train.betSizing;
        await writeJsonArtifact(runDir, trainServing(name, symbol, horizon), {
          threshold: config.train.backtest.threshold,
          calibration: calibration ? { method: calibration.entry.method, calibrator: calibration.entry.calibrator } : null,
          betSizing: { method, maxContracts, step, averageActive },
          metaLabeling: meta ? meta.serving : null,
        });
      }
      const bt = backtestRows(data, data.test.rowIndex, traded, config, symbol, {
        trials: options.trials ?? 1,
        ...(contracts ? { contracts } : {}),
      });
      const argmaxBt =
        calibration || sizing || meta
          ? backtestRows(data, data.test.rowIndex, testProba, config, symbol, { trials: options.trials ?? 1 })
          : null;
      const backend = typeof fit.runtime['backend'] === 'string' ? fit.runtime['backend'] : null;

      await writePredictions(runDir, trainPredictions(name, symbol, horizon), [
        { split: 'val', dataset: data.val, input: val, proba: valProba },
        { split: 'test', dataset: data.test, input: test, proba: testProba },
      ]);
      await writeEquity(runDir, trainEquity(name, symbol, horizon), data.test.timestampMs, bt.equity);
      if (calibration || sizing || meta) {
        // Without sizes of its own the backtest takes one contract on the (calibrated) argmax side at the threshold.
        const sizes = contracts ?? Int32Array.from(primarySides(traded.p, test.rows, config.train.backtest.threshold));
        await writeBetSizes(runDir, trainBetSizes(name, symbol, horizon), data.test, sizes);
      }
      await writeTrades(runDir, trainTrades(name, symbol, horizon), bt, data.market.timestampMs, costOf(config, symbol));
      const summary = backtestSummary(bt, config.train.backtest.threshold);
      const result: TrainResult = {
        model: name,
        symbol,
        horizon,
        dir: trainResultDir(name, symbol, horizon),
        backend,
        fit: { epochs: fit.epochs, bestEpoch: fit.bestEpoch, stoppedEarly: fit.stoppedEarly },
        rows: { train: train.rows, val: val.rows, test: test.rows },
        val: valMetrics,
        test: testMetrics,
        backtest: summary,
        cv,
        hyperparameters: model.describe().hyperparameters,
        ...(ensembleOof && options.ensemble
          ? {
              ensembleCv: await writeEnsembleCv({
                runDir,
                spec: options.ensemble,
                symbol,
                horizon,
                data,
                train: train as LabeledInput,
                embargo: config.train.cv.embargoBars,
                oof: ensembleOof,
                val: { logLoss: valMetrics.logLoss, macroF1: valMetrics.macroF1 },
              }),
            }
          : {}),
      };
      await writeJsonArtifact(runDir, trainMetrics(name, symbol, horizon), {
        ...result,
        runtime: fit.runtime,
        featureImportance: model.describe().featureImportance ?? null,
        ...(calibration ? { calibration: calibration.entry } : {}),
        ...(sizing ? { betSizing: sizing.entry } : {}),
        ...(meta ? { metaLabeling: meta.entry } : {}),
        ...(argmaxBt ? { backtestArgmax: backtestSummary(argmaxBt, config.train.backtest.threshold) } : {}),
      });
      // Epoch times are wall clock: they go to the tracker's metrics, not into history.json.
      await writeJsonArtifact(
        runDir,
        trainHistory(name, symbol, horizon),
        history.history.map(({ elapsedMs: _elapsedMs, ...epoch }) => epoch),
      );
      if (ensemble === null) {
        await writeDiagnostics({
          config,
          runDir,
          registry,
          model,
          name,
          hyperparameters,
          symbol,
          horizon,
          data,
          train,
          logger,
          progress,
          signal: options.signal,
          ...('proba' in oof ? { oof: oof.proba } : {}),
        });
      }
      const run: FitRun = { trackerRunId: tracked?.runId ?? null, trackerUri: tracked ? tracked.dir : null, seconds: fit.seconds };
      if (tracked) await logToTracker(tracked, history.history, result, fit, runDir);
      logger.info(
        {
          model: name,
          symbol,
          horizon,
          epochs: fit.epochs,
          bestEpoch: fit.bestEpoch,
          testMacroF1: testMetrics.macroF1,
          testLogLoss: testMetrics.logLoss,
          trades: summary.trades,
          netUsd: summary.totalUsd,
          sharpe: summary.sharpe,
          backend,
          seconds: Math.round(run.seconds * 100) / 100,
          trackerRunId: run.trackerRunId,
          trackerUri: run.trackerUri,
        },
        'train: model done',
      );
      options.onFitRun?.(run);
      return result;
    } finally {
      model.dispose();
    }
  } catch (error) {
    await tracked?.end('FAILED');
    throw error;
  }
}

/**
 * The train rows' purged k-fold out-of-fold probabilities of a single tabular model (the scheme of
 * `oof.arrow`: `train.outOfFold.folds`, the `train.cv` embargo, the run's seed), or why there are none.
 */
async function primaryOutOfFold(options: {
  config: RunConfig;
  registry: ModelRegistry;
  ensemble: unknown;
  name: string;
  hyperparameters: Record<string, unknown>;
  data: DataModule;
  train: LabeledRows;
  logger: Logger;
  progress: ProgressReporter;
  signal?: AbortSignal | undefined;
}): Promise<{ proba: Float32Array } | { unavailable: string }> {
  const { config, data, train } = options;
  if (!config.train.outOfFold.enabled) return { unavailable: 'train.outOfFold.enabled is false' };
  if (options.ensemble !== null) return { unavailable: 'ensembles write no oof.arrow of their own' };
  if (isSequenceSource(train)) return { unavailable: 'sequence families get no out-of-fold probabilities' };
  const oof = await outOfFoldPredictions({
    registry: options.registry,
    model: options.name,
    hyperparameters: options.hyperparameters,
    input: train,
    windows: sampleWindows(data.train.rowIndex, data.market.labelEndIndex),
    scheme: { kind: 'kfold', folds: config.train.outOfFold.folds, embargo: config.train.cv.embargoBars },
    seed: config.seed,
    logger: options.logger,
    progress: options.progress,
    signal: options.signal,
  });
  return { proba: oof.proba };
}

type TrackedRun = Awaited<ReturnType<RunTracker['startRun']>>;

async function logToTracker(
  tracked: TrackedRun,
  history: FitResult['history'],
  result: TrainResult,
  fit: FitResult,
  runDir: string,
): Promise<void> {
  for (const log of history) {
    const step: Record<string, number> = { train_loss: log.trainLoss };
    if (log.valLoss !== undefined) step['val_loss'] = log.valLoss;
    if (log.valAccuracy !== undefined) step['val_accuracy'] = log.valAccuracy;
    if (log.learningRate !== undefined) step['learning_rate'] = log.learningRate;
    await tracked.logMetrics(step, log.epoch);
  }
  const finite = (entries: Array<[string, number | null]>) =>
    Object.fromEntries(entries.filter((e): e is [string, number] => e[1] !== null && Number.isFinite(e[1])));
  await tracked.logMetrics(
    finite([
      ['val_accuracy_final', result.val.accuracy],
      ['val_macro_f1', result.val.macroF1],
      ['val_log_loss', result.val.logLoss],
      ['test_accuracy', result.test.accuracy],
      ['test_macro_f1', result.test.macroF1],
      ['test_log_loss', result.test.logLoss],
      ['bt_trades', result.backtest.trades],
      ['bt_win_rate', result.backtest.winRate],
      ['bt_profit_factor', result.backtest.profitFactor],
      ['bt_net_usd', result.backtest.totalUsd],
      ['bt_sharpe', result.backtest.sharpe],
      ['bt_sortino', result.backtest.sortino],
      ['bt_calmar', result.backtest.calmar],
      ['bt_max_drawdown_usd', result.backtest.maxDrawdownUsd],
      ['bt_psr', result.backtest.psr],
      ['bt_dsr', result.backtest.dsr],
      ['epochs', fit.epochs],
      ['best_epoch', fit.bestEpoch],
      ['fit_seconds', fit.seconds],
    ]),
  );
  for (const [key, value] of Object.entries(fit.runtime)) await tracked.setTag(`tribar.runtime.${key}`, String(value));
  const { model, symbol, horizon } = result;
  for (const artifact of [
    trainMetrics(model, symbol, horizon),
    trainHistory(model, symbol, horizon),
    trainEquity(model, symbol, horizon),
    trainTrades(model, symbol, horizon),
    trainPredictions(model, symbol, horizon),
  ]) {
    await tracked.logArtifact(artifactPath(runDir, artifact));
  }
  await tracked.logArtifacts(artifactPath(runDir, trainModelDir(model, symbol, horizon)), 'model');
  await tracked.end('FINISHED');
}

/** One contract's costs for the backtest, from the config's contract of the symbol. */
function costOf(config: RunConfig, symbol: string) {
  const contract = contractFor(config, symbol);
  return { tickSize: contract.tickSize, tickValue: contract.tickValue, roundTripTicks: contract.roundTripTicks };
}

/**
 * The cost-aware backtest of `rows` (positions in the run's market arrays) of a data module, with the
 * symbol's contract costs and `train.backtest`'s settings: the one way the trainer and a tuning study
 * trade a model's probabilities. `trials` (default 1) and `trialSharpeVariance` deflate the Sharpe ratio.
 */
export function backtestRows(
  data: DataModule,
  rows: Int32Array,
  proba: Probabilities,
  config: RunConfig,
  symbol: string,
  options: { trials?: number; contracts?: Int32Array; trialSharpeVariance?: number } = {},
) {
  const { market, barrier } = data;
  return backtest(
    {
      rows,
      proba: proba.p,
      ...(options.contracts ? { contracts: options.contracts } : {}),
      open: market.open,
      high: market.high,
      low: market.low,
      close: market.close,
      atr: market.atr,
      timestampMs: market.timestampMs,
      barrier: { kUp: barrier.kUp, kDown: barrier.kDown, maxBars: barrier.maxBars },
      cost: costOf(config, symbol),
      barMinutes: data.barMinutes,
    },
    {
      threshold: config.train.backtest.threshold,
      entry: config.train.backtest.entry,
      allowReverse: config.train.backtest.allowReverse,
      trials: options.trials ?? 1,
      ...(options.trialSharpeVariance !== undefined ? { trialSharpeVariance: options.trialSharpeVariance } : {}),
    },
  );
}

/** `train.hyperparameters` of one model, whether the table keys it by name or by an alias. */
function findHyperparameters(
  registry: ModelRegistry,
  table: Record<string, Record<string, unknown>>,
  name: string,
): Record<string, unknown> {
  const key = Object.keys(table).find((k) => registry.has(k) && registry.card(k).name === name);
  return key === undefined ? {} : { ...table[key] };
}

/**
 * Checks what the config cannot check alone: every name in `train.models` and every key of
 * `train.hyperparameters` is a registered model (or alias), and no model has two keys (`lr` and
 * `logistic`), so a typo or an ambiguity fails before any training.
 */
export function checkTrainSection(registry: ModelRegistry, train: TrainConfig): void {
  const unknownModels = train.models.filter((m) => !registry.has(m));
  const keys = Object.keys(train.hyperparameters);
  const unknownKeys = keys.filter((k) => !registry.has(k));
  const keysByModel = new Map<string, string[]>();
  for (const key of keys.filter((k) => registry.has(k))) {
    const name = registry.card(key).name;
    keysByModel.set(name, [...(keysByModel.get(name) ?? []), key]);
  }
  const repeated = [...keysByModel].filter(([, names]) => names.length > 1);
  const problems = [
    ...(unknownModels.length > 0 ? [`train.models names unknown model(s): ${unknownModels.join(', ')}`] : []),
    ...(unknownKeys.length > 0 ? [`train.hyperparameters has key(s) that name no model: ${unknownKeys.join(', ')}`] : []),
    ...repeated.map(([name, names]) => `train.hyperparameters names ${name} more than once (${names.join(', ')}): keep one key`),
    ...ensembleProblems(registry, train),
  ];
  if (problems.length === 0) return;
  throw new UsageError(problems.join('; '), {
    hint: `Registered models: ${registry
      .list()
      .map((c) => c.name + (c.aliases?.length ? ` (${c.aliases.join(', ')})` : ''))
      .join(', ')}.`,
  });
}

function prefixKeys(record: Record<string, unknown>, prefix: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(record)) {
    out[`${prefix}${key}`] =
      typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}
