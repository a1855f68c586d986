import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '@tribar/core';
import { readStudy, studyFiles, studySummary, type StudySummary } from '@tribar/tuning';
import { z } from 'zod';
import { HttpError } from './http-errors.js';
import { studyTestReport } from './schemas.js';

const JOURNAL = '.jsonl';

/** NaN and ±Infinity (a diverged trial) are not JSON numbers: they travel as null. */
const finite = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const text = (x: unknown): string | null => (typeof x === 'string' ? x : null);
const int = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) ? x : null);

/** The part of `<name>.summary.json` the API reads: how many trials it covers and the best trial's test report. */
const summaryFile = z.looseObject({
  trials: z.array(z.unknown()),
  test: z.unknown().nullable(),
});

/**
 * Tuning studies (`@tribar/tuning` journals `<tune.dir>/<name>.jsonl` and their `<name>.summary.json`), read without
 * writing: a running study's journal is only read, never appended to or truncated.
 */
export class StudiesService {
  constructor(
    private readonly studiesDir: string,
    private readonly logger: Logger,
  ) {}

  async list() {
    const names = existsSync(this.studiesDir)
      ? readdirSync(this.studiesDir)
          .filter((file) => file.endsWith(JOURNAL))
          .map((file) => file.slice(0, -JOURNAL.length))
          .sort()
      : [];
    const studies = [];
    for (const name of names) {
      try {
        studies.push(this.#overview(this.#read(name)).item);
      } catch (error) {
        this.logger.warn({ event: 'api.study.damaged', study: name, err: error }, `study '${name}' cannot be read`);
        studies.push({ ...emptyItem(name), status: 'damaged' as const, damaged: (error as Error).message.split('\n')[0] as string });
      }
    }
    return { dir: this.studiesDir, studies };
  }

  async get(name: string) {
    const read = this.#read(name);
    const { item, test } = this.#overview(read);
    const trials = read.summary.trials.map((trial) => ({
      number: trial.number,
      state: trial.state,
      value: finite(trial.value),
      bestSoFar: finite(trial.bestSoFar),
      params: trial.params,
      steps: trial.intermediate.length,
      startedAt: trial.startedAt,
      finishedAt: trial.finishedAt,
      durationMs: trial.finishedAt ? Date.parse(trial.finishedAt) - Date.parse(trial.startedAt) : null,
    }));
    return { ...item, seed: read.summary.seed, space: read.summary.space.params.map((p) => p.name), trials, test };
  }

  #read(name: string): { summary: StudySummary; file: unknown } {
    const files = studyFiles(this.studiesDir, name);
    if (!existsSync(files.journal)) {
      throw new HttpError(404, 'STUDY_NOT_FOUND', `no study '${name}' in ${this.studiesDir}`, {
        field: 'params.name',
        hint: 'GET /studies lists the studies of tune.dir (`tribar tune` writes them).',
      });
    }
    const summary = studySummary(readStudy(files.journal), null);
    let file: unknown = null;
    if (existsSync(files.summary)) {
      const parsed = summaryFile.safeParse(JSON.parse(readFileSync(files.summary, 'utf8')));
      if (parsed.success) file = parsed.data;
      else this.logger.warn({ event: 'api.study.summary-invalid', study: name, file: files.summary }, 'study summary ignored');
    }
    return { summary, file };
  }

  #overview({ summary, file }: { summary: StudySummary; file: unknown }) {
    const meta = summary.meta;
    const written = file as z.infer<typeof summaryFile> | null;
    const test = written?.test ? studyTestReport.safeParse(written.test) : undefined;
    const running = summary.counts.running > 0;
    // Finished: `tribar tune` wrote the summary after its last trial, and the journal holds no trial since.
    const status =
      written && written.trials.length === summary.trials.length && !running
        ? ('finished' as const)
        : running
          ? ('running' as const)
          : ('stopped' as const);
    const item = {
      name: summary.name,
      runId: text(meta['runId']),
      model: text(meta['model']),
      symbol: text(meta['symbol']),
      horizon: int(meta['horizon']),
      metric: text(meta['metric']),
      direction: summary.direction,
      sampler: summary.sampler,
      pruner: summary.pruner,
      status,
      trialsDone: summary.counts.complete + summary.counts.pruned,
      trialsTotal: int(meta['trials']),
      counts: summary.counts,
      best:
        summary.best && Number.isFinite(summary.best.value)
          ? { number: summary.best.number, value: summary.best.value, params: summary.best.params }
          : null,
    };
    return { item, test: test?.success ? test.data : null };
  }
}

function emptyItem(name: string) {
  return {
    name,
    runId: null,
    model: null,
    symbol: null,
    horizon: null,
    metric: null,
    direction: null,
    sampler: null,
    pruner: null,
    trialsDone: 0,
    trialsTotal: null,
    counts: { running: 0, complete: 0, pruned: 0, fail: 0 },
    best: null,
  };
}
