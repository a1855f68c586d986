import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANIN } from '../bench/functions.js';
import { JournalStorage, type JournalEvent } from '../src/internal/journal.js';
import { RedisTrials } from '../src/internal/redis/coordinator.js';
import { TpeSampler } from '../src/internal/samplers/tpe.js';
import { createStudy } from '../src/internal/study.js';
import { slowBranin } from './redis-objective.js';
import { startRedis, REDIS_SERVER, type PrivateRedis } from './redis-server.js';

const harness = join(import.meta.dirname, 'run-harness.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

let redis: PrivateRedis | undefined;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  if (!redis) console.warn(`skipping the Redis worker tests: ${REDIS_SERVER} is not installed (tools/scripts/setup-system.sh installs it)`);
  dir = mkdtempSync(join(tmpdir(), 'tribar-tune-redis-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A worker process; `lines` collects what it prints (`start n`, `complete n`). */
function startWorker(url: string, lockMs: number, delayMs: number) {
  const child = spawn(process.execPath, ['--import', tsxLoader, harness, '--redis-worker', url, String(lockMs), String(delayMs)], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The signal that killed it, or its exit code (a worker stops cleanly on SIGTERM).
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return { child, lines, exited, stderr: () => stderr };
}

function journalEvents(path: string): JournalEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalEvent);
}

const redisIt = (name: string, fn: () => Promise<void>) => it(name, async () => (redis ? fn() : undefined));

describe('trials over Redis workers (BullMQ)', () => {
  redisIt('two worker processes, one killed with SIGKILL mid-trial: every trial completes exactly once', async () => {
    const url = redis!.url;
    const journal = join(dir, 'killed.jsonl');
    const study = createStudy({
      name: 'redis-killed',
      space: BRANIN.space,
      sampler: new TpeSampler({ seed: 3, constantLiar: true }),
      storage: new JournalStorage(journal),
      seed: 3,
    });
    const trials = await RedisTrials.connect({ url, study: study.name, kind: 'slow-branin', setup: null });
    const doomed = startWorker(url, 2000, 60);
    const survivor = startWorker(url, 2000, 60);
    // Kill the first worker as soon as it is inside its second trial.
    const killer = (async () => {
      while (doomed.lines.filter((l) => l.startsWith('start')).length < 2) {
        if (doomed.child.exitCode !== null) throw new Error(`worker exited early\n${doomed.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      doomed.child.kill('SIGKILL');
      return doomed.lines.at(-1)!;
    })();
    try {
      await study.optimize(trials.objective(), { trials: 12, workers: 3 });
    } finally {
      await trials.close();
    }
    const killedAt = await killer;
    expect(await doomed.exited).toBe('SIGKILL');
    // The trial the dead worker held was taken again by the survivor and finished there.
    const lost = Number(killedAt.split(' ')[1]);
    expect(killedAt).toMatch(/^start \d+$/);
    expect(survivor.lines).toContain(`complete ${lost}`);

    const events = journalEvents(journal);
    const tells = events.filter((e): e is Extract<JournalEvent, { op: 'tell' }> => e.op === 'tell');
    const asks = events.filter((e) => e.op === 'ask');
    // Every asked trial told exactly once, all complete: nothing lost, nothing counted twice.
    expect(tells.map((t) => t.n).sort((a, b) => a - b)).toEqual(asks.map((_, i) => i));
    expect(tells.every((t) => t.state === 'complete')).toBe(true);
    expect(study.finishedCount).toBe(12);
    expect(study.trials).toHaveLength(12);
    // Each value is the objective's at the trial's parameters, and the best is the smallest of them.
    for (const t of study.trials) expect(t.value).toBe(BRANIN.evaluate(t.params, ''));
    expect(study.bestTrial!.value).toBe(Math.min(...study.trials.map((t) => t.value!)));
    // Reports and user attributes came back through job progress.
    expect([...study.trials[lost]!.intermediate.keys()]).toEqual([0, 1, 2, 3]);
    expect(study.trials.every((t) => t.userAttrs['steps'] === 4)).toBe(true);
    study.close();
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  });

  redisIt('a single-worker Redis study asks the same trials as the local single-worker study', async () => {
    const url = redis!.url;
    const local = createStudy({ name: 'same', space: BRANIN.space, sampler: new TpeSampler({ seed: 8 }), seed: 8 });
    await local.optimize(slowBranin(0), { trials: 16 });

    const remote = createStudy({ name: 'same', space: BRANIN.space, sampler: new TpeSampler({ seed: 8 }), seed: 8 });
    const trials = await RedisTrials.connect({ url, study: 'same', kind: 'slow-branin', setup: null });
    // A long lock: nothing dies here, and a loaded machine must not make a slow renewal look like a dead worker.
    const worker = startWorker(url, 30_000, 0);
    try {
      await remote.optimize(trials.objective(), { trials: 16 });
    } finally {
      await trials.close();
    }
    worker.child.kill('SIGTERM');
    await worker.exited;
    expect(remote.trials.filter((t) => t.state !== 'complete').map((t) => `#${t.number} ${t.state}: ${t.error}`)).toEqual([]);
    expect(remote.trials.map((t) => t.params)).toEqual(local.trials.map((t) => t.params));
    expect(remote.trials.map((t) => t.value)).toEqual(local.trials.map((t) => t.value));
    expect(remote.bestTrial!.value).toBe(local.bestTrial!.value);
  });
});
