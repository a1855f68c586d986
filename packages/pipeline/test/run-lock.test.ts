import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/internal/runner.js';
import { runLiveness } from '../src/internal/runs.js';
import { readRunState } from '../src/internal/state.js';
import { testStages, type TestConfig } from './stages.js';

const harness = join(import.meta.dirname, 'run-harness.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runsDir = () => join(dir, 'runs');
const lockFile = (runId: string) => join(runsDir(), runId, 'run.lock');
const run = (config: TestConfig, runId: string) => runPipeline({ stages: testStages(), config, runsDir: runsDir(), runId });

async function waitFor(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('one writer per run folder', () => {
  it('refuses a second writer while the first lives, names it, and takes the lock over once it was killed', async () => {
    const startedMarker = join(dir, 'started');
    const config: TestConfig = {
      seed: 3,
      scale: 2,
      offset: 1,
      pause: { stage: 'shifted', startedMarker, releaseFile: join(dir, 'never') },
    };
    const child = spawn(process.execPath, ['--import', tsxLoader, harness, runsDir(), 'shared', JSON.stringify(config)], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await waitFor(startedMarker, 60_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${stderr}`);
      });
      const holder = JSON.parse(readFileSync(lockFile('shared'), 'utf8')) as { pid: number; host: string; runId: string };
      expect(holder).toMatchObject({ pid: child.pid, host: hostname(), runId: 'shared' });
      expect(await runLiveness(join(runsDir(), 'shared'))).toMatchObject({ live: true, holder: { pid: child.pid } });

      const { pause: _pause, ...other } = { ...config, seed: 4 };
      await expect(run(other, 'shared')).rejects.toMatchObject({
        code: 'RUN_LOCKED',
        message: expect.stringContaining(`run shared is being written by process ${child.pid} on ${hostname()}`),
      });
      // The refused writer changed nothing: the first one's state and config stay.
      expect((await readRunState(join(runsDir(), 'shared')))?.seed).toBe(3);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }

    // The holder is gone (kill -9 left its lock): dead, and the next writer takes it over.
    expect(await runLiveness(join(runsDir(), 'shared'))).toMatchObject({ live: false, holder: { pid: child.pid } });
    const { pause: _pause, ...resumeConfig } = config;
    const resumed = await run(resumeConfig, 'shared');
    expect(resumed.status).toBe('completed');
    expect(existsSync(lockFile('shared'))).toBe(false);
  });

  it('takes over a lock whose heartbeat is stale (another host), refuses one with a fresh heartbeat', async () => {
    const config: TestConfig = { seed: 3, scale: 2, offset: 1 };
    mkdirSync(join(runsDir(), 'far'), { recursive: true });
    const beat = (msAgo: number) =>
      JSON.stringify({
        pid: 1,
        host: 'elsewhere.invalid',
        runId: 'far',
        startedAt: '2026-01-01T00:00:00.000Z',
        heartbeatAt: new Date(Date.now() - msAgo).toISOString(),
      });
    writeFileSync(lockFile('far'), beat(5_000));
    await expect(run(config, 'far')).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    expect(existsSync(lockFile('far'))).toBe(true);
    writeFileSync(lockFile('far'), beat(120_000));
    expect((await run(config, 'far')).status).toBe('completed');
    expect(existsSync(lockFile('far'))).toBe(false);
  });

  it('lets exactly one of two writers taking over the same stale lock at once win', async () => {
    mkdirSync(join(runsDir(), 'race'), { recursive: true });
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    writeFileSync(lockFile('race'), JSON.stringify({ pid: 1, host: 'elsewhere.invalid', runId: 'race', startedAt: old, heartbeatAt: old }));
    const config: TestConfig = { seed: 3, scale: 2, offset: 1 };
    const outcomes = await Promise.allSettled([run(config, 'race'), run(config, 'race'), run(config, 'race')]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'RUN_LOCKED' });
    expect(existsSync(lockFile('race'))).toBe(false);
  });

  it('on this host trusts a live pid over a late heartbeat (a stage busy in a long synchronous step)', async () => {
    mkdirSync(join(runsDir(), 'busy'), { recursive: true });
    const late = new Date(Date.now() - 5 * 60_000).toISOString();
    writeFileSync(
      lockFile('busy'),
      JSON.stringify({ pid: process.pid, host: hostname(), runId: 'busy', startedAt: late, heartbeatAt: late }),
    );
    await expect(run({ seed: 3, scale: 2, offset: 1 }, 'busy')).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    expect(await runLiveness(join(runsDir(), 'busy'))).toMatchObject({ live: true });
  });

  it('releases the lock after a failed run and leaves no folder for a refused selection', async () => {
    const failing = await run({ seed: 3, scale: 2, offset: 1, failIn: 'scaled' }, 'f');
    expect(failing.status).toBe('failed');
    expect(existsSync(lockFile('f'))).toBe(false);
    await expect(
      runPipeline({ stages: testStages(), config: { seed: 3, scale: 2, offset: 1 }, runsDir: runsDir(), runId: 'new', only: ['combined'] }),
    ).rejects.toThrow(/no intact completed outputs/);
    expect(existsSync(join(runsDir(), 'new'))).toBe(false);
  });
});

describe('a run that fails before its first stage runs', () => {
  it('is recorded failed, with the error on the stage it was preparing, not left running', async () => {
    // A directory where the source file should be: its fingerprint cannot be computed.
    const sourceFile = join(dir, 'not-a-file');
    mkdirSync(sourceFile);
    await expect(run({ seed: 3, scale: 2, offset: 1, sourceFile }, 'early')).rejects.toThrow();
    const state = await readRunState(join(runsDir(), 'early'));
    expect(state?.status).toBe('failed');
    expect(state?.stages['source']).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/EISDIR|directory/) } });
    expect(state?.stages['scaled']?.status).toBe('pending');
    expect(existsSync(lockFile('early'))).toBe(false);
  });
});

describe('leftover temporary files of a killed run', () => {
  it('are removed when the run is resumed', async () => {
    const config: TestConfig = { seed: 3, scale: 2, offset: 1 };
    expect((await run(config, 'k')).status).toBe('completed');
    const runDir = join(runsDir(), 'k');
    writeFileSync(join(runDir, 'source', 'values.json.tmp-4242-0badcafe'), 'x'.repeat(1000));
    writeFileSync(join(runDir, 'state.json.tmp-4242-12345678'), '{');
    writeFileSync(join(runDir, 'source', 'keep.tmp'), 'not an atomic write');
    const resumed = await run(config, 'k');
    expect(resumed.status).toBe('completed');
    expect(existsSync(join(runDir, 'source', 'values.json.tmp-4242-0badcafe'))).toBe(false);
    expect(existsSync(join(runDir, 'state.json.tmp-4242-12345678'))).toBe(false);
    expect(existsSync(join(runDir, 'source', 'keep.tmp'))).toBe(true);
  });
});
