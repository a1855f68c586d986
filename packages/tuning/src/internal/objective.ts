import type { RunConfig, TuneConfig } from '@tribar/config';
import { silentLogger, UsageError, type Logger } from '@tribar/core';
import { loadDataModule, type DataModule } from '@tribar/datasets';
import type { LabeledRows, ModelCard, ModelRegistry, Probabilities } from '@tribar/models';
import { combinatorialPurgedCV, purgedKFold, type CvSplit } from '@tribar/splits';
import type { Tracker } from '@tribar/tracker';
import {
  backtestRows,
  classificationMetrics,
  earlyStopping,
  sampleWindows,
  subsetInput,
  toModelInput,
  type BacktestSummary,
} from '@tribar/trainer';
import { TrialPruned, type Trial } from './study.js';
import type { Direction } from './trial.js';

export type TuneMetric = TuneConfig['metric'];

/** Epochs without improvement before stopping, per family, as the trainer's defaults. */
const DEFAULT_PATIENCE = { boosting: 50, neural: 15, classical: 10 } as const;

export interface ModelObjectiveOptions {
  runDir: string;
  symbol: string;
  horizon: number;
  model: string;
  registry: ModelRegistry;
  config: RunConfig;
  metric?: TuneMetric;
  folds?: TuneConfig['folds'];
  /** Each trial becomes a child run (tag `mlflow.parentRunId`) of this run. */
  tracker?: Tracker;
  parentRunId?: string;
  logger?: Logger;
}

/** What a trial's model scored; `sharpe` and `sharpePerBar` come from the cost-aware backtest on the scored rows. */
export interface TrialScore {
  logLoss: number;
  macroF1: number;
  accuracy: number;
  sharpe: number;
  sharpePerBar: number;
  trades: number;
}

/** The best trial refitted and scored once on the test split, with the deflated Sharpe ratio over the study's N trials. */
export interface TestReport {
  params: Record<string, unknown>;
  test: { logLoss: number; macroF1: number; accuracy: number };
  backtest: BacktestSummary;
  /** Trials the deflation corrects for (every finished trial of the study). */
  trials: number;
  deflatedSharpe: number;
}

/** Maximised metrics are negated nowhere: the study's direction follows the metric. */
export function metricDirection(metric: TuneMetric): Direction {
  return metric === 'logLoss' ? 'minimize' : 'maximize';
}

/**
 * The objective of a study over one model on one symbol × horizon of a Phase 1 run: fit on the
 * train split with the trial's hyperparameters (early stopping and pruning on the validation
 * split's per-epoch loss) and score the validation split, or the mean over purged k-fold / CPCV
 * folds of the train split. The test split's rows are loaded with the run's tables but never used
 * until `evaluateTest`, which a study calls once, for its best trial.
 */
export class ModelObjective {
  readonly card: ModelCard;
  readonly direction: Direction;
  readonly metric: TuneMetric;
  readonly #options: ModelObjectiveOptions;
  readonly #data: DataModule;
  readonly #train: LabeledRows;
  readonly #val: LabeledRows;
  readonly #logger: Logger;

  private constructor(options: ModelObjectiveOptions, card: ModelCard, data: DataModule) {
    this.#options = options;
    this.card = card;
    this.metric = options.metric ?? 'logLoss';
    this.direction = metricDirection(this.metric);
    this.#data = data;
    this.#train = toModelInput(data.train);
    this.#val = toModelInput(data.val);
    this.#logger = options.logger ?? silentLogger();
  }

  static async load(options: ModelObjectiveOptions): Promise<ModelObjective> {
    const card = options.registry.card(options.model);
    const data = await loadDataModule(
      {
        runDir: options.runDir,
        symbol: options.symbol,
        horizon: options.horizon,
        kind: card.inputKind,
        lookback: options.config.train.lookback,
        crossSessions: options.config.train.crossSessions,
        barMinutes: options.config.timeframes.targetMinutes,
      },
      options.logger ? { logger: options.logger } : {},
    );
    return new ModelObjective(options, card, data);
  }

  /** The trial's value: the metric on val, or its mean over the train split's folds. */
  async run(trial: Trial): Promise<number> {
    const tracked = await this.#startTracked(trial);
    try {
      const score =
        (this.#options.folds?.method ?? 'validation') === 'validation' ? await this.#scoreValidation(trial) : await this.#scoreFolds(trial);
      for (const [key, value] of Object.entries(score)) if (Number.isFinite(value)) trial.setUserAttr(key, value);
      await tracked?.logMetrics(Object.fromEntries(Object.entries(score).filter(([, v]) => Number.isFinite(v))));
      await tracked?.end('FINISHED');
      return score[this.metric];
    } catch (error) {
      await tracked?.end(error instanceof TrialPruned ? 'KILLED' : 'FAILED');
      throw error;
    }
  }

  async #startTracked(trial: Trial) {
    const { tracker, parentRunId, config, symbol, horizon } = this.#options;
    if (!tracker || !parentRunId) return undefined;
    const run = await tracker.startRun(config.train.tracking.experiment, {
      runName: `trial-${trial.number}`,
      tags: {
        'mlflow.parentRunId': parentRunId,
        'tribar.model': this.card.name,
        'tribar.symbol': symbol,
        'tribar.horizon': String(horizon),
        'tribar.trial': String(trial.number),
      },
    });
    await run.logParams(Object.fromEntries(Object.entries(trial.params).map(([k, v]) => [`hp.${k}`, v])));
    trial.setUserAttr('trackerRunId', run.runId);
    return run;
  }

