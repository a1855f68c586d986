import { artifactPath, readJsonArtifact, runConfig, type StudySummary, type TrialSummary } from '@tribar/artifacts';
import { parseConfig } from '@tribar/config';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type RenderedReport } from '../src/internal/report.js';
import { loadTuningStudies, type TuningStudy } from '../src/internal/tuning-data.js';
import { parameterImportance, parallelRows } from '../src/internal/tuning-section.js';
import { writeFixtureRun } from './fixture.js';

// A small study as @tribar/tuning's `studySummary` writes it (the contract's `StudySummary`): the value depends on
// x only (depth is noise-free but irrelevant), so x must carry the importance.
function summary(runId: string): StudySummary {
  const xs = [0.1, 0.9, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4];
  const depths = [1, 2, 1, 2, 1, 2, 1, 2];
  let best = Infinity;
  const trial = (number: number, state: TrialSummary['state'], value: number, params: { x: number; depth: number }): TrialSummary => ({
    number,
    state,
    value,
    bestSoFar: best,
    params,
    intermediate: [[0, value]],
    userAttrs: {},
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:06.000Z',
  });
  const trials = xs.map((x, i) => {
    const value = (x - 0.4) ** 2;
    best = Math.min(best, value);
    return trial(i, 'complete', value, { x, depth: depths[i]! });
  });
  trials.push(trial(8, 'pruned', 0.5, { x: 0.95, depth: 1 }));
  return {
    version: 1,
    name: 'logistic-MES-h20',
    direction: 'minimize',
    sampler: 'tpe',
    pruner: 'median',
    seed: 7,
    meta: { runId, model: 'logistic', symbol: 'MES', horizon: 20, metric: 'logLoss' },
    space: {
      params: [
        { name: 'x', distribution: { kind: 'float', low: 0, high: 1, log: false } },
        { name: 'depth', distribution: { kind: 'int', low: 1, high: 2, log: false, step: 1 } },
      ],
      fixed: {},
    },
    counts: { running: 0, complete: 8, pruned: 1, fail: 0 },
    best: { number: 7, value: 0, params: { x: 0.4, depth: 2 } },
    trials,
    test: {
      params: { x: 0.4, depth: 2 },
      test: { logLoss: 0.9812, macroF1: 0.41, accuracy: 0.5 },
      backtest: {
        rows: 400,
        trades: 57,
        longTrades: 30,
        shortTrades: 27,
        skippedEntries: 0,
        totalUsd: 250,
        totalTicks: 200,
        costsUsd: 71.25,
        avgTradeUsd: 4.385964912280702,
        avgTradeTicks: 3.508771929824561,
        winRate: 0.54,
        profitFactor: null,
        maxDrawdownUsd: 80,
        exposure: 0.4,
        periodsPerYear: 98_280,
        annualizedUsd: 61_425,
        sharpe: 1.234,
        sortino: 1.9,
        calmar: null,
        sharpePerBar: 0.004,
        psr: 0.8,
        dsr: 0.372,
        trials: 9,
        startMs: 1_700_000_000_000,
        endMs: 1_700_120_000_000,
      },
      trials: 9,
      deflatedSharpe: 0.372,
    },
  };
}

