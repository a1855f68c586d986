import { existsSync } from 'node:fs';
import { UsageError } from '@tribar/core';
import { JournalStorage, type StudyHeader } from './journal.js';
import type { TestReport } from './objective.js';
import { RandomSampler } from './samplers/sampler.js';
import { createStudy, type Study } from './study.js';
import { lossOf, type AttrValue, type TrialState } from './trial.js';

export const STUDY_SUMMARY_VERSION = 1;

/** One trial of a study summary. */
export interface TrialSummary {
  number: number;
  state: TrialState;
  value: number | null;
  /** The best complete value up to and including this trial (the optimisation history). */
  bestSoFar: number | null;
  params: Record<string, AttrValue>;
  /** [step, value] pairs: the learning curve the pruner saw. */
  intermediate: Array<[number, number]>;
  userAttrs: Record<string, AttrValue>;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * What the run report's Tuning section draws from: the study, every trial with its parameters,
 * learning curve and best-so-far value (optimisation history, parallel coordinates, parameter
 * importance all derive from these), the best trial and its one test score.
 */
export interface StudySummary {
  version: number;
  name: string;
  direction: StudyHeader['direction'];
  sampler: string;
  pruner: string;
  seed: number;
  meta: Record<string, unknown>;
  space: StudyHeader['space'];
  counts: Record<TrialState, number>;
  best: { number: number; value: number; params: Record<string, AttrValue> } | null;
  trials: TrialSummary[];
  test: TestReport | null;
}

export function studySummary(study: Study, test: TestReport | null): StudySummary {
  const counts: Record<TrialState, number> = { running: 0, complete: 0, pruned: 0, fail: 0 };
  let best: number | null = null;
  const trials = study.trials.map((t): TrialSummary => {
    counts[t.state]++;
    if (t.state === 'complete' && t.value !== undefined && !Number.isNaN(t.value)) {
      if (best === null || lossOf(study.direction, t.value) < lossOf(study.direction, best)) best = t.value;
    }
    return {
      number: t.number,
      state: t.state,
      value: t.value ?? null,
      bestSoFar: best,
      params: t.params,
      intermediate: [...t.intermediate.entries()].sort((a, b) => a[0] - b[0]),
      userAttrs: t.userAttrs,
      startedAt: t.startedAt,
      finishedAt: t.finishedAt ?? null,
    };
  });
  const bestTrial = study.bestTrial;
  return {
    version: STUDY_SUMMARY_VERSION,
    name: study.name,
    direction: study.direction,
    sampler: study.header.sampler,
    pruner: study.header.pruner,
    seed: study.header.seed,
    meta: study.header.meta,
    space: study.space,
    counts,
    best: bestTrial ? { number: bestTrial.number, value: bestTrial.value!, params: bestTrial.params } : null,
    trials,
    test,
  };
}

/** A study read from its journal without writing to it (a running study's trials stay running). */
export function readStudy(journal: string): Study {
  if (!existsSync(journal))
    throw new UsageError(`no study journal at ${journal}`, { hint: 'Name a study of `tribar tune` (see tune.dir).' });
  const storage = new JournalStorage(journal);
  const header = storage.load()[0];
  if (!header || header.op !== 'study') throw new UsageError(`${journal} holds no study`, { hint: 'Is it a study journal?' });
  return createStudy({ name: header.name, space: header.space, sampler: new RandomSampler(0), storage, readOnly: true });
}

const show = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const showParam = (v: AttrValue | undefined) =>
  v === undefined ? '–' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v);

/** The trials as table rows (header first): number, state, value, steps, then one column per parameter. */
export function trialsTable(summary: StudySummary): string[][] {
  const names = summary.space.params.map((p) => p.name);
  const rows = summary.trials.map((t) => [
    String(t.number),
    t.state,
    show(t.value),
    show(t.bestSoFar),
    String(t.intermediate.length),
    ...names.map((n) => showParam(t.params[n])),
  ]);
  return [['#', 'state', 'value', 'best', 'steps', ...names], ...rows];
}
