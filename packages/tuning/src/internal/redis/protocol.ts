import type { Params } from '../space.js';
import type { AttrValue } from '../trial.js';

/** A trial job on a study's queue: which trial, its parameters, and what a worker needs to build the objective. */
export interface TrialJob<Setup = unknown> {
  study: string;
  number: number;
  params: Params;
  /** Objective kind a worker knows how to build (`model`: `ModelObjective` in worker threads). */
  kind: string;
  setup: Setup;
}

/** A job's progress messages: the trial's reports and user attributes, journaled by the coordinator. */
export type TrialProgress = { report: { step: number; value: number } } | { attr: { key: string; value: AttrValue } };

/** What a worker returns; an objective's error fails the job instead. */
// The value travels as text: NaN and ±Infinity are not JSON and a diverged objective must still be told.
export type TrialOutcome = { state: 'complete'; value: string } | { state: 'pruned' };
