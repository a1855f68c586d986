import { z } from 'zod';
import { ensembleSections } from './ensembles-schema.js';
import { probability, symbolName } from './primitives.js';

// The `train:` section (Phase 2): what to train and how. Its own file so each Phase 2 section
// (tuning, ensembles, serving) can live in one of its own beside it.

export const trainSchema = z
  .object({
    models: z
      .array(z.string().min(1))
      .default(['logistic', 'gbdt'])
      .describe(
        'Model families trained after Phase 1, e.g. [xgboost, logistic, mlp]; empty = Phase 1 only. The default needs no system library.',
      ),
    symbols: z.array(symbolName).optional().describe('Symbols to train on (default: every configured symbol).'),
    horizons: z.array(z.number().int().positive()).optional().describe('Horizons to train on (default: every configured horizon).'),
    hyperparameters: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      // The default run trains gbdt on ~48k rows × 123 features per series; these settings fit it
      // 2.3× faster than the card's at a slightly lower validation loss (models README), which keeps
      // the README's main command within two minutes.
      .default({ gbdt: { earlyStoppingRounds: 20, numLeaves: 15, colsampleBytree: 0.5 } })
      .describe('Per model name, hyperparameters overriding its card defaults, e.g. {xgboost: {maxDepth: 4}}.'),
    lookback: z.number().int().min(2).default(60).describe('Bars per window for sequence models.'),
    crossSessions: z.boolean().default(false).describe('Whether a sequence window may span a session break.'),
    earlyStopping: z
      .object({
        patience: z
          .number()
          .int()
          .positive()
          .nullable()
          .default(null)
          .describe(
            'Epochs (boosting rounds) without a val-loss improvement before stopping; null = the family default (boosting 50, neural 15, classical 10).',
          ),
        minDelta: z.number().nonnegative().default(1e-4).describe('Smallest val-loss decrease that counts as an improvement.'),
      })
      .strict()
      .prefault({}),
    learningRate: z
      .object({
        schedule: z
          .enum(['constant', 'cosine'])
          .default('cosine')
          .describe('Neural models: linear warm-up then cosine decay (the original), or constant.'),
        warmupEpochs: z.number().int().nonnegative().default(5),
      })
      .strict()
      .prefault({}),
    cv: z
      .object({
        folds: z
          .number()
          .int()
          .refine((n) => n === 0 || n >= 2, 'folds is 0 (off) or at least 2')
          .default(0)
          .describe('Purged k-fold cross-validation on the train part before the final fit; 0 = off.'),
        embargoBars: z.number().int().nonnegative().default(288).describe('Embargo after each test fold, in bars.'),
      })
      .strict()
      .prefault({}),
    backtest: z
      .object({
        threshold: probability.default(0.5).describe('Enter when the predicted class is long/short with at least this probability.'),
        entry: z
          .enum(['close', 'nextOpen'])
          .default('close')
          .describe("Fill at the signal bar's close (the labels' convention) or the next open."),
        allowReverse: z.boolean().default(true).describe('An opposite signal closes the position and opens the other side.'),
      })
      .strict()
      .prefault({}),
    tracking: z
      .object({
        dir: z.string().min(1).default('mlruns').describe("Tracker root (MLflow's file layout), relative to the working directory."),
        experiment: z.string().min(1).default('tribar').describe('Experiment the training runs are logged under.'),
      })
      .strict()
      .prefault({}),
    ...ensembleSections,
  })
  .strict()
  .prefault({});

export type TrainConfig = z.output<typeof trainSchema>;
