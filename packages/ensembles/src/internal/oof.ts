import { noProgress, silentLogger, UsageError, type Logger, type ProgressReporter } from '@tribar/core';
import { NUM_CLASSES, type LabeledInput, type ModelRegistry } from '@tribar/models';
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
}

/** One split of an OOF run: the rows fitted on and the rows predicted. */
export interface OofSplit {
  train: Int32Array;
  test: Int32Array;
  purged: number;
  embargoed: number;
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
      const fit = await model.fit(selectRows(input, split.train), {
        seed: options.seed + index,
        logger,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const p = (await model.predictProba(selectRows(input, split.test))).p;
      for (let k = 0; k < split.test.length; k++) {
        const row = split.test[k] as number;
        for (let c = 0; c < NUM_CLASSES; c++) sum[row * NUM_CLASSES + c]! += p[k * NUM_CLASSES + c] as number;
        tested[row]! += 1;
        fold[row] = options.scheme.kind === 'kfold' ? index : -tested[row]!;
      }
      out.push({ train: split.train, test: split.test, purged: split.purged.length, embargoed: split.embargoed.length });
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
