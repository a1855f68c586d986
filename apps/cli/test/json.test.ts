// `--json`: NDJSON events on standard output, one object per line, and nothing else there.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '@tribar/config';
import { defineStage, writeFileAtomic, type StageDefinition } from '@tribar/core';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured } from './run-cli.js';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'tribar-json-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const stage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: 'echo',
  description: 'writes the seed, or fails when told',
  dependsOn: [],
  version: 1,
  configKeys: ['seed', 'description'],
  inputs: () => [],
  outputs: () => ['echo/out.json'],
  async run(context) {
    context.progress.start(2, { unit: 'steps', label: 'echo' });
    context.progress.advance();
    context.progress.advance();
    context.logger.info({ share: 0.1 + 0.2 }, 'echo share');
    if (context.config.description === 'fail') throw new Error('echo was told to fail');
    await writeFileAtomic(context.path('echo/out.json'), JSON.stringify({ seed: context.config.seed }));
  },
});

type Event = Record<string, unknown> & { event: string; time: string };

/** Every line of standard output, each parsed as one JSON object (a line that is not fails the test). */
function events(stdout: string): Event[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const event = JSON.parse(line) as Event;
      expect(typeof event.event).toBe('string');
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);
      return event;
    });
}

const cli = (argv: string[]) => runCliCaptured(argv, cwd, { stages: [stage] });

describe('tribar pipeline --json', () => {
  it('prints one event per line: run, stage start, progress, done, run end and a summary with the exit code', async () => {
    const result = await cli(['pipeline', '--run-id', 'j', '--json']);
    expect(result.code).toBe(EXIT.ok);
    const all = events(result.stdout);
    // Progress is throttled (at most one event per 100 ms, the first and the last always): 2 or 3 of them.
    expect(all.map((e) => e.event).filter((name) => name !== 'stage-progress')).toEqual([
      'run-start',
      'stage-start',
      'stage-done',
      'run-end',
      'summary',
    ]);
    const progress = all.filter((e) => e.event === 'stage-progress');
    expect(progress[0]).toMatchObject({ stage: 'echo', current: 0, total: 2, unit: 'steps', label: null });
    expect(progress.at(-1)).toMatchObject({ stage: 'echo', current: 2, total: 2 });
    expect(all[0]).toMatchObject({ runId: 'j', runDir: join(cwd, 'runs', 'j'), stages: ['echo'] });
    expect(all.find((e) => e.event === 'stage-done')).toMatchObject({ stage: 'echo', status: 'completed' });
    expect(all.at(-1)).toMatchObject({
      event: 'summary',
      runId: 'j',
      status: 'completed',
      exitCode: 0,
      stages: [{ stage: 'echo', status: 'completed', reused: false, error: null }],
    });
    // Logs stay human on standard error (numbers rounded there); no table, no progress bar on standard output.
    expect(result.stderr).toContain('echo share {"component":"pipeline","stage":"echo","share":0.3}');
    expect(result.stdout).not.toContain('run folder');
  });

  it('a failed stage: a stage-failed event with the error, and a summary with exit code 1', async () => {
    const result = await cli(['pipeline', '--run-id', 'f', '--json', '--set', 'description=fail']);
    expect(result.code).toBe(EXIT.failed);
    const all = events(result.stdout);
    expect(all.find((e) => e.event === 'stage-failed')).toMatchObject({ stage: 'echo', error: { message: 'echo was told to fail' } });
    expect(all.at(-1)).toMatchObject({ event: 'summary', runId: 'f', status: 'failed', exitCode: 1 });
  });

  it('a refused command: only a summary with the error and its exit code', async () => {
    const result = await cli(['pipeline', '--run-id', '../x', '--json']);
    expect(result.code).toBe(EXIT.usage);
    expect(events(result.stdout)).toEqual([
      expect.objectContaining({
        event: 'summary',
        runId: '../x',
        status: 'error',
        exitCode: 2,
        error: expect.objectContaining({ code: 'USAGE' }),
      }),
    ]);
    expect(result.stderr).toContain("error: run id '../x'");
  });
});

describe('tribar status --json', () => {
  it('shows the live writer: pid, host, heartbeat age, alive or not', async () => {
    expect((await cli(['pipeline', '--run-id', 'r'])).code).toBe(EXIT.ok);
    const idle = JSON.parse((await cli(['status', 'r', '--json'])).stdout) as { status: string; live: Record<string, unknown> };
    expect(idle.status).toBe('completed');
    expect(idle.live).toEqual({
      alive: false,
      status: 'completed',
      lock: 'none',
      pid: null,
      host: null,
      startedAt: null,
      heartbeatAt: null,
      heartbeatAgeSeconds: null,
    });

    const { writeFileSync, readFileSync } = await import('node:fs');
    const runDir = join(cwd, 'runs', 'r');
    const statePath = join(runDir, 'state.json');
    writeFileSync(statePath, readFileSync(statePath, 'utf8').replace('"status": "completed"', '"status": "running"'));
    const heartbeatAt = new Date(Date.now() - 4000).toISOString();
    const lock = (pid: number) => JSON.stringify({ pid, host: hostname(), runId: 'r', startedAt: heartbeatAt, heartbeatAt });
    writeFileSync(join(runDir, 'run.lock'), lock(process.pid));
    const live = JSON.parse((await cli(['status', 'r', '--json'])).stdout) as { live: Record<string, unknown> };
    expect(live.live).toMatchObject({ alive: true, status: 'running', lock: 'held', pid: process.pid, host: hostname(), heartbeatAt });
    expect(live.live['heartbeatAgeSeconds']).toBeGreaterThanOrEqual(4);
    expect(live.live['heartbeatAgeSeconds']).toBeLessThan(60);

    writeFileSync(join(runDir, 'run.lock'), lock(2 ** 22 + 12345));
    const dead = JSON.parse((await cli(['status', 'r', '--json'])).stdout) as { status: string; live: Record<string, unknown> };
    expect(dead.status).toBe('running');
    expect(dead.live).toMatchObject({ alive: false, status: 'interrupted', pid: 2 ** 22 + 12345 });
  });
});
