// A fit killed with SIGKILL leaves its run RUNNING in mlruns/: the tracker marks such orphans KILLED (end time = the
// last heartbeat) when the store is opened or listed, and leaves live runs, other hosts' fresh runs and runs it
// cannot judge alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tracker } from '../src/internal/tracker.js';

const harness = join(import.meta.dirname, 'run-harness.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

let scratch: string;
let root: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tracker-orphans-'));
  root = join(scratch, 'mlruns');
});
afterEach(async () => rm(scratch, { recursive: true, force: true }));

async function waitFor(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const metaStatus = async (dir: string) => /^status: (\d)$/m.exec(await readFile(join(dir, 'meta.yaml'), 'utf8'))?.[1];

describe('orphaned runs', () => {
  it('a run whose process was killed with SIGKILL becomes KILLED, with its last heartbeat as end time', async () => {
    const marker = join(scratch, 'started');
    const child = spawn(process.execPath, ['--import', tsxLoader, harness, root, marker], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      await waitFor(marker, 60_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${stderr}`);
      });
      const runId = await readFile(marker, 'utf8');
      // While the process lives, the run is RUNNING and records who holds it.
      const live = await (await Tracker.open(root)).getRun(runId);
      expect(live.status).toBe('RUNNING');
      expect(live.endTimeMs).toBeNull();
      expect(live.tags).toMatchObject({ 'tribar.pid': String(child.pid), 'tribar.host': hostname() });
      expect(Date.parse(live.tags['tribar.heartbeat'] ?? '')).toBeGreaterThanOrEqual(live.startTimeMs);
    } finally {
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    }
    const runId = await readFile(marker, 'utf8');
    const dir = (await (await Tracker.open(root)).getRun(runId)).dir;
    const killed = await (await Tracker.open(root)).getRun(runId);
    expect(killed.status).toBe('KILLED');
    expect(await metaStatus(dir)).toBe('5');
    const heartbeat = Date.parse(killed.tags['tribar.heartbeat'] ?? '');
    expect(killed.endTimeMs).toBe(heartbeat);
    expect(killed.endTimeMs).toBeGreaterThanOrEqual(killed.startTimeMs);
    // What it logged is kept.
    expect(killed.metrics['loss']?.value).toBe(0.5);
  });

  it('listing marks orphans too; a live run of this process, a fresh run of another host and an untagged run stay RUNNING', async () => {
    const tracker = await Tracker.open(root);
    const mine = await tracker.startRun('fits', { runName: 'mine' });
    const far = await tracker.startRun('fits', { runName: 'far' });
    const stale = await tracker.startRun('fits', { runName: 'stale' });
    const untagged = await tracker.startRun('fits', { runName: 'untagged' });
    const dead = await tracker.startRun('fits', { runName: 'dead' });
    const tags = (run: { dir: string }, values: Record<string, string>) =>
      Promise.all(Object.entries(values).map(([key, value]) => writeFile(join(run.dir, 'tags', key), value)));
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    await tags(far, { 'tribar.host': 'another-host', 'tribar.pid': '1', 'tribar.heartbeat': ago(60_000) });
    await tags(stale, { 'tribar.host': 'another-host', 'tribar.pid': '1', 'tribar.heartbeat': ago(3_600_000) });
    await rm(join(untagged.dir, 'tags', 'tribar.pid'));
    // A pid that cannot be alive (beyond pid_max) on this host.
    await tags(dead, { 'tribar.pid': '4194305' });

    const status = Object.fromEntries((await tracker.listRuns('fits')).map((run) => [run.runName, run.status]));
    expect(status).toEqual({ mine: 'RUNNING', far: 'RUNNING', stale: 'KILLED', untagged: 'RUNNING', dead: 'KILLED' });
    // Its last heartbeat (an hour ago) is before its start as this test wrote it: the end time is never before the start.
    const reaped = await tracker.getRun(stale.runId);
    expect(reaped.endTimeMs).toBe(reaped.startTimeMs);
    // A run ended by its own process is never touched, and ending a live run still works.
    await mine.end('FINISHED');
    expect((await tracker.getRun(mine.runId)).status).toBe('FINISHED');
    for (const run of [far, untagged]) await run.end('FINISHED');
  });
});
