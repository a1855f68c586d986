import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '@tribar/config';
import { defineStage, writeFileAtomic, type StageDefinition } from '@tribar/core';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured } from './run-cli.js';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'tribar-runctl-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const calls: string[] = [];
/** While set, `slow` leaves a partial temporary file and waits for the abort; `started` resolves when it waits. */
let hang: { started: () => void } | undefined;

const firstStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: 'first',
  description: 'writes the seed',
  dependsOn: [],
  version: 1,
  configKeys: ['horizons'],
  inputs: () => [],
  outputs: () => ['first/out.json'],
  async run(context) {
    calls.push('first');
    await writeFileAtomic(context.path('first/out.json'), JSON.stringify({ seed: context.config.seed, horizons: context.config.horizons }));
  },
});

const slowStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: 'slow',
  description: 'waits for the interrupt while a write is under way',
  dependsOn: ['first'],
  version: 1,
  configKeys: [],
  inputs: () => ['first/out.json'],
  outputs: () => ['slow/out.json'],
  async run(context) {
    calls.push('slow');
    if (hang) {
      // A streaming writer cut off mid-file: its temporary file is there when the interrupt comes.
      writeFileSync(context.path('slow/out.json') + `.tmp-${process.pid}-0badcafe`, '{"half":');
      const { signal } = context;
      const aborted = new Promise<void>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted mid-write'))),
      );
      hang.started();
      await aborted;
    }
    await writeFileAtomic(context.path('slow/out.json'), '{"done":true}');
  },
});

const stages = [firstStage, slowStage];
const cli = (argv: string[], signal?: AbortSignal) => runCliCaptured(argv, cwd, { stages, ...(signal ? { signal } : {}) });

function temporaryFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.tmp-/.test(name));
}

describe('Ctrl-C during a stage', () => {
  it('records the stage and run as interrupted, leaves no partial file, prints one line, exits 130; --resume continues', async () => {
    calls.length = 0;
    const controller = new AbortController();
    hang = { started: () => controller.abort() };
    const interrupted = await cli(['pipeline', '--run-id', 'r'], controller.signal);
    hang = undefined;
    expect(interrupted.code).toBe(EXIT.cancelled);
    const runDir = join(cwd, 'runs', 'r');
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as {
      status: string;
      stages: Record<string, { status: string; error?: unknown }>;
    };
    expect(state.status).toBe('interrupted');
    expect(state.stages['first']?.status).toBe('completed');
    expect(state.stages['slow']?.status).toBe('interrupted');
    expect(state.stages['slow']?.error).toBeUndefined();
    expect(temporaryFiles(runDir)).toEqual([]);
    expect(existsSync(join(runDir, 'slow', 'out.json'))).toBe(false);
    // No stack and no error dump on the console: the interrupt and the stage's one line.
    expect(interrupted.stderr).not.toMatch(/^\s+at /m);
    expect(interrupted.stderr).not.toContain('aborted mid-write');
    expect(interrupted.stderr).not.toContain('ERROR');
    expect(interrupted.stderr.split('\n').filter((line) => /WARN/.test(line))).toEqual([
      expect.stringContaining('interrupted: stopping the current stage'),
      expect.stringContaining('stage interrupted (1 partial file(s) removed)'),
    ]);
    expect(interrupted.stdout).toMatch(/slow\s+interrupted/);
    expect(interrupted.stdout).toContain('run r: interrupted');
    // The debug record is in the log file, with the error.
    expect(readFileSync(join(runDir, 'logs', 'pipeline.log'), 'utf8')).toContain('aborted mid-write');

    const resumed = await cli(['pipeline', '--resume', '--run-id', 'r']);
    expect(resumed.code, resumed.stderr).toBe(EXIT.ok);
    expect(resumed.stdout).toMatch(/first\s+skipped \(up to date\)/);
    expect(resumed.stdout).toMatch(/slow\s+completed/);
    expect(calls).toEqual(['first', 'slow', 'slow']);
  });
});

