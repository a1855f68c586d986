import type { Params } from './space.js';

export type Direction = 'minimize' | 'maximize';
/** Optuna's trial states (WAITING is not needed: a trial exists once it is asked). */
export type TrialState = 'running' | 'complete' | 'pruned' | 'fail';
export type AttrValue = number | string | boolean;

/** One trial as the study holds it: what was sampled, what it reported, how it ended. */
export interface FrozenTrial {
  number: number;
  state: TrialState;
  params: Params;
  /** The objective's value (complete trials; a pruned trial's last reported value). */
  value?: number;
  /** Step → reported value (`trial.report`), e.g. epoch → validation loss. */
  intermediate: Map<number, number>;
  /** Bookkeeping of samplers and pruners (CMA-ES generation, successive-halving rungs). */
  systemAttrs: Record<string, AttrValue>;
  /** What the objective chose to record (metrics, the tracked run id). */
  userAttrs: Record<string, AttrValue>;
  startedAt: string;
  finishedAt?: string;
  /** Why a failed trial failed. */
  error?: string;
}

/** The last reported step, or undefined when nothing was reported. */
export function lastStep(trial: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const step of trial.intermediate.keys()) if (last === undefined || step > last) last = step;
  return last;
}

/** A value to minimise whatever the direction. */
export function lossOf(direction: Direction, value: number): number {
  return direction === 'minimize' ? value : -value;
}
