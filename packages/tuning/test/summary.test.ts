import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../src/internal/objective.js';
import { readStudy, studySummary, writeStudySummary } from '../src/internal/summary.js';

// `fixtures/pinned-study.jsonl` is the journal of a 7-trial study (complete, pruned and failed trials, a NaN
// objective value and a NaN learning-curve point, a conditional parameter) and `pinned-study.summary.json` the
// summary `tribar tune` wrote for it before the summary's schema moved to @tribar/artifacts. The fixture is
// prettier-formatted; JSON.stringify(parsed, null, 2) gives back the written bytes (key order and numbers kept).
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const pinnedBytes = () => JSON.stringify(JSON.parse(readFileSync(fixture('pinned-study.summary.json'), 'utf8')), null, 2) + '\n';

/** The best trial's test report, with the non-finite figures a backtest can give (Infinity, NaN). */
function testReport(params: Record<string, unknown>): TestReport {
  return {
    params,
    test: { logLoss: 1.0123456789, macroF1: 0.41, accuracy: 0.52 },
    backtest: {
      rows: 40,
      trades: 3,
      longTrades: 2,
      shortTrades: 1,
      skippedEntries: 0,
      totalUsd: 12.5,
      totalTicks: 10,
      costsUsd: 3.75,
      avgTradeUsd: 4.166666666666667,
      avgTradeTicks: 3.3333333333333335,
      winRate: 1,
      profitFactor: Infinity,
      maxDrawdownUsd: 0,
      exposure: 0.3,
      periodsPerYear: 98_280,
      annualizedUsd: 30_712.5,
      sharpe: 2.5,
      sortino: Infinity,
      calmar: Infinity,
      sharpePerBar: 0.008,
      psr: Number.NaN,
      dsr: Number.NaN,
      trials: 5,
      startMs: 1_700_000_000_000,
      endMs: 1_700_002_400_000,
    },
    trials: 5,
    deflatedSharpe: Number.NaN,
  };
}

describe('study summary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tribar-summary-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the pinned bytes for a pinned journal', async () => {
    const study = readStudy(fixture('pinned-study.jsonl'));
    const summary = studySummary(study, testReport(study.bestTrial!.params));
    const file = join(dir, 'pinned.summary.json');
    await writeStudySummary(file, summary);
    expect(await readFile(file, 'utf8')).toBe(pinnedBytes());
  });

  it('writes nothing when the summary does not fit the schema, and names the field', async () => {
    const study = readStudy(fixture('pinned-study.jsonl'));
    const summary = studySummary(study, null);
    const file = join(dir, 'bad.summary.json');
    const bad = { ...summary, trials: summary.trials.map((t, i) => (i === 2 ? { ...t, state: 'lost' } : t)) };
    await expect(writeStudySummary(file, bad as never)).rejects.toThrow(/trials\[2\]\.state/);
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
