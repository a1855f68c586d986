import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, silentLogger } from '@tribar/core';
import { BRANIN } from '../bench/functions.js';
import { JournalStorage } from '../src/internal/journal.js';
import { RandomSampler } from '../src/internal/samplers/sampler.js';
import { TpeSampler } from '../src/internal/samplers/tpe.js';
import { createStudy } from '../src/internal/study.js';

const harness = join(import.meta.dirname, 'run-harness.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-tune-journal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lines(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Start the harness, SIGKILL it once the journal holds `atLines` lines. */
async function killAfter(journal: string, atLines: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', tsxLoader, harness, journal, '100000'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (lines(journal) < atLines) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`harness did not reach ${atLines} journal lines\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

function openKilled(journal: string, warnings: unknown[] = []) {
  const logger = silentLogger();
  logger.warn = ((obj: unknown) => warnings.push(obj)) as typeof logger.warn;
  return createStudy({
    name: 'killed',
    space: BRANIN.space,
    sampler: new TpeSampler({ seed: 4 }),
    storage: new JournalStorage(journal, { logger }),
    seed: 4,
  });
}

describe('a journaled study killed with SIGKILL', () => {
  it('resumes without losing a finished trial or counting one twice, killed at three different points', async () => {
    const journal = join(dir, 'killed.jsonl');
    const finishedBefore = new Map<number, number>();
    for (const at of [40, 130, 260]) {
      await killAfter(journal, at);
      const study = openKilled(journal);
      // Everything finished before any kill is still there with the same value.
      for (const [n, value] of finishedBefore) expect(study.trials[n]!.value).toBe(value);
      for (const t of study.trials) if (t.state === 'complete') finishedBefore.set(t.number, t.value!);
      // The trial that was running at the kill is failed as lost, never left running.
      expect(study.trials.some((t) => t.state === 'running')).toBe(false);
      study.close();
    }
    const study = openKilled(journal);
    const before = study.finishedCount;
    expect(before).toBe(finishedBefore.size);
    await study.optimize((t) => BRANIN.evaluate(t.params, ''), { trials: before + 10 });
    expect(study.finishedCount).toBe(before + 10);
    study.close();

    // Every trial is told exactly once in the journal.
    const events = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { op: string; n?: number });
    const tells = events.filter((e) => e.op === 'tell').map((e) => e.n);
    expect(new Set(tells).size).toBe(tells.length);
    expect(tells.length).toBe(events.filter((e) => e.op === 'ask').length);
  });

  it('drops a torn last line with a warning and appends after the last whole line', async () => {
    const journal = join(dir, 'torn.jsonl');
    const first = createStudy({ name: 'killed', space: BRANIN.space, sampler: new RandomSampler(1), storage: new JournalStorage(journal) });
    await first.optimize((t) => BRANIN.evaluate(t.params, ''), { trials: 3 });
    first.close();
    const whole = statSync(journal).size;
    appendFileSync(journal, '{"op":"tell","n":2,"sta');
    const warnings: unknown[] = [];
    const study = openKilled(journal, warnings);
    expect(warnings).toEqual([expect.objectContaining({ event: 'tune.journal.torn-line', row: 8 })]);
    expect(study.finishedCount).toBe(3);
    study.report(study.ask().number, 0, 1);
    study.close();
    const text = readFileSync(journal, 'utf8');
    expect(text.length).toBeGreaterThan(whole);
    expect(text.includes('"sta{')).toBe(false);
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('refuses a damaged line in the middle, naming file and row', () => {
    const journal = join(dir, 'damaged.jsonl');
    const study = createStudy({ name: 'killed', space: BRANIN.space, sampler: new RandomSampler(1), storage: new JournalStorage(journal) });
    study.tell(study.ask().number, 1);
    study.close();
    const [head, ...rest] = readFileSync(journal, 'utf8').split('\n');
    writeFileSync(journal, [head, 'garbage', ...rest].join('\n'));
    expect(() => openKilled(journal)).toThrow(DataError);
    expect(() => openKilled(journal)).toThrow(/damaged\.jsonl, row 2/);
  });

  it('keeps NaN and infinite values through the journal', () => {
    const journal = join(dir, 'nan.jsonl');
    const study = createStudy({ name: 'killed', space: BRANIN.space, sampler: new RandomSampler(1), storage: new JournalStorage(journal) });
    const t = study.ask();
    study.report(t.number, 0, Infinity);
    study.tell(t.number, 2);
    study.close();
    const again = openKilled(journal);
    expect(again.trials[0]!.intermediate.get(0)).toBe(Infinity);
    expect(again.trials[0]!.value).toBe(2);
  });
});
