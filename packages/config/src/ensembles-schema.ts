import { z } from 'zod';
import { probability } from './primitives.js';

// The Phase 2 sections of `train:` that turn probabilities into positions (issue 18): ensembles,
// calibration, bet sizing and meta-labeling. Every one is off by default, so a config without them
// trains and writes exactly what it did before.

const ensembleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/, 'ensemble names are lower-case words such as stack1')
      .describe('Name of the ensemble, its results folder `<name>-<S>-h<h>`; must not be a registered model name.'),
    kind: z.enum(['voting', 'stacking', 'blending', 'bagging']).describe('Soft/hard voting, stacking on OOF, blending on val, or bagging.'),
    members: z.array(z.string().min(1)).min(1).describe('Registered tabular families (bagging: exactly one, the base).'),
    voting: z.enum(['soft', 'hard']).default('soft').describe('Voting only: mean probability or majority of argmax.'),
    weights: z.array(z.number().nonnegative()).optional().describe('Voting only: one weight per member (default equal).'),
    metaLearner: z
      .string()
      .min(1)
      .default('logistic')
      .describe('Stacking/blending: the tabular family fitted on the members’ probabilities.'),
    folds: z.number().int().min(2).default(5).describe('Stacking: purged k-fold folds for the out-of-fold predictions.'),
    estimators: z.number().int().positive().default(10).describe('Bagging: estimators, each on a sequential bootstrap.'),
    maxSamples: z.number().gt(0).max(1).default(1).describe('Bagging: draws per estimator as a share of the train rows.'),
  })
  .strict();

export const ensembleSections = {
  ensembles: z
    .array(ensembleSchema)
    .default([])
    .describe('Ensembles trained after the single models, each like a model (metrics, backtest, saved model); [] = none.'),
  calibration: z
    .object({
      method: z
        .enum(['none', 'temperature', 'platt', 'isotonic'])
        .default('none')
        .describe('Recalibrate each model’s probabilities, fitted on the val split only; none = off.'),
      bins: z.number().int().min(2).default(10).describe('Reliability-curve bins (ECE) in metrics.json.'),
    })
    .strict()
    .prefault({}),
  betSizing: z
    .object({
      method: z
        .enum(['none', 'probability', 'budget'])
        .default('none')
        .describe('none: one contract on the argmax side; probability: AFML 2Φ(z) − 1 of the argmax probability; budget: concurrent bets.'),
      maxContracts: z
        .number()
        .int()
        .positive()
        .default(1)
        .describe('Contracts of a full (size 1) position; sizes round to whole contracts.'),
      step: probability.default(0).describe('Discretisation step of the sizes (0 = continuous before rounding to contracts).'),
      averageActive: z.boolean().default(true).describe('Average the sizes of the bets still active (AFML 10.2) before rounding.'),
    })
    .strict()
    .prefault({}),
  outOfFold: z
    .object({
      enabled: z
        .boolean()
        .default(false)
        .describe('Write oof.arrow: purged k-fold out-of-fold probabilities of every train row (single models).'),
      folds: z.number().int().min(2).default(5).describe('Purged k-fold folds (the embargo is train.cv.embargoBars).'),
    })
    .strict()
    .prefault({}),
  importance: z
    .object({
      methods: z
        .array(z.enum(['mda', 'sfi', 'mdi']))
        .default([])
        .describe('Feature importance written to importance.json: MDA and SFI under purged k-fold, MDI of tree families; [] = none.'),
      folds: z.number().int().min(2).default(5).describe('Purged k-fold folds for MDA and SFI (the embargo is train.cv.embargoBars).'),
    })
    .strict()
    .prefault({}),
  metaLabeling: z
    .object({
      enabled: z.boolean().default(false).describe('Meta-labeling (AFML 3.6): a secondary model decides whether to act on the side.'),
      secondary: z.string().min(1).default('logistic').describe('Tabular family of the secondary (act / pass) model.'),
      threshold: probability.default(0.5).describe('Act when the secondary model’s probability of a profitable outcome reaches this.'),
    })
    .strict()
    .prefault({}),
};