describe('--resume and the run’s own config', () => {
  const recordedHorizons = () =>
    (JSON.parse(readFileSync(join(cwd, 'runs', 'r', 'config.json'), 'utf8')) as { horizons: number[] }).horizons;

  it('continues with the run’s config.json, refuses changed settings with a diff (exit 2) unless --reconfigure', async () => {
    calls.length = 0;
    expect((await cli(['pipeline', '--run-id', 'r', '--set', 'horizons=[5]'])).code).toBe(EXIT.ok);
    expect(recordedHorizons()).toEqual([5]);

    const resumed = await cli(['pipeline', '--resume', '--run-id', 'r']);
    expect(resumed.code, resumed.stderr).toBe(EXIT.ok);
    expect(resumed.stdout).toMatch(/first\s+skipped \(up to date\)/);
    expect(recordedHorizons()).toEqual([5]);
    // The latest run, the same way.
    expect((await cli(['pipeline', '--resume'])).stdout).toMatch(/first\s+skipped \(up to date\)/);

    const changed = await cli(['pipeline', '--resume', '--run-id', 'r', '--set', 'horizons=[10]', '--set', 'seed=7']);
    expect(changed.code).toBe(EXIT.usage);
    expect(changed.stderr).toContain('run r was made with other settings');
    expect(changed.stderr).toContain('  seed: 42 → 7');
    expect(changed.stderr).toContain('  horizons: [5] → [10]');
    expect(changed.stderr).toContain('--reconfigure');
    expect(recordedHorizons()).toEqual([5]);
    expect(calls).toEqual(['first', 'slow']);

    const reconfigured = await cli(['pipeline', '--resume', '--run-id', 'r', '--set', 'horizons=[10]', '--reconfigure']);
    expect(reconfigured.code, reconfigured.stderr).toBe(EXIT.ok);
    expect(reconfigured.stdout).toMatch(/first\s+completed/);
    expect(recordedHorizons()).toEqual([10]);
  });

  it('exits 3 when --resume names a run that does not exist, creating nothing', async () => {
    const missing = await cli(['pipeline', '--resume', '--run-id', 'nope']);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('nope');
    expect(existsSync(join(cwd, 'runs', 'nope'))).toBe(false);
  });
});

describe('the run lock through the CLI', () => {
  const lock = (pid: number, heartbeatAt: string) =>
    JSON.stringify({ pid, host: hostname(), runId: 'r', startedAt: '2026-01-01T00:00:00.000Z', heartbeatAt });

  it('refuses a second writer with exit 5 naming the holder; status tells a live run from a dead one', async () => {
    expect((await cli(['pipeline', '--run-id', 'r'])).code).toBe(EXIT.ok);
    const runDir = join(cwd, 'runs', 'r');
    const statePath = join(runDir, 'state.json');
    // As a killed process leaves it: state `running`, its lock still there.
    writeFileSync(statePath, readFileSync(statePath, 'utf8').replace('"status": "completed"', '"status": "running"'));

    // A live holder (this very process, fresh heartbeat).
    writeFileSync(join(runDir, 'run.lock'), lock(process.pid, new Date().toISOString()));
    const live = await cli(['status', 'r', '--runs-dir', 'runs']);
    expect(live.stdout).toMatch(new RegExp(`^run r: running \\(live: pid ${process.pid} on ${hostname()}, heartbeat \\d+ s ago\\)`));
    const second = await cli(['pipeline', '--run-id', 'r']);
    expect(second.code).toBe(EXIT.locked);
    expect(second.stderr).toContain(`run r is being written by process ${process.pid} on ${hostname()}`);
    expect(second.stderr).toContain('hint:');

    // A dead holder: a pid that is not alive.
    const dead = 2 ** 22 + 12345;
    writeFileSync(join(runDir, 'run.lock'), lock(dead, new Date().toISOString()));
    const gone = await cli(['status', 'r']);
    expect(gone.stdout).toContain(`run r: interrupted (no live process; last holder pid ${dead} on ${hostname()}`);
    expect((await cli(['pipelines'])).stdout).toMatch(/^r\s+\S+ \S+\s+interrupted \(no live process; last holder pid \d+/m);
    const takeover = await cli(['pipeline', '--run-id', 'r']);
    expect(takeover.code, takeover.stderr).toBe(EXIT.ok);
    expect(takeover.stderr).toContain(`taking over the lock of run r from process ${dead}`);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
    expect((await cli(['status', 'r'])).stdout).toMatch(/^run r: completed \(/);
  });
});

describe('tribar clean --tmp', () => {
  it('removes a named run’s leftover temporary files, reports how many, keeps the run; refuses a live run', async () => {
    expect((await cli(['pipeline', '--run-id', 'r'])).code).toBe(EXIT.ok);
    const runDir = join(cwd, 'runs', 'r');
    writeFileSync(join(runDir, 'first', 'out.json.tmp-4242-0badcafe'), 'x'.repeat(2048));
    writeFileSync(join(runDir, 'manifest.json.tmp-4242-12345678'), '{');
    const cleaned = await cli(['clean', 'r', '--tmp']);
    expect(cleaned.code).toBe(EXIT.ok);
    expect(cleaned.stdout).toContain('r: removed 2 leftover temporary file(s), 2.0 KiB');
    expect(temporaryFiles(runDir)).toEqual([]);
    expect((await cli(['status', 'r', '--verify'])).code).toBe(EXIT.ok);

    writeFileSync(
      join(runDir, 'run.lock'),
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        runId: 'r',
        startedAt: new Date().toISOString(),
        heartbeatAt: new Date().toISOString(),
      }),
    );
    expect((await cli(['clean', 'r', '--tmp'])).code).toBe(EXIT.locked);
    expect((await cli(['clean', 'r'])).code).toBe(EXIT.locked);
    expect(existsSync(runDir)).toBe(true);
  });
});
