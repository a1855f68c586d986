import { silentLogger, type Logger } from '@tribar/core';
import type { DataModule } from '@tribar/datasets';
import type { LabeledRows, ModelRegistry } from '@tribar/models';
import { purgedKFold } from '@tribar/splits';
import { sampleWindows, subsetInput } from './inputs.js';
import { classificationMetrics } from './metrics/classification.js';

interface CvFold {
  fold: number;
  trainRows: number;
  testRows: number;
  purged: number;
  embargoed: number;
  accuracy: number;
  macroF1: number;
  logLoss: number;
  epochs: number;
}

export interface CvSummary {
  folds: CvFold[];
  macroF1Mean: number;
  macroF1Std: number;
  /** Coefficient of variation of fold macro F1, graded as the original did (§14.5). */
  stability: 'excellent' | 'good' | 'acceptable' | 'poor' | 'unstable';
}

export interface CrossValidateOptions {
  registry: ModelRegistry;
  model: string;
  hyperparameters: Record<string, unknown>;
  data: DataModule;
  /** The train part as model input (sample positions follow `data.train.rowIndex`); sequence sets stream. */
  input: LabeledRows;
  folds: number;
  /** Samples embargoed after each test fold. */
  embargo: number;
  seed: number;
  logger?: Logger;
  signal?: AbortSignal | undefined;
}

/**
 * Purged k-fold on the train part (`purgedKFold` of @tribar/splits over the samples' label
 * windows): a fold's model never trains on a sample whose label window overlaps its test span, nor
 * on the embargoed samples after it. Each fold's model early-stops on nothing but its own epochs
 * budget: the test fold is for scoring only, never for stopping.
 */
export async function crossValidate(options: CrossValidateOptions): Promise<CvSummary> {
  const logger = options.logger ?? silentLogger();
  const windows = sampleWindows(options.data.train.rowIndex, options.data.market.labelEndIndex);
  const splits = purgedKFold(windows, { folds: options.folds, embargo: options.embargo });
  const folds: CvFold[] = [];
  for (const [fold, split] of splits.entries()) {
    options.signal?.throwIfAborted();
    const model = options.registry.create(options.model, options.hyperparameters);
    try {
      const train = subsetInput(options.input, split.train);
      const test = subsetInput(options.input, split.test);
      const fit = await model.fit(train, { seed: options.seed + fold, logger, ...(options.signal ? { signal: options.signal } : {}) });
      const metrics = classificationMetrics(test.y, (await model.predictProba(test)).p);
      folds.push({
        fold,
        trainRows: train.rows,
        testRows: test.rows,
        purged: split.purged.length,
        embargoed: split.embargoed.length,
        accuracy: metrics.accuracy,
        macroF1: metrics.macroF1,
        logLoss: metrics.logLoss,
        epochs: fit.epochs,
      });
      logger.info(
        { model: options.model, fold, trainRows: train.rows, testRows: test.rows, macroF1: metrics.macroF1 },
        'train: cv fold done',
      );
    } finally {
      model.dispose();
    }
  }
  const f1 = folds.map((f) => f.macroF1);
  const mean = f1.reduce((a, b) => a + b, 0) / f1.length;
  const std = Math.sqrt(f1.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, f1.length - 1));
  return { folds, macroF1Mean: mean, macroF1Std: std, stability: stabilityGrade(mean > 0 ? std / mean : Number.POSITIVE_INFINITY) };
}

/** The original's grades of the fold-F1 coefficient of variation. */
function stabilityGrade(cv: number): CvSummary['stability'] {
  if (cv < 0.15) return 'excellent';
  if (cv < 0.25) return 'good';
  if (cv < 0.4) return 'acceptable';
  if (cv < 0.6) return 'poor';
  return 'unstable';
}
