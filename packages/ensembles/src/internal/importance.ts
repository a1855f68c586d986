import { noProgress, Rng, silentLogger, type Logger, type ProgressReporter } from '@tribar/core';
import { NUM_CLASSES, type BaseModel, type LabeledInput, type ModelRegistry } from '@tribar/models';
import { purgedKFold, type SampleWindows } from '@tribar/splits';
import { selectRows } from './rows.js';

/** One feature's importance: the mean over purged folds and its standard error. */
export interface FeatureImportance {
  feature: string;
  mean: number;
  /** Standard error of the mean over folds (std / √folds); 0 with one fold. */
  stdError: number;
}

export interface ImportanceOptions {
  registry: ModelRegistry;
  model: string;
  hyperparameters?: Record<string, unknown>;
  /** Tabular train rows (shape [features]) with their label windows. */
  input: LabeledInput;
  windows: SampleWindows;
  folds: number;
  embargo: number;
  seed: number;
  logger?: Logger;
  progress?: ProgressReporter;
  signal?: AbortSignal | undefined;
}

/** Weighted mean multi-class log loss, probabilities clipped at 1e-15 as sklearn. */
function logLoss(proba: Float32Array, input: LabeledInput): number {
  let loss = 0;
  let total = 0;
  for (let r = 0; r < input.rows; r++) {
    const w = input.weights ? input.weights[r]! : 1;
    loss -= w * Math.log(Math.max(1e-15, proba[r * NUM_CLASSES + input.y[r]!]!));
    total += w;
  }
  return total > 0 ? loss / total : Number.NaN;
}

function summarize(names: readonly string[], perFold: number[][]): FeatureImportance[] {
  return names.map((feature, j) => {
    const values = perFold.map((fold) => fold[j]!).filter(Number.isFinite);
    const n = values.length;
    const mean = n > 0 ? values.reduce((a, b) => a + b, 0) / n : Number.NaN;
    const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
    return { feature, mean, stdError: Math.sqrt(variance / Math.max(1, n)) };
  });
}

function featureNames(input: LabeledInput): readonly string[] {
  return input.featureNames ?? Array.from({ length: input.shape[0]! }, (_, j) => `f${j}`);
}

/** Input with only column j. */
function singleColumn(input: LabeledInput, j: number): LabeledInput {
  const width = input.shape[0]!;
  const x = new Float32Array(input.rows);
  for (let r = 0; r < input.rows; r++) x[r] = input.x[r * width + j]!;
  return { ...input, x, shape: [1], featureNames: [featureNames(input)[j]!] };
}

async function withModel<T>(options: ImportanceOptions, body: (model: BaseModel) => Promise<T>): Promise<T> {
  const model = options.registry.create(options.model, options.hyperparameters ?? {});
  try {
    return await body(model);
  } finally {
    model.dispose();
  }
}

/**
 * Mean decrease accuracy (AFML snippet 8.3) under purged k-fold: per fold, the rise of the test
 * rows' log loss when one feature's column is permuted (seeded), against the unpermuted loss.
 * Positive = the model relies on the feature out of sample. Substitution effects shared by
 * correlated features lower both (the book's caveat).
 */
export async function meanDecreaseAccuracy(options: ImportanceOptions): Promise<FeatureImportance[]> {
  const { input } = options;
  const names = featureNames(input);
  const width = input.shape[0]!;
  const logger = (options.logger ?? silentLogger()).child({ component: 'importance', method: 'mda', model: options.model });
  const progress = options.progress ?? noProgress;
  const splits = purgedKFold(options.windows, { folds: options.folds, embargo: options.embargo });
  const rng = new Rng(options.seed).fork('mda');
  const perFold: number[][] = [];
  progress.start(splits.length, { unit: 'folds', label: `mda ${options.model}` });
  for (const [f, split] of splits.entries()) {
    options.signal?.throwIfAborted();
    const test = selectRows(input, split.test);
    perFold.push(
      await withModel(options, async (model) => {
        await model.fit(selectRows(input, split.train), { seed: options.seed + f, logger });
        const base = logLoss((await model.predictProba(test)).p, test);
        const rise: number[] = [];
        for (let j = 0; j < width; j++) {
          const permuted = { ...test, x: Float32Array.from(test.x) };
          // Fisher–Yates on column j.
          for (let r = test.rows - 1; r > 0; r--) {
            const s = rng.int(0, r);
            const a = permuted.x[r * width + j]!;
            permuted.x[r * width + j] = permuted.x[s * width + j]!;
            permuted.x[s * width + j] = a;
          }
          rise.push(logLoss((await model.predictProba(permuted)).p, test) - base);
        }
        return rise;
      }),
    );
    progress.advance();
  }
  progress.done();
  logger.info({ folds: splits.length, features: width }, 'importance: mda done');
  return summarize(names, perFold);
}

/**
 * Single feature importance (AFML snippet 8.4) under purged k-fold: the out-of-fold log loss of a
 * model fitted on each feature alone, reported as its negative (higher = more informative), so no
 * substitution effect hides a feature; joint effects are missed.
 */
export async function singleFeatureImportance(options: ImportanceOptions): Promise<FeatureImportance[]> {
  const { input } = options;
  const names = featureNames(input);
  const width = input.shape[0]!;
  const logger = (options.logger ?? silentLogger()).child({ component: 'importance', method: 'sfi', model: options.model });
  const progress = options.progress ?? noProgress;
  const splits = purgedKFold(options.windows, { folds: options.folds, embargo: options.embargo });
  const perFold: number[][] = splits.map(() => new Array<number>(width).fill(Number.NaN));
  progress.start(width, { unit: 'features', label: `sfi ${options.model}` });
  for (let j = 0; j < width; j++) {
    const column = singleColumn(input, j);
    for (const [f, split] of splits.entries()) {
      options.signal?.throwIfAborted();
      const test = selectRows(column, split.test);
      perFold[f]![j] = await withModel(options, async (model) => {
        await model.fit(selectRows(column, split.train), { seed: options.seed + f, logger });
        return -logLoss((await model.predictProba(test)).p, test);
      });
    }
    progress.advance();
  }
  progress.done();
  logger.info({ folds: splits.length, features: width }, 'importance: sfi done');
  return summarize(names, perFold);
}

/**
 * Mean decrease impurity (AFML snippet 8.2) of a fitted tree model: its `describe().featureImportance`
 * (gain) normalised to sum 1; null for a family without one. In-sample by construction: read it
 * beside MDA/SFI, never alone.
 */
export function meanDecreaseImpurity(model: BaseModel): Array<{ feature: string; share: number }> | null {
  if (model.card.family !== 'boosting') return null;
  const importance = model.describe().featureImportance;
  if (!importance) return null;
  const total = Object.values(importance).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  return Object.entries(importance).map(([feature, value]) => ({ feature, share: total > 0 ? value / total : 0 }));
}
