import { existsSync, readdirSync } from 'node:fs';
import { readJsonArtifactFile, STUDY_JOURNAL_SUFFIX, tuneStudySummary, type StudySummary } from '@tribar/artifacts';
import { ArtifactError, type Logger } from '@tribar/core';
import { readStudy, studyFiles, studySummary } from '@tribar/tuning';
import { HttpError } from './http-errors.js';

/** NaN and ±Infinity (a diverged trial) are not JSON numbers: they travel as null. */
const finite = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const text = (x: unknown): string | null => (typeof x === 'string' ? x : null);
const int = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) ? x : null);

/** A study as the journal holds it now, and its `<name>.summary.json` (@tribar/artifacts' schema) when one is valid. */
interface StudyRead {
  summary: StudySummary;
  file: StudySummary | null;
}

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
          .filter((file) => file.endsWith(STUDY_JOURNAL_SUFFIX))
          .map((file) => file.slice(0, -STUDY_JOURNAL_SUFFIX.length))
          .sort()
      : [];
    const studies = [];
    for (const name of names) {
      try {
        studies.push(this.#overview(await this.#read(name)).item);
      } catch (error) {
        this.logger.warn({ event: 'api.study.damaged', study: name, err: error }, `study '${name}' cannot be read`);
        studies.push({ ...emptyItem(name), status: 'damaged' as const, damaged: (error as Error).message.split('\n')[0] as string });
      }
    }
    return { dir: this.studiesDir, studies };
  }

  async get(name: string) {
    const read = await this.#read(name);
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

  async #read(name: string): Promise<StudyRead> {
    const files = studyFiles(this.studiesDir, name);
    if (!existsSync(files.journal)) {
      throw new HttpError(404, 'STUDY_NOT_FOUND', `no study '${name}' in ${this.studiesDir}`, {
        field: 'params.name',
        hint: 'GET /studies lists the studies of tune.dir (`tribar tune` writes them).',
      });
    }
    const summary = studySummary(readStudy(files.journal), null);
    let file: StudySummary | null = null;
    if (existsSync(files.summary)) {
      try {
        file = await readJsonArtifactFile(files.summary, tuneStudySummary(name));
      } catch (error) {
        if (!(error instanceof ArtifactError)) throw error;
        // The study is still listed from its journal; only the summary's test report and `finished` are lost.
        this.logger.warn({ event: 'api.study.summary-invalid', study: name, file: files.summary, err: error }, 'study summary ignored');
      }
    }
    return { summary, file };
  }

  #overview({ summary, file: written }: StudyRead) {
    const meta = summary.meta;
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
      best: bestOf(summary),
    };
    return { item, test: written?.test ?? null };
  }
}

/** The best trial, or null when there is none or its value is not finite (JSON has no Infinity). */
function bestOf({ best }: StudySummary) {
  const value = best?.value;
  return best && typeof value === 'number' && Number.isFinite(value) ? { number: best.number, value, params: best.params } : null;
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