  #patience(): number {
    return this.#options.config.train.earlyStopping.patience ?? DEFAULT_PATIENCE[this.card.family];
  }

  async #scoreValidation(trial: Trial): Promise<TrialScore> {
    const model = this.#options.registry.create(this.card.name, { ...trial.params });
    try {
      const stopping = earlyStopping({ patience: this.#patience(), minDelta: this.#options.config.train.earlyStopping.minDelta });
      stopping.onTrainBegin?.();
      let prunedAt: number | undefined;
      await model.fit(this.#train, {
        validation: this.#val,
        restoreBest: true,
        seed: this.#options.config.seed,
        logger: this.#logger,
        onEpoch: (log) => {
          const control = stopping.onEpochEnd?.(log) ?? {};
          if (log.valLoss !== undefined) {
            trial.report(log.valLoss, log.epoch);
            if (trial.shouldPrune()) {
              prunedAt = log.epoch;
              return { ...control, stop: true };
            }
          }
          return control;
        },
      });
      if (prunedAt !== undefined) throw new TrialPruned(prunedAt);
      const proba = await model.predictProba(this.#val);
      return this.#score(this.#val, proba, this.#data.val.rowIndex);
    } finally {
      model.dispose();
    }
  }

  #folds(): CvSplit[] {
    const folds = this.#options.folds!;
    const windows = sampleWindows(this.#data.train.rowIndex, this.#data.market.labelEndIndex);
    if (folds.method === 'purged-kfold') return purgedKFold(windows, { folds: folds.k, embargo: folds.embargoBars });
    if (folds.method === 'cpcv')
      return combinatorialPurgedCV(windows, { groups: folds.k, testGroups: folds.testGroups, embargo: folds.embargoBars });
    throw new UsageError(`unknown fold method '${String(folds.method)}'`, {
      hint: 'tune.folds.method is validation, purged-kfold or cpcv.',
    });
  }

  /** Mean over the folds of the train split; the running mean is reported per fold so a pruner can stop early. */
  async #scoreFolds(trial: Trial): Promise<TrialScore> {
    const scores: TrialScore[] = [];
    for (const [fold, split] of this.#folds().entries()) {
      const model = this.#options.registry.create(this.card.name, { ...trial.params });
      try {
        await model.fit(subsetInput(this.#train, split.train), { seed: this.#options.config.seed + fold, logger: this.#logger });
        const held = subsetInput(this.#train, split.test);
        const proba = await model.predictProba(held);
        scores.push(
          this.#score(
            held,
            proba,
            Int32Array.from(split.test, (p) => this.#data.train.rowIndex[p]!),
          ),
        );
      } finally {
        model.dispose();
      }
      const mean = meanScore(scores);
      trial.report(mean[this.metric], fold);
      if (trial.shouldPrune()) throw new TrialPruned(fold);
    }
    return meanScore(scores);
  }

  #backtest(proba: Probabilities, rows: Int32Array, trials = 1, trialSharpeVariance?: number) {
    const { config, symbol } = this.#options;
    return backtestRows(this.#data, rows, proba, config, symbol, {
      trials,
      ...(trialSharpeVariance !== undefined ? { trialSharpeVariance } : {}),
    });
  }

  #score(input: LabeledRows, proba: Probabilities, rows: Int32Array): TrialScore {
    const metrics = classificationMetrics(input.y, proba.p, input.weights);
    const bt = this.#backtest(proba, rows).summary;
    return {
      logLoss: metrics.logLoss,
      macroF1: metrics.macroF1,
      accuracy: metrics.accuracy,
      sharpe: bt.sharpe,
      sharpePerBar: bt.sharpePerBar,
      trades: bt.trades,
    };
  }

  /**
   * Refit `params` on train (early stopping on val) and score the test split: the only time a
   * study reads it. The backtest's deflated Sharpe ratio deflates by `trials` (N = the study's
   * trials) and, when given, the variance of the trials' per-bar Sharpe ratios.
   */
  async evaluateTest(params: Record<string, unknown>, trials: number, trialSharpeVariance?: number): Promise<TestReport> {
    const model = this.#options.registry.create(this.card.name, { ...params });
    try {
      const stopping = earlyStopping({ patience: this.#patience(), minDelta: this.#options.config.train.earlyStopping.minDelta });
      stopping.onTrainBegin?.();
      await model.fit(this.#train, {
        validation: this.#val,
        restoreBest: true,
        seed: this.#options.config.seed,
        logger: this.#logger,
        onEpoch: (log) => stopping.onEpochEnd?.(log),
      });
      const test = toModelInput(this.#data.test);
      const proba = await model.predictProba(test);
      const metrics = classificationMetrics(test.y, proba.p, test.weights);
      const bt = this.#backtest(proba, this.#data.test.rowIndex, trials, trialSharpeVariance).summary;
      return {
        params,
        test: { logLoss: metrics.logLoss, macroF1: metrics.macroF1, accuracy: metrics.accuracy },
        backtest: bt,
        trials,
        deflatedSharpe: bt.dsr,
      };
    } finally {
      model.dispose();
    }
  }
}

function meanScore(scores: readonly TrialScore[]): TrialScore {
  const keys = ['logLoss', 'macroF1', 'accuracy', 'sharpe', 'sharpePerBar', 'trades'] as const;
  const out = {} as Record<(typeof keys)[number], number>;
  for (const key of keys) out[key] = scores.reduce((s, x) => s + x[key], 0) / scores.length;
  return out;
}
