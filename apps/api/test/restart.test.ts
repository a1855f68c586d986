import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_RUN } from './tiny-run.js';

const cwd = mkdtempSync(join(tmpdir(), 'tribar-api-restart-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(cwd, { recursive: true, force: true });
});

/** `tribar-api` as a real process (sources through tsx) on a free port; resolves with its URL once it listens. */
function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, join(import.meta.dirname, '../src/main.ts'), '--set', 'api.port=0'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(import.meta.dirname, '../tsconfig.json') },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) resolve({ url: match[1] as string, child });
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

const json = async (url: string, init?: RequestInit) => (await fetch(url, init)).json() as Promise<Record<string, unknown>>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 9 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('the server killed mid-run', () => {
  it('leaves the run interrupted; a restarted server shows it so and resumes it on request', async () => {
    const first = await startServer();
    const started = await json(`${first.url}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId: 'killed', config: TINY_RUN }),
    });
    expect(started).toMatchObject({ runId: 'killed', status: 'running' });
    // Kill the server (SIGKILL: no shutdown hook) once a few stages are done.
    await until('three completed stages', async () => {
      const run = await json(`${first.url}/runs/killed`);
      return (run['stagesDone'] as number) >= 3 ? run : undefined;
    });
    first.child.kill('SIGKILL');
    // The pipeline child sees its parent's channel close and stops through the pipeline's interrupt path.
    const stateFile = join(cwd, 'runs', 'killed', 'state.json');
    const state = await until('the run to stop', async () => {
      const parsed = JSON.parse(readFileSync(stateFile, 'utf8')) as { status: string; stages: Record<string, { status: string }> };
      return parsed.status === 'running' ? undefined : parsed;
    });
    expect(state.status).toBe('interrupted');

    const second = await startServer();
    const shown = await json(`${second.url}/runs/killed`);
    expect(shown['status']).toBe('interrupted');
    const resumed = await json(`${second.url}/runs/killed/resume`, { method: 'POST' });
    expect(resumed).toMatchObject({ runId: 'killed', status: 'running' });
    const done = await until('the resumed run to finish', async () => {
      const run = await json(`${second.url}/runs/killed`);
      return run['status'] === 'running' || run['status'] === 'queued' ? undefined : run;
    });
    expect(done['status']).toBe('completed');
    const stages = (done['state'] as { stages: Record<string, { status: string; reused?: boolean }> }).stages;
    // The stages finished before the kill were reused, not recomputed.
    expect(stages['ingest']).toMatchObject({ status: 'completed', reused: true });
    expect(Object.values(stages).every((stage) => stage.status === 'completed')).toBe(true);
    second.child.kill('SIGTERM');
  });
});

describe('the server killed while its pipeline child is mid-stage', () => {
  // The GA stage is the one with a worker-thread pool to stop. (A send into the closed channel must not kill the
  // child either: worker.ts turns that EPIPE into an interrupt.)
  it('leaves an orphaned child that records the run and the stage interrupted, then exits', async () => {
    const require = createRequire(import.meta.url);
    const stage = 'ga-optimize';
    const runsDir = join(cwd, 'runs');
    const args = [
      join(import.meta.dirname, 'fixtures/server-that-dies.mjs'),
      join(import.meta.dirname, '../src/internal/worker.ts'),
      require.resolve('tsx'),
      join(import.meta.dirname, '../tsconfig.json'),
      runsDir,
      'orphaned',
      JSON.stringify(TINY_RUN),
      stage,
    ];
    const server = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(server);
    let out = '';
    server.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => server.once('exit', (_code, killedBy) => resolve(killedBy)));
    expect(signal).toBe('SIGKILL');
    const childPid = Number(out.trim());
    expect(childPid).toBeGreaterThan(0);
    // The orphaned child must leave on its own, having written its last state.
    await until('the orphaned pipeline child to exit', async () => (isAlive(childPid) ? undefined : true));
    const state = JSON.parse(readFileSync(join(runsDir, 'orphaned', 'state.json'), 'utf8')) as {
      status: string;
      stages: Record<string, { status: string }>;
    };
    expect(state.status).toBe('interrupted');
    expect(state.stages[stage]?.status).toBe('interrupted');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
