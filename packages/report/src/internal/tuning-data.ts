import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

// The study summaries `tribar tune` writes (`<tune.dir>/<study>.summary.json`, @tribar/tuning's
// `StudySummary`), read for the report's Tuning section. Only the fields the section draws are
// checked; a file that lacks them is a warning, and the report still renders.

export interface TuningTrial {
  number: number;
  state: string;
  value: number | null;
  bestSoFar: number | null;
  params: Record<string, number | string | boolean>;
}

interface TuningTest {
  test: { logLoss: number; macroF1: number; accuracy: number };
  backtest: { sharpe: number; trades: number };
  trials: number;
  deflatedSharpe: number;
}

export interface TuningStudy {
  file: string;
  name: string;
  direction: 'minimize' | 'maximize';
  sampler: string;
  pruner: string;
  meta: Record<string, unknown>;
  params: string[];
  best: { number: number; value: number; params: Record<string, number | string | boolean> } | null;
  trials: TuningTrial[];
  test: TuningTest | null;
}

export interface TuningStudies {
  studies: TuningStudy[];
  warnings: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberOrNull = (v: unknown) => v === null || typeof v === 'number';

/** The fields the section needs, or the first one that is wrong. */
function parseStudy(file: string, raw: unknown): TuningStudy | string {
  if (!isObject(raw)) return `${file}: not a JSON object`;
  const { name, direction, sampler, pruner, meta, space, best, trials, test } = raw;
  if (typeof name !== 'string') return `${file}: field 'name' is not a string`;
  if (direction !== 'minimize' && direction !== 'maximize') return `${file}: field 'direction' is not minimize|maximize`;
  if (!Array.isArray(trials)) return `${file}: field 'trials' is not an array`;
  for (const [i, t] of trials.entries()) {
    if (
      !isObject(t) ||
      typeof t.number !== 'number' ||
      typeof t.state !== 'string' ||
      !isNumberOrNull(t.value) ||
      !isNumberOrNull(t.bestSoFar) ||
      !isObject(t.params)
    )
      return `${file}: trials[${i}] lacks number/state/value/bestSoFar/params`;
  }
  const params =
    isObject(space) && Array.isArray(space.params) ? space.params.map((p) => (isObject(p) ? String(p.name) : '')).filter(Boolean) : [];
  return {
    file,
    name,
    direction,
    sampler: String(sampler),
    pruner: String(pruner),
    meta: isObject(meta) ? meta : {},
    params,
    best: isObject(best) ? (best as TuningStudy['best']) : null,
    trials: trials as TuningTrial[],
    test: isObject(test) && isObject(test.test) && isObject(test.backtest) ? (test as unknown as TuningTest) : null,
  };
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
  const files = (await readdir(dir)).filter((f) => f.endsWith('.summary.json')).sort();
  const studies: TuningStudy[] = [];
  for (const name of files) {
    const file = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      warnings.push(`${file}: not JSON (${(error as Error).message})`);
      continue;
    }
    const study = parseStudy(file, raw);
    if (typeof study === 'string') {
      warnings.push(study);
      continue;
    }
    const { runId, symbol, horizon } = study.meta;
    const ours = runId === run.runId || (run.symbols.includes(String(symbol)) && run.horizons.includes(Number(horizon)));
    if (ours) studies.push(study);
  }
  return { studies, warnings };
}
