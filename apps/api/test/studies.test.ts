import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness.js';
import { STUDY_BACKTEST, writeStudy } from './study-fixture.js';

describe('GET /studies and /studies/{name}', () => {
  let h: Harness;
  let written: Awaited<ReturnType<typeof writeStudy>>;
  const dir = () => join(h.root, 'studies');

  beforeAll(async () => {
    h = await harness();
    mkdirSync(dir(), { recursive: true });
    written = await writeStudy(dir(), 'logistic-MES-h20');
    await writeStudy(dir(), 'unfinished', { summary: false, trials: 3 });
    writeFileSync(join(dir(), 'broken.jsonl'), 'not json\n{"op":"study"}\n');
  });
  afterAll(() => h.close());

  it('lists every study of tune.dir with its model, sampler, trials and best trial', async () => {
    const response = await h.app.inject({ url: '/studies' });
    expect(response.statusCode, response.body).toBe(200);
    const { studies, dir: listed } = response.json();
    expect(listed).toBe(dir());
    expect(studies.map((s: { name: string }) => s.name)).toEqual(['broken', 'logistic-MES-h20', 'unfinished']);
    const [broken, study, unfinished] = studies;
    expect(broken).toMatchObject({ status: 'damaged', model: null, trialsDone: 0 });
    expect(broken.damaged).toMatch(/broken\.jsonl/);
    // The numbers are the tuning package's own: 6 trials, one pruned, the best complete one.
    expect(written.counts).toEqual({ running: 0, complete: 5, pruned: 1, fail: 0 });
    expect(study).toEqual({
      name: 'logistic-MES-h20',
      runId: 'trained',
      model: 'logistic',
      symbol: 'MES',
      horizon: 20,
      metric: 'logLoss',
      direction: 'minimize',
      sampler: 'random',
      pruner: 'none',
      status: 'finished',
      trialsDone: 6,
      trialsTotal: 8,
      counts: { running: 0, complete: 5, pruned: 1, fail: 0 },
      best: { number: written.best!.number, value: written.best!.value, params: written.best!.params },
    });
    const completeValues = written.trials.filter((t) => t.state === 'complete').map((t) => t.value as number);
    expect(study.best.value).toBe(Math.min(...completeValues));
    expect(unfinished).toMatchObject({ status: 'stopped', trialsDone: 3, trialsTotal: 8 });
  });

  it("shows one study's trials with values, params and durations, its best trial and its test report", async () => {
    const response = await h.app.inject({ url: '/studies/logistic-MES-h20' });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.space).toEqual(['lr', 'depth']);
    expect(body.seed).toBe(7);
    expect(body.trials).toHaveLength(6);
    for (const [i, trial] of body.trials.entries()) {
      const source = written.trials[i]!;
      expect(trial).toMatchObject({ number: source.number, state: source.state, value: source.value, params: source.params });
      expect(trial.steps).toBe(source.intermediate.length);
      expect(trial.durationMs).toBe(Date.parse(source.finishedAt!) - Date.parse(source.startedAt));
      expect(trial.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(body.trials[2]).toMatchObject({ state: 'pruned', steps: 2 });
    expect(body.trials[2].value).toBe(written.trials[2]!.value);
    expect(body.trials.map((t: { state: string }) => t.state).filter((s: string) => s === 'complete')).toHaveLength(5);
    expect(body.best).toEqual(written.best);
    expect(body.test).toEqual({
      params: written.best!.params,
      test: { logLoss: 1.01, macroF1: 0.41, accuracy: 0.52 },
      backtest: STUDY_BACKTEST,
      trials: 6,
      deflatedSharpe: 0.33,
    });
    const unfinished = (await h.app.inject({ url: '/studies/unfinished' })).json();
    expect(unfinished.test).toBeNull();
    expect(unfinished.trials).toHaveLength(3);
  });

  it('a study with a trial in flight is running, and reading it appends nothing to its journal', async () => {
    const journal = join(dir(), 'unfinished.jsonl');
    appendFileSync(
      journal,
      JSON.stringify({ op: 'ask', n: 3, params: { lr: 0.1, depth: 2 }, attrs: {}, t: new Date().toISOString() }) + '\n',
    );
    const { readFileSync } = await import('node:fs');
    const before = readFileSync(journal, 'utf8');
    const body = (await h.app.inject({ url: '/studies/unfinished' })).json();
    expect(body.status).toBe('running');
    expect(body.counts.running).toBe(1);
    expect(body.trials[3]).toMatchObject({ number: 3, state: 'running', value: null, finishedAt: null, durationMs: null });
    expect(readFileSync(journal, 'utf8')).toBe(before);
  });

  it('a summary that does not fit the contract is ignored: the study shows from its journal, without a test report', async () => {
    const { readFileSync } = await import('node:fs');
    await writeStudy(dir(), 'malformed');
    const file = join(dir(), 'malformed.summary.json');
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { trials: Array<Record<string, unknown>> };
    summary.trials[2]!['value'] = 'oops';
    writeFileSync(file, JSON.stringify(summary));
    const body = (await h.app.inject({ url: '/studies/malformed' })).json();
    expect(body).toMatchObject({ name: 'malformed', status: 'stopped', trialsDone: 6, test: null });
    expect(body.trials).toHaveLength(6);
  });

  it('an unknown study is a 404 naming it', async () => {
    const response = await h.app.inject({ url: '/studies/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'STUDY_NOT_FOUND', fields: [{ field: 'params.name' }] });
    expect(response.json().message).toContain("'nope'");
  });

  it('an empty or missing tune.dir lists no study', async () => {
    const other = await harness();
    try {
      const response = await other.app.inject({ url: '/studies' });
      expect(response.statusCode).toBe(200);
      expect(response.json().studies).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
