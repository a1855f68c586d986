import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readJsonArtifactFile, STUDY_SUMMARY_SUFFIX, tuneStudySummary, type StudySummary, type TrialSummary } from '@tribar/artifacts';
import { ArtifactError } from '@tribar/core';

// The study summaries `tribar tune` writes (`<tune.dir>/<study>.summary.json`), read for the report's Tuning
// section through @tribar/artifacts' schema, the one definition of the file. A file that does not fit it is a
// warning naming the file and the field, and the report still renders.

export type TuningTrial = TrialSummary;

/** A study as the section draws it: the summary's fields, the file it came from and its parameter names in order. */
export type TuningStudy = Pick<StudySummary, 'name' | 'direction' | 'sampler' | 'pruner' | 'meta' | 'best' | 'trials' | 'test'> & {
  file: string;
  params: string[];
};

export interface TuningStudies {
  studies: TuningStudy[];
  warnings: string[];
}

/**
 * The studies of this run: every `*.summary.json` under `studiesDir` (the config's `tune.dir`,
 * from the working directory) whose study was run on this run (`meta.runId`), or on one of its
 * symbol × horizon pairs. Sorted by name, so the report's bytes do not depend on the folder listing.
 */
export async function loadTuningStudies(
  studiesDir: string,
  run: { runId: string; symbols: readonly string[]; horizons: readonly number[] },
): Promise<TuningStudies> {
  const dir = resolve(studiesDir);
  const warnings: string[] = [];
  if (!existsSync(dir)) return { studies: [], warnings };
  const files = (await readdir(dir)).filter((f) => f.endsWith(STUDY_SUMMARY_SUFFIX)).sort();
  const studies: TuningStudy[] = [];
  for (const name of files) {
    const file = join(dir, name);
    let summary: StudySummary;
    try {
      summary = await readJsonArtifactFile(file, tuneStudySummary(name.slice(0, -STUDY_SUMMARY_SUFFIX.length)));
    } catch (error) {
      if (!(error instanceof ArtifactError)) throw error;
      // The message names the file and every field out of place; its hint line is for a person at a terminal.
      warnings.push(error.message.split('\n')[0]!);
      continue;
    }
    const { runId, symbol, horizon } = summary.meta;
    const ours = runId === run.runId || (run.symbols.includes(String(symbol)) && run.horizons.includes(Number(horizon)));
    if (!ours) continue;
    const { name: study, direction, sampler, pruner, meta, best, trials, test, space } = summary;
    studies.push({ file, name: study, direction, sampler, pruner, meta, params: space.params.map((p) => p.name), best, trials, test });
  }
  return { studies, warnings };
}
