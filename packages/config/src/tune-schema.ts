import { z } from 'zod';

// The `tune:` section (Phase 2): hyperparameter studies of `tribar tune` (@tribar/tuning).

const paramValue = z.union([z.number(), z.string(), z.boolean()]);

const spaceOverrides = z
  .object({
    ranges: z
      .record(
        z.string(),
        z.union([
          z
            .object({
              low: z.number().optional(),
              high: z.number().optional(),
              log: z.boolean().optional(),
              step: z.number().positive().optional(),
            })
            .strict(),
          z.object({ choices: z.array(paramValue).min(1) }).strict(),
        ]),
      )
      .optional()
      .describe('New ranges ({low, high, log, step}) or choices ({choices}) of card hyperparameters.'),
    fixed: z.record(z.string(), paramValue).optional().describe('Hyperparameters fixed to one value (not searched).'),
    include: z.array(z.string()).optional().describe('Search only these hyperparameters (the rest keep their card defaults).'),
    exclude: z.array(z.string()).optional().describe('Hyperparameters left at their defaults (default: seed, threads).'),
    conditional: z
      .record(
        z.string(),
        z
          .object({
            when: z.object({ param: z.string(), in: z.array(paramValue).min(1) }).strict(),
            distribution: z.unknown().optional(),
          })
          .strict(),
      )
      .optional()
      .describe('Hyperparameters searched only when another took given values.'),
  })
  .strict();

export const tuneSchema = z
  .object({
    trials: z.number().int().positive().default(50).describe('Complete or pruned trials a study runs to (earlier sessions count).'),
    sampler: z.enum(['tpe', 'random', 'grid', 'cmaes']).default('tpe').describe('How trials are proposed.'),
    pruner: z
      .enum(['none', 'median', 'successive-halving', 'hyperband'])
      .default('median')
      .describe("Early stop of bad trials, fed by each epoch's validation loss."),
    workers: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe(
        'Trials in parallel: worker threads on this machine, or trials queued at once with `tribar tune --redis`; 1 is bit-reproducible from the seed.',
      ),
    metric: z
      .enum(['logLoss', 'macroF1', 'sharpe'])
      .default('logLoss')
      .describe("What a trial scores: val log loss (minimised), macro F1 or the cost-aware backtest's Sharpe (maximised)."),
    folds: z
      .object({
        method: z
          .enum(['validation', 'purged-kfold', 'cpcv'])
          .default('validation')
          .describe('Score on the validation split, or the mean over purged k-fold / CPCV folds of the train split.'),
        k: z.number().int().min(2).default(5).describe('Folds (k-fold) or groups (CPCV).'),
        testGroups: z.number().int().positive().default(2).describe('CPCV: groups held out per combination.'),
        embargoBars: z.number().int().nonnegative().default(288).describe('Embargo after each held-out fold, in bars.'),
      })
      .strict()
      .prefault({}),
    tpe: z
      .object({
        startupTrials: z.number().int().nonnegative().default(10).describe('Random trials before TPE (Optuna: 10).'),
        eiCandidates: z.number().int().positive().default(24).describe('Candidates per sample (Optuna: 24).'),
        multivariate: z.boolean().default(false).describe('One joint Parzen estimator over the unconditional parameters.'),
      })
      .strict()
      .prefault({}),
    space: z
      .record(z.string(), spaceOverrides)
      .default({})
      .describe('Per model name, overrides of the search space its card declares, e.g. {xgboost: {include: [maxDepth, learningRate]}}.'),
    dir: z.string().min(1).default('studies').describe('Where study journals are kept, relative to the working directory.'),
    redis: z
      .string()
      .nullable()
      .default(null)
      .describe('redis://host:port: trials go through a BullMQ queue taken by `tribar worker`; null = local.'),
  })
  .strict()
  .prefault({});

export type TuneConfig = z.output<typeof tuneSchema>;
