import { readJsonArtifact, reportJsonSchema, runConfig, trainMetrics, trainPredictions, trainTrades } from '@tribar/artifacts';
import { parseConfig, type RunConfig } from '@tribar/config';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDiagnostics } from '../src/internal/ml-views.js';
import { renderReport, reportStageWithModels, writeReport, type RenderedReport } from '../src/internal/report.js';
import { busiestWeek, weekChart, weekStart } from '../src/internal/week-chart.js';
import { writeFixtureRun } from './fixture.js';
import { fixturePredictions, fixtureTrades, TEST_BARS, testBarTime, writeDiagnosticOutputs, writeTrainOutputs } from './train-fixture.js';

describe('ML views and issue-18 tables of a run with a train stage', () => {
  let dir: string;
  let report: RenderedReport;
  let config: RunConfig;

  beforeAll(async () => {
    dir = await writeFixtureRun();
    await writeTrainOutputs(dir);
    await writeDiagnosticOutputs(dir);
    report = await writeReport(dir);
    config = parseConfig(await readJsonArtifact(dir, runConfig));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const xgb = () => report.model.diagnostics.results.find((d) => d.model === 'xgboost' && d.symbol === 'MES')!;

  it('scores the test rows of predictions.arrow: confusion counts, per-class areas (val rows skipped)', () => {
    const d = xgb();
    expect(d.testRows).toBe(TEST_BARS);
    // By hand: test bar i has class i % 3 and is predicted (i % 3 + 1) % 3 on every 4th bar, else right.
    const expected = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    for (let i = 0; i < TEST_BARS; i++) expected[i % 3]![i % 4 === 0 ? (i + 1) % 3 : i % 3]!++;
    expect(d.confusion).toEqual(expected);
    expect(d.classes.map((c) => c.positives)).toEqual([16, 16, 15]);
    for (const c of d.classes) {
      expect(c.rocAuc).toBeGreaterThan(0.5);
      expect(c.rocAuc).toBeLessThanOrEqual(1);
      expect(c.averagePrecision).toBeGreaterThan(0.3);
    }
    expect(fixturePredictions().split.filter((s) => s === 1)).toHaveLength(2);
  });

  it("takes calibration, bet sizing, meta-labeling and importance from the fit's files", () => {
    const d = xgb();
    expect(d.calibration).toEqual({ method: 'isotonic', brierBefore: 0.62, brierAfter: 0.6, eceBefore: 0.09, eceAfter: 0.04 });
    expect(d.reliability?.source).toBe('calibration');
    expect(d.reliability?.after?.[5]).toMatchObject({ rows: 10, confidence: 0.55 });
    // 20 one-contract trades in trades.arrow.
    expect(d.betSizing).toMatchObject({ method: 'probability', signals: 30, meanContracts: 1.6, contractsTraded: 20 });
    expect(d.metaLabeling).toMatchObject({ testSides: 40, testActed: 25, actedShare: 0.625 });
    expect(d.importance.map((m) => [m.method, m.features.map((f) => f.feature)])).toEqual([
      ['mda', ['rsi_14', 'sma_10', 'atr_14']],
      ['sfi', ['rsi_14', 'sma_10']],
    ]);
    // mlp has no files of its own: no predictions, the views say so.
    const mlp = report.model.diagnostics.results.find((r) => r.model === 'mlp')!;
    expect(mlp).toMatchObject({ testRows: null, confusion: null, calibration: null, importance: [] });
  });

  it('renders the tables in the Models section and the diagnostics section with sized SVG charts', async () => {
    const html = report.html;
    const models = html.slice(html.indexOf('data-section="models"'), html.indexOf('data-section="tearsheets"'));
    expect(models).toContain('Calibration (fitted on val; test part before → after)');
    expect(models).toContain('<td class="num">0.6200 → 0.6000</td>');
    expect(models).toContain('Meta-labeling');
    expect(models).toContain('<td class="num">62.5 %</td>');
    expect(models).not.toContain('{"');
    const at = (id: string) => html.indexOf(`data-section="${id}"`);
    expect(at('diagnostics')).toBeGreaterThan(at('tearsheets'));
    for (const chart of ['curves', 'reliability', 'importance'])
      expect(html).toMatch(new RegExp(`data-chart="diagnostics-xgboost-MES-h20-${chart}"[^>]*><svg[^>]* width="\\d+" height="\\d+"`));
    expect(html).toContain('data-diagnostics="mlp MES H20"');
    const json = reportJsonSchema.parse(JSON.parse(await readFile(join(dir, 'report/report.json'), 'utf8')));
    expect(json.diagnostics.results).toHaveLength(3);
    expect(report.markdown).toContain('## Model diagnostics');
    expect(report.markdown).toContain('| mda | 1 | rsi_14 | 0.0500 | 0.0100 |');
  });

  it('draws the busiest test week with the barriers of every trade at entry', () => {
    const t = report.model.tearsheets.results.find((r) => r.model === 'xgboost')!;
    // Every fixture trade falls in the week of Monday 2026-01-05.
    expect(t.week).toEqual({
      start: Date.UTC(2026, 0, 5),
      trades: 20,
      bars: TEST_BARS,
      mode: 'close',
      barrier: { kUp: 2, kDown: 1.5, maxBars: 24 },
      missing: null,
    });
    expect(report.html).toMatch(/data-chart="tearsheet-xgboost-MES-h20-week"[^>]*><svg/);
  });

  it("shows the tables' times in the run's zone, named in the header", async () => {
    const chicago = await renderReport(dir, { config: { ...config, data: { ...config.data, timezone: 'America/Chicago' } } });
    // First fixture trade: test bar 0 = 2026-01-05 14:00 UTC + 245 × 5 min = 2026-01-06 10:25 UTC = 04:25 CST.
    expect(new Date(testBarTime(0)).toISOString()).toBe('2026-01-06T10:25:00.000Z');
    expect(chicago.html).toContain('2026-01-06 04:25 CST');
    expect(chicago.html).toContain('Times in tables: America/Chicago');
    expect(report.html).toContain('2026-01-06 10:25 UTC');
    expect(chicago.model.summary.timeZone).toBe('America/Chicago');
  });

  it('declares the train files it reads as inputs of the stage', () => {
    const inputs = reportStageWithModels.inputs(config);
    for (const model of config.train.models) {
      expect(inputs).toContain(trainTrades(model, 'MES', 20).path);
      expect(inputs).toContain(trainPredictions(model, 'MES', 20).path);
      expect(inputs).toContain(trainMetrics(model, 'MES', 20).path);
    }
    expect(reportStageWithModels.configKeys).toEqual(expect.arrayContaining(['data.timezone', 'train.ensembles', 'train.models']));
  });
});

describe('week chart pieces', () => {
  it('weeks start on Monday 00:00 UTC; the busiest wins, the earliest on a tie', () => {
    expect(weekStart(Date.UTC(2026, 0, 11, 23, 59))).toBe(Date.UTC(2026, 0, 5));
    expect(weekStart(Date.UTC(2026, 0, 12))).toBe(Date.UTC(2026, 0, 12));
    const week1 = [Date.UTC(2026, 0, 6), Date.UTC(2026, 0, 7)];
    const week2 = [Date.UTC(2026, 0, 13), Date.UTC(2026, 0, 14)];
    expect(busiestWeek([...week2, ...week1])).toEqual({ start: Date.UTC(2026, 0, 5), trades: 2 });
    expect(busiestWeek([...week1, ...week2, Date.UTC(2026, 0, 15)])).toEqual({ start: Date.UTC(2026, 0, 12), trades: 3 });
    expect(busiestWeek([])).toBeUndefined();
  });

  it('puts the barriers at entry ± k·ATR of the signal bar, the vertical maxBars bars later', () => {
    const step = 300_000;
    const t0 = Date.UTC(2026, 0, 5, 1);
    const timestamp = Float64Array.from({ length: 10 }, (_, i) => t0 + i * step);
    const columns = {
      symbol: 'MES',
      timestamp,
      close: Float64Array.from({ length: 10 }, (_, i) => 100 + i),
      atr: Float64Array.from({ length: 10 }, (_, i) => 1 + i / 10),
      features: new Map(),
      label: new Map(),
      barsToHit: new Map(),
      quality: new Map(),
      endIndex: new Map(),
      split: new Map(),
    };
    const trade = { ...fixtureTrades(1)[0]!, entryTime: t0 + 2 * step, exitTime: t0 + 4 * step, entryPrice: 102, exitPrice: 103 };
    const tradeRow = {
      entryTime: trade.entryTime,
      exitTime: trade.exitTime,
      side: 1,
      size: 1,
      entryPrice: 102,
      exitPrice: 103,
      pnlTicks: 2.5,
      pnlUsd: 3.125,
      costsUsd: 1.875,
      durationMs: 2 * step,
      exit: 'upper',
    };
    const input = { trades: [tradeRow], testTime: timestamp, columns, barrier: { kUp: 2, kDown: 1, maxBars: 3 } };
    const atClose = weekChart({ ...input, entry: 'close' });
    if (typeof atClose === 'string') throw new Error(atClose);
    // Signal bar 2: ATR 1.2 → upper 102 + 2.4, lower 102 − 1.2; vertical at bar 5.
    expect(atClose.series.barriers).toEqual([{ entry: t0 + 2 * step, vertical: t0 + 5 * step, upper: 104.4, lower: 100.8 }]);
    expect(atClose.series.marks.map((m) => m.kind)).toEqual(['long entry', 'exit (win)']);
    const nextOpen = weekChart({ ...input, entry: 'nextOpen' });
    if (typeof nextOpen === 'string') throw new Error(nextOpen);
    // Signal bar 1 (the fill is the next open): ATR 1.1, vertical at bar 4.
    expect(nextOpen.series.barriers[0]).toMatchObject({ vertical: t0 + 4 * step, upper: 104.2 });
    expect(weekChart({ ...input, barrier: undefined, entry: 'close' })).toMatch(/no barrier parameters/);
  });

  it('lists an ensemble with its members and weights from the config', () => {
    const files = { model: 'vote1', symbol: 'MES', horizon: 20, cv: null };
    const config = {
      train: { ensembles: [{ name: 'vote1', kind: 'voting', members: ['xgboost', 'logistic'], weights: [2, 1], voting: 'soft' }] },
    } as unknown as RunConfig;
    expect(buildDiagnostics(files, undefined, config).entry.ensemble).toEqual({
      kind: 'voting',
      members: [
        { model: 'xgboost', weight: 2 },
        { model: 'logistic', weight: 1 },
      ],
      weights: 'given',
      metaLearner: null,
    });
  });
});

describe('times in the Splits table', () => {
  it("shows split.json's cut times as dates in the run's zone, not epoch milliseconds", async () => {
    const dir = await writeFixtureRun();
    try {
      const config = parseConfig(await readJsonArtifact(dir, runConfig));
      const utc = await renderReport(dir, { config });
      const rows = new Map(utc.model.splits.rows);
      // The fixture's train cut: bar 180 of 5-minute bars from 2026-01-05 14:00 UTC = 2026-01-06 05:00 UTC.
      expect(rows.get('trainEndMs')).toBe('2026-01-06 05:00 UTC');
      expect(rows.get('trainEnd')).toBe('2026-01-06 05:00 UTC');
      const chicago = await renderReport(dir, { config: { ...config, data: { ...config.data, timezone: 'America/Chicago' } } });
      expect(new Map(chicago.model.splits.rows).get('trainEndMs')).toBe('2026-01-05 23:00 CST');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
