import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness.js';
import { TINY_RUN, waitForRun } from './tiny-run.js';

describe('a pipeline run through the API (real child process)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  it('queues two starts, runs them one at a time, streams progress and serves the artifacts and the report', async () => {
    const first = await h.app.inject({ method: 'POST', url: '/runs', payload: { runId: 'tiny-a', config: TINY_RUN } });
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ runId: 'tiny-a', status: 'running', position: 0 });
    // A second start while the first runs waits in the queue instead of being refused.
    const second = await h.app.inject({ method: 'POST', url: '/runs', payload: { runId: 'tiny-b', config: { ...TINY_RUN, seed: 7 } } });
    expect(second.json()).toMatchObject({ runId: 'tiny-b', status: 'queued', position: 1 });
    const queued = await h.app.inject({ method: 'GET', url: '/runs/tiny-b' });
    expect(queued.json()).toMatchObject({ runId: 'tiny-b', status: 'queued', state: null, job: { status: 'queued', position: 1 } });
    expect(existsSync(join(h.runsDir, 'tiny-b')), 'a queued run writes nothing').toBe(false);

    // Live progress as server-sent events, read from the real socket.
    const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/runs/tiny-a/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(events[0]).toBe('state');
    expect(events).toContain('stage-start');
    expect(events).toContain('stage-end');
    expect(events.at(-2)).toBe('job-end');
    expect(events.at(-1)).toBe('state');
    const last = JSON.parse(
      text
        .trim()
        .split('\n')
        .at(-1)
        ?.replace(/^data: /, '') ?? '{}',
    ) as { status: string };
    expect(last.status).toBe('completed');

    const a = await waitForRun(h.app, 'tiny-a');
    expect(a.status).toBe('completed');
    expect(a.stagesDone).toBe(a.stagesTotal);
    expect(a.state?.stages['report']?.status).toBe('completed');
    expect(a.report).toBe(true);

    const report = await h.app.inject({ method: 'GET', url: '/runs/tiny-a/report' });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/html');
    expect(report.body).toContain('<html');

    const listed = await h.app.inject({ method: 'GET', url: '/runs/tiny-a/artifacts' });
    const artifacts = listed.json().artifacts as Array<{ path: string; bytes: number }>;
    const cut = artifacts.find((artifact) => artifact.path === 'cut/cut.json');
    expect(cut).toBeDefined();
    const download = await h.app.inject({ method: 'GET', url: '/runs/tiny-a/artifacts/cut/cut.json' });
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe(readFileSync(join(h.runsDir, 'tiny-a', 'cut', 'cut.json'), 'utf8'));
    expect(Number(download.headers['content-length'])).toBe(cut?.bytes);

    const b = await waitForRun(h.app, 'tiny-b');
    expect(b.status).toBe('completed');
    const list = await h.app.inject({ method: 'GET', url: '/runs' });
    expect((list.json().runs as Array<{ runId: string }>).map((run) => run.runId).sort()).toEqual(['tiny-a', 'tiny-b']);
  });
});