describe('the report Tuning section', () => {
  let dir: string;
  let studies: string;
  let report: RenderedReport;
  let plain: RenderedReport;

  beforeAll(async () => {
    dir = await writeFixtureRun();
    studies = join(dir, '..', `${dir.split('/').at(-1)}-studies`);
    await mkdir(studies, { recursive: true });
    await writeFile(join(studies, 'logistic-MES-h20.summary.json'), JSON.stringify(summary('fixture-run')));
    // Another symbol's study of another run: not this run's.
    await writeFile(
      join(studies, 'other.summary.json'),
      JSON.stringify({ ...summary('elsewhere'), name: 'other', meta: { runId: 'elsewhere', symbol: 'ZZZ', horizon: 3 } }),
    );
    // A summary of this run whose trials[2].value is a string: a warning, not a study.
    const broken = summary('fixture-run') as unknown as { name: string; trials: Array<Record<string, unknown>> };
    broken.name = 'broken';
    broken.trials[2]!['value'] = '0.01';
    await writeFile(join(studies, 'broken.summary.json'), JSON.stringify(broken));
    await writeFile(join(studies, 'cut-short.summary.json'), JSON.stringify(summary('fixture-run')).slice(0, 100));
    const config = parseConfig(await readJsonArtifact(dir, runConfig), artifactPath(dir, runConfig));
    plain = await renderReport(dir, { config });
    report = await renderReport(dir, { config: { ...config, tune: { ...config.tune, dir: studies } } });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(studies, { recursive: true, force: true });
  });

  it("reads this run's studies only and names a broken summary in a warning", async () => {
    const loaded = await loadTuningStudies(studies, { runId: 'fixture-run', symbols: ['MES'], horizons: [20] });
    expect(loaded.studies.map((s) => s.name)).toEqual(['logistic-MES-h20']);
    expect(loaded.warnings).toEqual([
      `${join(studies, 'broken.summary.json')}: not a valid broken.summary.json (field 'trials[2].value': expected a number or null)`,
      expect.stringMatching(new RegExp(`^${join(studies, 'cut-short.summary.json')}: not valid JSON \\(`)),
    ]);
  });

  it('ranks the parameter the value depends on first (η² over bins), shares summing to 1', async () => {
    const [study] = (await loadTuningStudies(studies, { runId: 'fixture-run', symbols: [], horizons: [] })).studies as [TuningStudy];
    const importance = parameterImportance(study);
    expect(importance.map((r) => r.param)).toEqual(['x', 'depth']);
    expect(importance[0]!.importance).toBeGreaterThan(0.9);
    expect(importance.reduce((s, r) => s + r.importance, 0)).toBeCloseTo(1, 12);
    // Parallel coordinates: complete trials only, each axis on [0, 1]; the best trial (x = 0.4) has value 0 → position 0.
    const rows = parallelRows(study);
    expect(new Set(rows.map((r) => r.trial)).size).toBe(8);
    const positions = rows
      .filter((r) => r.param === 'x')
      .map((r) => r.position)
      .sort((p, q) => p - q);
    [0, 0.125, 0.25, 0.375, 0.5, 0.75, 0.875, 1].forEach((want, i) => expect(positions[i]).toBeCloseTo(want, 12));
    expect(rows.find((r) => r.trial === 7 && r.param === 'value')!.position).toBe(0);
  });

  it('renders the history, importance and parallel-coordinate charts with the test score and the DSR with N = trials', () => {
    const names = report.charts.map((c) => c.name).filter((n) => n.startsWith('tuning-'));
    expect(names).toEqual(['tuning-history-logistic-MES-h20', 'tuning-importance-logistic-MES-h20', 'tuning-parallel-logistic-MES-h20']);
    expect(report.html).toContain('<a href="#tuning">Tuning</a></nav>');
    const section = report.html.slice(report.html.indexOf('<section id="tuning"'));
    expect(section).toContain('data-chart="tuning-parallel-logistic-MES-h20"');
    expect(section).toContain('9 trials: 8 complete, 1 pruned, 0 failed');
    expect(section).toContain(
      'log loss 0.9812, macro F1 0.4100, accuracy 0.5000, Sharpe 1.23 over 57 trades, deflated Sharpe ratio 0.372 with N = 9 trials.',
    );
    expect(section).toContain('broken.summary.json');
    expect(section).toContain('trials[2].value');
    expect(report.markdown).toContain('## Tuning');
    expect(report.markdown).toMatch(/\| x \| 9\d\.\d% \|/);
  });

  it('leaves a report without studies byte for byte as it was', () => {
    expect(plain.html).not.toContain('id="tuning"');
    expect(plain.markdown).not.toContain('## Tuning');
    expect(plain.charts.some((c) => c.name.startsWith('tuning-'))).toBe(false);
  });
});
