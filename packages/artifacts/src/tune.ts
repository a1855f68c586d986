import { z } from 'zod';
import { fileArtifact, jsonArtifact } from './artifact.js';

/**
 * A tuning study's files, written by `tribar tune` (`@tribar/tuning`) outside any run folder, in the config's
 * `tune.dir`: `<study>.jsonl`, the append-only journal (its lines are `@tribar/tuning`'s own format, read through
 * its `readStudy`), and `<study>.summary.json`, the summary the run report's Tuning section and the API read.
 * Paths here are relative to `tune.dir` (`artifactPath(tuneDir, tuneStudySummary(name))`).
 */

/** The writer of a study's files: the `tune` command, not a pipeline stage. */
const TUNE = 'tune';

export const STUDY_JOURNAL_SUFFIX = '.jsonl';
export const STUDY_SUMMARY_SUFFIX = '.summary.json';
export const STUDY_SUMMARY_VERSION = 1;

/**
 * A number as the file carries it: JSON.stringify writes NaN and ±Infinity (a diverged trial's value, a
 * backtest's profit factor without a losing trade) as null, so a reader gets number | null; the writer's
 * value in memory may be any number.
 */
const jsonNumber = z.custom<number | null>((value) => value === null || typeof value === 'number', {
  message: 'expected a number or null',
});
const count = z.number().int().nonnegative();

/** One sampled value: categorical choices are strings, numbers or booleans (Optuna's `CategoricalChoiceType`). */
const paramValue = z.union([z.number(), z.string(), z.boolean()]);
const params = z.record(z.string(), paramValue);

/** A parameter's distribution, as Optuna's Float-, Int- and CategoricalDistribution. */
const distributionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('float'), low: z.number(), high: z.number(), log: z.boolean(), step: z.number().optional() }),
  z.object({ kind: z.literal('int'), low: z.number(), high: z.number(), log: z.boolean(), step: z.number() }),
  z.object({ kind: z.literal('categorical'), choices: z.array(paramValue).readonly() }),
]);

/** The study's search space: parameters in sampling order (a condition names an earlier one) and fixed values. */
const searchSpaceSchema = z.object({
  params: z
    .array(
      z.object({
        name: z.string(),
        distribution: distributionSchema,
        /** Active only when `param` took one of `in`. */
        condition: z.object({ param: z.string(), in: z.array(paramValue).readonly() }).optional(),
      }),
    )
    .readonly(),
  fixed: params,
});

const TRIAL_STATES = ['running', 'complete', 'pruned', 'fail'] as const;

/** One trial of a study summary. */
const trialSummarySchema = z.object({
  number: count,
  state: z.enum(TRIAL_STATES),
  /** The objective's value (a pruned trial's last reported one); null when there is none or it was not finite. */
  value: jsonNumber,
  /** The best complete value up to and including this trial (the optimisation history). */
  bestSoFar: jsonNumber,
  params,
  /** [step, value] pairs, steps ascending: the learning curve the pruner saw. */
  intermediate: z.array(z.tuple([count, jsonNumber])),
  userAttrs: z.record(z.string(), z.union([jsonNumber, z.string(), z.boolean()])),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TrialSummary = z.infer<typeof trialSummarySchema>;

/** `@tribar/trainer`'s `BacktestSummary` of the best trial on the test split, non-finite figures as null. */
const testBacktestSchema = z.object({
  rows: count,
  trades: count,
  longTrades: count,
  shortTrades: count,
  skippedEntries: count,
  totalUsd: jsonNumber,
  totalTicks: jsonNumber,
  costsUsd: jsonNumber,
  avgTradeUsd: jsonNumber,
  avgTradeTicks: jsonNumber,
  winRate: jsonNumber,
  profitFactor: jsonNumber,
  maxDrawdownUsd: jsonNumber,
  exposure: jsonNumber,
  periodsPerYear: jsonNumber,
  annualizedUsd: jsonNumber,
  sharpe: jsonNumber,
  sortino: jsonNumber,
  calmar: jsonNumber,
  sharpePerBar: jsonNumber,
  psr: jsonNumber,
  dsr: jsonNumber,
  trials: count,
  startMs: jsonNumber,
  endMs: jsonNumber,
});

/** The best trial refitted once and scored on the test split: the study's one test score. */
const studyTestSchema = z.object({
  /** The parameters it was refitted with. */
  params: z.record(z.string(), z.unknown()),
  test: z.object({ logLoss: jsonNumber, macroF1: jsonNumber, accuracy: jsonNumber }),
  backtest: testBacktestSchema,
  /** Trials the deflation corrects for (every finished trial of the study). */
  trials: count,
  deflatedSharpe: jsonNumber,
});

/**
 * `<study>.summary.json`: the study, every trial with its parameters, learning curve and best-so-far value
 * (optimisation history, parallel coordinates and parameter importance derive from these), the best trial and
 * its one test score (null until the study has scored it).
 */
export const studySummarySchema = z.object({
  version: z.literal(STUDY_SUMMARY_VERSION),
  name: z.string(),
  direction: z.enum(['minimize', 'maximize']),
  sampler: z.string(),
  pruner: z.string(),
  seed: z.number().int(),
  /** What the study tunes (model, symbol, horizon, metric, run id, trials asked for): free-form. */
  meta: z.record(z.string(), z.unknown()),
  space: searchSpaceSchema,
  counts: z.object({ running: count, complete: count, pruned: count, fail: count }),
  best: z.object({ number: count, value: jsonNumber, params }).nullable(),
  trials: z.array(trialSummarySchema),
  test: studyTestSchema.nullable(),
});
export type StudySummary = z.infer<typeof studySummarySchema>;

/** A study's summary, `<study>.summary.json` in `tune.dir`. */
export const tuneStudySummary = (study: string) => jsonArtifact(`${study}${STUDY_SUMMARY_SUFFIX}`, TUNE, studySummarySchema);
/** A study's journal, `<study>.jsonl` in `tune.dir` (one JSON event a line; `@tribar/tuning` reads and writes it). */
export const tuneStudyJournal = (study: string) => fileArtifact(`${study}${STUDY_JOURNAL_SUFFIX}`, TUNE);
