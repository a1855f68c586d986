import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactError } from '@tribar/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, readJsonArtifactFile } from '../src/artifact.js';
import { tuneStudyJournal, tuneStudySummary, type StudySummary } from '../src/tune.js';

/** A 3-trial study as `@tribar/tuning` writes it: NaN values and an Infinity profit factor are null in the file. */
function summary(): StudySummary {
  const trial = (number: number, value: number | null, bestSoFar: number | null) => ({
    number,
    state: value === null ? ('fail' as const) : ('complete' as const),
    value,
    bestSoFar,
    params: { lr: 0.01 * (number + 1), booster: 'dart' },
    intermediate: [[0, value] as [number, number | null]],
    userAttrs: { macroF1: 0.4, trackerRunId: `r${number}` },
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:06.000Z',
  });
  return {
    version: 1,
    name: 'xgboost-MES-h20',
    direction: 'minimize',
    sampler: 'tpe',
    pruner: 'median',
    seed: 7,
    meta: { runId: 'run-1', model: 'xgboost', symbol: 'MES', horizon: 20, metric: 'logLoss' },
    space: {
      params: [
        { name: 'lr', distribution: { kind: 'float', low: 0.001, high: 1, log: true } },
        { name: 'booster', distribution: { kind: 'categorical', choices: ['gbtree', 'dart'] } },
        {
          name: 'rate',
          distribution: { kind: 'float', low: 0, high: 1, log: false, step: 0.25 },
          condition: { param: 'booster', in: ['dart'] },
        },
      ],
      fixed: { threads: 1 },
    },
    counts: { running: 0, complete: 2, pruned: 0, fail: 1 },
    best: { number: 0, value: 0.7, params: { lr: 0.01, booster: 'dart' } },
    trials: [trial(0, 0.7, 0.7), trial(1, 0.9, 0.7), trial(2, null, 0.7)],
    test: {
      params: { lr: 0.01, booster: 'dart' },
      test: { logLoss: 0.98, macroF1: 0.41, accuracy: 0.5 },
      backtest: {
        rows: 40,
        trades: 3,
        longTrades: 2,
        shortTrades: 1,
        skippedEntries: 0,
        totalUsd: 12.5,
        totalTicks: 10,
        costsUsd: 3.75,
        avgTradeUsd: 4.17,
        avgTradeTicks: 3.33,
        winRate: 1,
        profitFactor: null,
        maxDrawdownUsd: 0,
        exposure: 0.3,
        periodsPerYear: 98_280,
        annualizedUsd: 30_712.5,
        sharpe: 2.5,
        sortino: null,
        calmar: null,
        sharpePerBar: 0.008,
        psr: null,
        dsr: null,
        trials: 3,
        startMs: 1_700_000_000_000,
        endMs: 1_700_002_400_000,
      },
      trials: 3,
      deflatedSharpe: null,
    },
  };
}

describe('tuneStudySummary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tribar-tune-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the files of a study in tune.dir', () => {
    expect(artifactPath('/studies', tuneStudySummary('xgboost-MES-h20'))).toBe('/studies/xgboost-MES-h20.summary.json');
    expect(artifactPath('/studies', tuneStudyJournal('xgboost-MES-h20'))).toBe('/studies/xgboost-MES-h20.jsonl');
  });

  it('reads a summary as written, nulls included; a summary without a test score yet too', async () => {
    const file = join(dir, 'ok.summary.json');
    await writeFile(file, JSON.stringify(summary(), null, 2));
    expect(await readJsonArtifactFile(file, tuneStudySummary('ok'))).toEqual(summary());
    await writeFile(file, JSON.stringify({ ...summary(), best: null, test: null }));
    const read = await readJsonArtifactFile(file, tuneStudySummary('ok'));
    expect([read.best, read.test, read.trials[2]!.value]).toEqual([null, null, null]);
  });

  it('accepts the writer’s in-memory value, NaN and Infinity included (JSON writes them as null)', () => {
    const s = summary();
    const inMemory = { ...s, trials: s.trials.map((t, i) => (i === 2 ? { ...t, value: Number.NaN, intermediate: [[0, Infinity]] } : t)) };
    expect(() => tuneStudySummary('x').schema.parse(inMemory)).not.toThrow();
  });

  it('names the file and the field of a malformed summary: trials[2].value as a string', async () => {
    const file = join(dir, 'bad.summary.json');
    const bad = summary() as unknown as { trials: Array<Record<string, unknown>> };
    bad.trials[2]!['value'] = 'oops';
    await writeFile(file, JSON.stringify(bad));
    const error = await readJsonArtifactFile(file, tuneStudySummary('bad')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain("field 'trials[2].value': expected a number or null");
  });

  it('rejects a summary missing a field or of another version', async () => {
    const { seed: _, ...noSeed } = summary();
    expect(tuneStudySummary('x').schema.safeParse(noSeed).success).toBe(false);
    expect(tuneStudySummary('x').schema.safeParse({ ...summary(), version: 2 }).success).toBe(false);
    expect(tuneStudySummary('x').schema.safeParse({ ...summary(), direction: 'up' }).success).toBe(false);
  });
});
