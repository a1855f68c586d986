import { noProgress, silentLogger, UsageError, type Logger, type ProgressReporter } from '@tribar/core';
import { NUM_CLASSES, type EpochHook, type LabeledInput, type ModelRegistry } from '@tribar/models';
import { combinatorialPurgedCV, purgedKFold, type CvSplit, type SampleWindows } from '@tribar/splits';
import { selectRows } from './rows.js';

/** How the train part is cut for out-of-fold predictions: purged k-fold, or CPCV (a row's OOF is then the mean over its test splits). */
export type OofScheme =
  { kind: 'kfold'; folds: number; embargo: number } | { kind: 'cpcv'; groups: number; testGroups: number; embargo: number };

export interface OofOptions {
  registry: ModelRegistry;
  /** Registered family (or alias). */
  model: string;
  hyperparameters?: Record<string, unknown>;
  /** The train part, rows in time order. */
  input: LabeledInput;
  /** Each row's label window in the same unit for every row (sample positions or bar indices), ascending starts. */
  windows: SampleWindows;
  scheme: OofScheme;
  seed: number;
  logger?: Logger;
  progress?: ProgressReporter;
  signal?: AbortSignal | undefined;
  /**
   * Early stopping of each split's fit on an inner purged holdout: the last `holdout` share (in time) of
   * the split's train rows validates, the train rows whose label windows reach into it are purged, and
   * the fit stops after `patience` epochs (boosting rounds) without a `minDelta` gain, keeping its best.
   * The split's test rows take no part, so the OOF probabilities stay out of sample. Default: off.
   */
  earlyStopping?: OofEarlyStopping;
}

/** See `OofOptions.earlyStopping`. */
export interface OofEarlyStopping {
  holdout: number;
  patience: number;
  minDelta: number;
}

/** One split of an OOF run: the rows fitted on and the rows predicted. */
export interface OofSplit {
  train: Int32Array;
  test: Int32Array;
  purged: number;
  embargoed: number;
  /** Epochs (boosting rounds) the split's fit ran. */
  epochs: number;
}

export interface OofPredictions {
  model: string;
  /** rows × 3 class probabilities; NaN for a row no split tested (CPCV always tests each, k-fold too). */
  proba: Float32Array;
  /** The k-fold that predicted each row (−1 never; with CPCV, the number of splits that tested it, negated). */
  fold: Int16Array;
  splits: OofSplit[];
}

function cvSplits(windows: SampleWindows, scheme: OofScheme): CvSplit[] {
  if (scheme.kind === 'kfold') return purgedKFold(windows, { folds: scheme.folds, embargo: scheme.embargo });
  return combinatorialPurgedCV(windows, { groups: scheme.groups, testGroups: scheme.testGroups, embargo: scheme.embargo });
}

/**
 * Out-of-fold class probabilities of every train row (AFML §7.4): for each purged split a fresh
 * model is fitted on its train rows only — rows whose label windows overlap the test span are
 * purged and the `embargo` rows after it left out, exactly as `@tribar/splits` does — and predicts
 * its test rows. A row's OOF probability therefore never comes from a model that saw its label
 * window, which is what lets a stacker learn from them without in-sample optimism.
 */
export async function outOfFoldPredictions(options: OofOptions): Promise<OofPredictions> {
  const { input, windows, registry } = options;
  if (windows.start.length !== input.rows) {
    throw new UsageError(`outOfFoldPredictions: ${windows.start.length} label windows for ${input.rows} rows`, {
      hint: 'Pass one label window per train row, in the rows’ order.',
    });
  }
  const logger = (options.logger ?? silentLogger()).child({ component: 'oof', model: options.model });
  const progress = options.progress ?? noProgress;
  const splits = cvSplits(windows, options.scheme);
  const sum = new Float64Array(input.rows * NUM_CLASSES);
  const fold = new Int16Array(input.rows).fill(-1);
  const tested = new Int32Array(input.rows);
  const out: OofSplit[] = [];
  progress.start(splits.length, { unit: 'folds', label: `oof ${options.model}` });
  for (const [index, split] of splits.entries()) {
    options.signal?.throwIfAborted();
    if (split.train.length === 0) throw new UsageError(`outOfFoldPredictions: split ${index} has no train rows left after purging`);
    const model = registry.create(options.model, options.hyperparameters ?? {});
    try {
      const inner = options.earlyStopping ? innerHoldout(split.train, windows, options.earlyStopping.holdout) : null;
      const fit = await model.fit(selectRows(input, inner ? inner.fit : split.train), {
        seed: options.seed + index,
        logger,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(inner && options.earlyStopping
          ? { validation: selectRows(input, inner.holdout), restoreBest: true, onEpoch: stopWithoutGain(options.earlyStopping) }
          : {}),
      });
      const p = (await model.predictProba(selectRows(input, split.test))).p;
      for (let k = 0; k < split.test.length; k++) {
        const row = split.test[k] as number;
        for (let c = 0; c < NUM_CLASSES; c++) sum[row * NUM_CLASSES + c]! += p[k * NUM_CLASSES + c] as number;
        tested[row]! += 1;
        fold[row] = options.scheme.kind === 'kfold' ? index : -tested[row]!;
      }
      out.push({
        train: split.train,
        test: split.test,
        purged: split.purged.length,
        embargoed: split.embargoed.length,
        epochs: fit.epochs,
      });
      logger.info({ split: index, trainRows: split.train.length, testRows: split.test.length, epochs: fit.epochs }, 'oof: split done');
    } finally {
      model.dispose();
    }
    progress.advance();
  }
  progress.done();
  const proba = new Float32Array(input.rows * NUM_CLASSES);
  for (let r = 0; r < input.rows; r++) {
    for (let c = 0; c < NUM_CLASSES; c++)
      proba[r * NUM_CLASSES + c] = tested[r] === 0 ? Number.NaN : (sum[r * NUM_CLASSES + c] as number) / tested[r]!;
  }
  return { model: options.model, proba, fold, splits: out };
}

/**
 * The inner split of a fold's train rows for early stopping: the last `share` of them (by time) is
 * the holdout; rows whose label windows end at or after the holdout's first label start are purged
 * from the fit (their labels overlap what validates them).
 */
export function innerHoldout(train: Int32Array, windows: SampleWindows, share: number): { fit: Int32Array; holdout: Int32Array } {
  if (!(share > 0 && share < 1)) throw new UsageError(`outOfFoldPredictions: earlyStopping.holdout must be in (0, 1), got ${share}`);
  const sorted = Int32Array.from(train).sort();
  const size = Math.max(1, Math.floor(sorted.length * share));
  const holdout = sorted.slice(sorted.length - size);
  const firstStart = windows.start[holdout[0]!]!;
  const fit = sorted.slice(0, sorted.length - size).filter((p) => windows.end[p]! < firstStart);
  if (fit.length === 0) throw new UsageError('outOfFoldPredictions: no rows left to fit after the early-stopping holdout and its purge');
  return { fit, holdout };
}

/** An epoch hook that stops after `patience` epochs without a `minDelta` fall of the validation loss. */
export function stopWithoutGain(settings: Pick<OofEarlyStopping, 'patience' | 'minDelta'>): EpochHook {
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  return (log) => {
    if (log.valLoss === undefined || !Number.isFinite(log.valLoss)) return;
    if (log.valLoss < best - settings.minDelta) {
      best = log.valLoss;
      bestEpoch = log.epoch;
      return;
    }
    if (log.epoch - bestEpoch >= settings.patience) return { stop: true };
  };
}
