import { UsageError, type ProgressReporter } from '@tribar/core';
import type { EpochControl, EpochHook, EpochLog, FitResult } from '@tribar/models';

/**
 * Something that watches training. Callbacks run in order after every epoch (a boosting round, a
 * neural epoch, an optimiser pass); their answers are merged: any `stop` stops, the last
 * `learningRate` wins.
 */
export interface TrainerCallback {
  readonly name: string;
  onTrainBegin?(): void;
  onEpochEnd?(log: EpochLog): EpochControl | void;
  onTrainEnd?(result: FitResult): void | Promise<void>;
}

/** The models' single epoch hook that runs every callback in order. */
export function combineCallbacks(callbacks: readonly TrainerCallback[]): EpochHook {
  return (log) => {
    const control: EpochControl = {};
    for (const callback of callbacks) {
      const answer = callback.onEpochEnd?.(log);
      if (answer?.stop) control.stop = true;
      if (answer?.learningRate !== undefined) control.learningRate = answer.learningRate;
    }
    return control;
  };
}

export interface EarlyStoppingOptions {
  /** Epochs without an improvement of the monitored loss before stopping. */
  patience: number;
  /** Smallest decrease that counts as an improvement. */
  minDelta?: number;
}

export interface EarlyStoppingState {
  bestEpoch: number;
  bestLoss: number;
  stoppedAt: number | null;
}

/**
 * Stop when the validation loss has not improved by `minDelta` for `patience` epochs. Without
 * validation losses it never stops (a model cannot early-stop on its own train loss here).
 */
export function earlyStopping(options: EarlyStoppingOptions): TrainerCallback & { readonly state: EarlyStoppingState } {
  if (!Number.isInteger(options.patience) || options.patience < 1) {
    throw new UsageError(`earlyStopping: patience must be a positive whole number, got ${options.patience}`);
  }
  const minDelta = options.minDelta ?? 0;
  const state: EarlyStoppingState = { bestEpoch: -1, bestLoss: Number.POSITIVE_INFINITY, stoppedAt: null };
  return {
    name: 'early-stopping',
    state,
    onTrainBegin() {
      state.bestEpoch = -1;
      state.bestLoss = Number.POSITIVE_INFINITY;
      state.stoppedAt = null;
    },
    onEpochEnd(log) {
      const loss = log.valLoss;
      if (loss === undefined || !Number.isFinite(loss)) return;
      if (loss < state.bestLoss - minDelta) {
        state.bestLoss = loss;
        state.bestEpoch = log.epoch;
        return;
      }
      if (log.epoch - state.bestEpoch >= options.patience) {
        state.stoppedAt = log.epoch;
        return { stop: true };
      }
    },
  };
}

export interface LearningRateScheduleOptions {
  schedule: 'constant' | 'cosine';
  /** The peak rate (the model's `learningRate`). */
  baseRate: number;
  warmupEpochs: number;
  maxEpochs: number;
}

/**
 * The original's schedule (§14.2), per epoch instead of per batch: a linear warm-up to
 * `baseRate` over `warmupEpochs` epochs (epoch e gets (e+1)/warmup of it), then a cosine decay to 0
 * at `maxEpochs`. `constant` keeps `baseRate`.
 */
export function learningRateAt(epoch: number, options: LearningRateScheduleOptions): number {
  const { baseRate, warmupEpochs, maxEpochs } = options;
  if (options.schedule === 'constant') return baseRate;
  if (epoch < warmupEpochs) return (baseRate * (epoch + 1)) / warmupEpochs;
  const span = Math.max(1, maxEpochs - warmupEpochs);
  const progress = Math.min(1, (epoch - warmupEpochs) / span);
  return baseRate * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** Sets the next epoch's learning rate from `learningRateAt` (neural models honour it). */
export function learningRateSchedule(options: LearningRateScheduleOptions): TrainerCallback & { readonly initialRate: number } {
  if (!(options.baseRate > 0)) throw new UsageError(`learningRateSchedule: baseRate must be positive, got ${options.baseRate}`);
  return {
    name: 'learning-rate-schedule',
    initialRate: learningRateAt(0, options),
    onEpochEnd: (log) => ({ learningRate: learningRateAt(log.epoch + 1, options) }),
  };
}

/** Progress in epochs (bounded by the model's maximum) for a terminal bar or log lines. */
export function progressCallback(progress: ProgressReporter, maxEpochs: number, label: string): TrainerCallback {
  return {
    name: 'progress',
    onTrainBegin: () => progress.start(maxEpochs, { unit: 'epochs', label }),
    onEpochEnd: (log) => progress.update(Math.min(maxEpochs, log.epoch + 1)),
    onTrainEnd: () => progress.done(),
  };
}

/** Keeps every epoch's log (for history files and the tracker's per-step metrics). */
export function historyCallback(): TrainerCallback & { readonly history: EpochLog[] } {
  const history: EpochLog[] = [];
  return {
    name: 'history',
    history,
    onTrainBegin: () => {
      history.length = 0;
    },
    onEpochEnd: (log) => {
      history.push({ ...log });
    },
  };
}
