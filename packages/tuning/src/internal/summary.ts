import { existsSync } from 'node:fs';
import { parseJsonArtifact, STUDY_SUMMARY_VERSION, tuneStudySummary, type StudySummary, type TrialSummary } from '@tribar/artifacts';
import { UsageError, writeJsonAtomic } from '@tribar/core';
import { JournalStorage } from './journal.js';
import type { TestReport } from './objective.js';
import { RandomSampler } from './samplers/sampler.js';
import { createStudy, type Study } from './study.js';
import { lossOf, type AttrValue, type TrialState } from './trial.js';

// The summary's shape is @tribar/artifacts' (`tuneStudySummary`): the one definition its readers (the run
// report, the API) parse it with. Re-exported here so tuning's public face keeps naming them.
export { STUDY_SUMMARY_VERSION } from '@tribar/artifacts';
export type { StudySummary, TrialSummary } from '@tribar/artifacts';

/**
 * What the run report's Tuning section draws from: the study, every trial with its parameters,
 * learning curve and best-so-far value (optimisation history, parallel coordinates, parameter
 * importance all derive from these), the best trial and its one test score.
 */
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

/**
 * Write a study's summary to `file` (`<tune.dir>/<study>.summary.json`) atomically, after checking it against
 * the contract's schema: the value is written as given, so the bytes are exactly JSON.stringify's.
 */
export async function writeStudySummary(file: string, summary: StudySummary): Promise<void> {
  parseJsonArtifact(tuneStudySummary(summary.name), summary, file);
  await writeJsonAtomic(file, summary);
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
