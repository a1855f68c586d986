import { z } from 'zod';
import { fileArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

/**
 * Triple-barrier parameters: the upper and lower barrier in ATR multiples and the label window
 * (vertical barrier) in target bars. The GA decodes `maxBars` by rounding, so it is an integer.
 */
export const gaBarrierParamsSchema = z.object({
  kUp: z.number(),
  kDown: z.number(),
  maxBars: z.number().int(),
});
export type GaBarrierParams = z.infer<typeof gaBarrierParamsSchema>;

/** How the GA scores barrier asymmetry for a symbol (`ga.asymmetry`; unlisted symbols are `upperWider`). */
export const gaAsymmetryRuleSchema = z.enum(['symmetric', 'upperWider']);

/**
 * Label mix and trade economics of fixed barriers on some rows (the optimisation block, or the
 * whole train part). Shares are of `labeled` rows (rows labelled −99 are left out); returns are
 * net price returns per trade, as fractions of the entry price.
 */
export const gaLabelMixSchema = z.object({
  labeled: z.number().int().nonnegative(),
  long: z.number().int().nonnegative(),
  short: z.number().int().nonnegative(),
  neutral: z.number().int().nonnegative(),
  pctLong: z.number(),
  pctShort: z.number(),
  pctNeutral: z.number(),
  trades: z.number().int().nonnegative(),
  meanNetReturn: z.number(),
  stdNetReturn: z.number(),
  ratio: z.number(),
  /** The fitness score; null when the constraints are missed. */
  fitness: z.number().nullable(),
  valid: z.boolean(),
  /** Sum of the constraint shortfalls; 0 when valid. */
  violation: z.number().nonnegative(),
});
export type GaLabelMix = z.infer<typeof gaLabelMixSchema>;

/** One generation of the search (DEAP's logbook row plus the shares of valid individuals). */
export const gaConvergenceRowSchema = z.object({
  /** 0 = the initial population. */
  generation: z.number().int().nonnegative(),
  /** Individuals evaluated in this generation. */
  evaluations: z.number().int().nonnegative(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  /** Best fitness ever seen and its genes [kUp, kDown, maxBarsPerHorizonBar]. */
  best: z.number(),
  bestGenes: z.array(z.number()),
  /** Share of the population meeting the constraints. */
  validShare: z.number(),
  /** Mean fitness of the valid individuals; null when none is valid. */
  meanValid: z.number().nullable(),
});
export type GaConvergenceRow = z.infer<typeof gaConvergenceRowSchema>;

/**
 * `ga-optimize/<S>_h<h>.json`: one search's result and report. `fitness` is null (and `valid`
 * false) when the GA is disabled, in which case `best` holds the configured barriers, `genes` and
 * `convergence` are empty and `evaluations` is 0. Nothing here depends on how the result was
 * obtained: the worker count, whether it came from the GA cache and the seconds it took are the
 * stage's metrics in `state.json` (`<S>_h<h>.cached`, `<S>_h<h>.seconds`) and in the log.
 */
export const gaResultSchema = z.object({
  symbol: z.string(),
  horizon: z.number().int().positive(),
  enabled: z.boolean(),
  best: gaBarrierParamsSchema.extend({ genes: z.array(z.number()) }),
  fitness: z.number().nullable(),
  valid: z.boolean(),
  evaluations: z.number().int().nonnegative(),
  /** The run's cut (`cut/cut.json` trainEndMs) as ISO UTC: rows before it are the train part. */
  trainEnd: z.iso.datetime(),
  /** The optimisation block: rows [startRow, endRow) of the symbol's train part and their SHA-256. */
  optimisation: gaLabelMixSchema.extend({
    startRow: z.number().int().nonnegative(),
    endRow: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** The best parameters on the whole train part. */
  train: gaLabelMixSchema.extend({ rows: z.number().int().nonnegative() }),
  /** Round-trip cost in price units. */
  costPrice: z.number(),
  ga: z.object({
    populationSize: z.number().int().positive(),
    generations: z.number().int().nonnegative(),
    asymmetry: gaAsymmetryRuleSchema,
  }),
  convergence: z.array(gaConvergenceRowSchema),
});
export type GaResultFile = z.infer<typeof gaResultSchema>;
export const gaResult = (symbol: string, horizon: number) =>
  jsonArtifact(`ga-optimize/${symbol}_h${horizon}.json`, STAGE.gaOptimize, gaResultSchema);
export const gaChart = (symbol: string, horizon: number) => fileArtifact(`ga-optimize/${symbol}_h${horizon}.svg`, STAGE.gaOptimize);

/**
 * One symbol × horizon of the summary: the barriers labels-final should use. Use them only when
 * `valid` is true (the best individual met the GA's constraints); otherwise, or when the entry is
 * missing, fall back to the configured barriers. `fitness` is null when the GA was disabled (then
 * the entry holds the configured barriers and `valid` is false).
 */
export const gaSummaryEntrySchema = gaBarrierParamsSchema.extend({
  valid: z.boolean(),
  fitness: z.number().nullable(),
});
export type GaSummaryEntry = z.infer<typeof gaSummaryEntrySchema>;

/** `ga-optimize/summary.json`: `results[symbol][String(horizon)]`, for labels-final. */
export const gaSummarySchema = z.object({
  results: z.record(z.string(), z.record(z.string().regex(/^[1-9][0-9]*$/, 'a horizon in bars'), gaSummaryEntrySchema)),
});
export type GaSummaryFile = z.infer<typeof gaSummarySchema>;
export const gaSummary = jsonArtifact('ga-optimize/summary.json', STAGE.gaOptimize, gaSummarySchema);
