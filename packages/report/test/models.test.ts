import { reportJsonSchema } from '@tribar/artifacts';
import { Rng, createStageContext, silentLogger, writeArrowFile, writeFileAtomic } from '@tribar/core';
import type { RunConfig } from '@tribar/config';
import { tableFromArrays } from 'apache-arrow';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decimateIndexes } from '../src/internal/model-charts.js';
import { modelResults, rowShares } from '../src/internal/model-section.js';
import type { ReportModel } from '../src/internal/model.js';
import { renderReport, reportStage, writeReport, type RenderedReport } from '../src/internal/report.js';
import { writeFixtureRun } from './fixture.js';
import { MLP_MES, TEST_BARS, XGB_MES, writeTrainOutputs } from './train-fixture.js';

describe('Models section on a run with a train stage', () => {
  let dir: string;
  let report: RenderedReport;
  let json: ReportModel & { charts: string[] };

  beforeAll(async () => {
    dir = await writeFixtureRun();
    await writeTrainOutputs(dir);
    report = await writeReport(dir);
    json = JSON.parse(await readFile(join(dir, 'report/report.json'), 'utf8')) as ReportModel & { charts: string[] };
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('puts every result into report.json with the summary numbers as they are', () => {
    expect(json.models.present).toBe(true);
    expect(json.models.results.map((r) => [r.model, r.symbol, r.horizon, r.backend, r.equityPoints])).toEqual([
      ['xgboost', 'MES', 20, null, TEST_BARS],
      ['mlp', 'MES', 20, 'wasm', TEST_BARS],
      ['xgboost', 'MGC', 5, null, null],
    ]);
    const [xgb, mlp] = json.models.results;
    // Every figure as the summary has it; the report leaves out CV, hyperparameters and skipped entries.
    const {
      cv: _cv,
      hyperparameters: _hyperparameters,
      backtest: { skippedEntries: _skipped, ...backtest },
      ...shown
    } = XGB_MES;
    expect(xgb).toEqual({ ...shown, backtest, equityPoints: TEST_BARS });
    expect(xgb?.test?.confusion).toEqual([
      [300, 120, 80],
      [150, 900, 150],
      [100, 200, 800],
    ]);
    expect(mlp?.backtest?.profitFactor).toBeNull();
    expect(mlp?.fit).toEqual({ epochs: 40, bestEpoch: 40, stoppedEarly: false });
    expect(json.models.warnings).toEqual(['train/xgboost-MGC-h5/equity.arrow not found: no equity curve for xgboost MGC H5.']);
    expect(json.charts).toContain('model-equity');
    expect(reportJsonSchema.parse(json)).toEqual(json);
    // Phase 1 parts stay: the model section adds, it does not replace.
    expect(json.backtest).toHaveLength(4);
    expect(json.missing).toEqual([]);
  });

  it('renders the HTML section after the backtest: table cells, an SVG equity chart, confusion matrices, where the tracked runs are', () => {
    const { html } = report;
    const backtestAt = html.indexOf('data-section="backtest"');
    const modelsAt = html.indexOf('data-section="models"');
    expect(backtestAt).toBeGreaterThan(0);
    expect(modelsAt).toBeGreaterThan(backtestAt);
    expect(html).toContain('<a href="#models">Models</a>');
    const section = html.slice(modelsAt);
    // xgboost MES H20 row: accuracy 0.41 → 41.0 %, macro F1 0.390, log loss 1.070, PF 1.10, net 420.50, max DD 210.
    const xgbRow =
      '<tr><td>xgboost</td><td>MES</td><td>H20</td><td class="num">41.0 %</td><td class="num">0.390</td><td class="num">1.070</td><td class="num">150</td>' +
      '<td class="num">52.0 %</td><td class="num">1.10</td><td class="num">420.50</td><td class="num">0.90 (n = 150)</td><td class="num">1.30</td><td class="num">210</td>' +
      '<td class="num">0.71</td><td class="num">0.55 (n = 150)</td><td class="num">120 / 70 (early stop)</td><td>—</td></tr>';
    expect(section).toContain(xgbRow);
    // mlp MES H20 made 12 trades, fewer than report.minTrades (30): its trades and backtest figures are greyed.
    const mlpRow = /<tr><td>mlp<\/td><td>MES<\/td>.*?<\/tr>/.exec(section)?.[0] ?? '';
    expect(mlpRow).toContain('<td class="num low-sample">12 — not meaningful (&lt; 30)</td>');
    expect(mlpRow).toContain('<td class="num low-sample">0.90 (n = 12)</td>');
    expect(mlpRow.match(/low-sample/g)).toHaveLength(9);
    expect(section).toContain('Backtests with fewer than 30 trades are greyed');
    expect(section).toContain('<td class="num low-sample">∞ (no loss)</td>');
    expect(section).toContain('<td>wasm</td>');
    const figure = /<figure class="chart" data-chart="model-equity"[^>]*>([\s\S]*?)<\/figure>/.exec(section);
    expect(figure?.[1]?.trimStart().startsWith('<svg')).toBe(true);
    expect(section).toContain('No equity curve for xgboost MGC H5.');
    // Row-normalised: short row 300 / 500 = 60.0 %, long row 100 / 1,100 = 9.1 %.
    expect(section).toContain('data-confusion="xgboost MES H20"');
    expect(section).toContain('>300 (60.0 %)</td>');
    expect(section).toContain('>100 (9.1 %)</td>');
    expect(section).toContain('<code>mlruns</code>');
    expect(section).toContain('<td>train/xgboost-MES-h20</td>');
    expect(section).toContain('<code>tribar.pipelineRun</code>');
    expect(section).not.toMatch(/<script/i);
  });

  it('writes the same table and the confusion matrices to report.md', async () => {
    const markdown = await readFile(join(dir, 'report/report.md'), 'utf8');
    expect(markdown).toBe(report.markdown);
    const lines = markdown.split('\n');
    expect(lines).toContain('## Models');
    expect(lines).toContain(
      '| xgboost | MES | H20 | 41.0 % | 0.390 | 1.070 | 150 | 52.0 % | 1.10 | 420.50 | 0.90 (n = 150) | 1.30 | 210 | 0.71 | 0.55 (n = 150) | 120 / 70 (early stop) | — |',
    );
    expect(lines).toContain(
      '| mlp | MES | H20 | 41.0 % | 0.390 | 1.070 | 12 — not meaningful (< 30) | 100.0 % | ∞ (no loss) | 96.25 | 0.90 (n = 12) | 1.30 | 0 | 0.71 | 0.55 (n = 12) | 40 / 40 | wasm |',
    );
    expect(lines).toContain('#### xgboost MES H20');
    // neutral row 150 / 900 / 150 of 1,200 = 12.5 / 75.0 / 12.5 %.
    expect(lines).toContain('| neutral | 150 (12.5 %) | 900 (75.0 %) | 150 (12.5 %) | 1,200 |');
    expect(lines).toContain('| long | 100 (9.1 %) | 200 (18.2 %) | 800 (72.7 %) | 1,100 |');
    expect(markdown).toContain('| xgboost | MES | H20 | train/xgboost-MES-h20 |');
    expect(markdown.indexOf('## Models')).toBeGreaterThan(markdown.indexOf('## Baseline backtest'));
  });
});

describe('Models section with broken inputs', () => {
  it('a summary that is not JSON gives a warning, not a crash', async () => {
    const dir = await writeFixtureRun({ withSplits: false });
    try {
      await writeFileAtomic(join(dir, 'train/summary.json'), '{"version": 1, "results": [');
      const { model, html, markdown } = await renderReport(dir);
      expect(model.models.present).toBe(true);
      expect(model.models.results).toEqual([]);
      expect(model.models.warnings).toHaveLength(1);
      expect(model.models.warnings[0]).toMatch(/^train\/summary\.json is not readable JSON/);
      expect(html).toContain('data-section="models"');
      expect(html).toContain('train/summary.json is not readable JSON');
      expect(markdown).toContain('_train/summary.json holds no readable model result._');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unreadable equity file gives a warning and the chart says there is no equity curve', async () => {
    const dir = await writeFixtureRun({ withSplits: false });
    try {
      await writeTrainOutputs(dir, { version: 1, results: [XGB_MES] });
      await writeArrowFile(join(dir, XGB_MES.dir, 'equity.arrow'), tableFromArrays({ time: new Float64Array([1, 2]) }));
      const { model, html } = await renderReport(dir);
      expect(model.models.results[0]?.equityPoints).toBeNull();
      expect(model.models.warnings[0]).toMatch(
        /^train\/xgboost-MES-h20\/equity\.arrow not readable \(.*timestamp.*\): no equity curve for xgboost MES H20\.$/,
      );
      expect(html).not.toContain('data-chart="model-equity"');
      expect(html).toContain('No equity curve: no readable <code>equity.arrow</code> for any model.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a summary that does not match the trainer's contract gives one warning naming the field", async () => {
    const dir = await writeFixtureRun({ withSplits: false });
    try {
      await writeTrainOutputs(dir, { version: 2, results: [{ symbol: 'MES', horizon: 20 }] });
      const { model, markdown } = await renderReport(dir);
      expect(model.models.present).toBe(true);
      expect(model.models.results).toEqual([]);
      expect(model.models.warnings).toHaveLength(1);
      expect(model.models.warnings[0]).toMatch(
        /^train\/summary\.json does not match the trainer's contract \(.*field 'version'.*field 'results\[0\]\.model'/,
      );
      expect(markdown).toContain('_train/summary.json holds no readable model result._');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("modelResults keeps the summary's figures and reads a dir outside the run as the trainer's own folder", () => {
    const { results, warnings } = modelResults({ version: 1, results: [{ ...XGB_MES, dir: '../../etc' }, MLP_MES] });
    expect(results.map((r) => r.dir)).toEqual(['train/xgboost-MES-h20', 'train/mlp-MES-h20']);
    expect(results[1]?.backtest.profitFactor).toBeNull();
    expect(results[0]?.test.confusion).toEqual(XGB_MES.test.confusion);
    expect(warnings).toEqual([
      "train/summary.json results[0]: dir '../../etc' is not a folder inside the run; reading train/xgboost-MES-h20 instead.",
    ]);
  });
});

describe('a run without train/', () => {
  it('has no Models section anywhere', async () => {
    const dir = await writeFixtureRun({ withSplits: false });
    try {
      const { model, html, markdown } = await renderReport(dir);
      expect(model.models).toEqual({ present: false, results: [], warnings: [], minTrades: 30 });
      expect(html).not.toContain('data-section="models"');
      expect(html).not.toContain('href="#models"');
      expect(html).not.toContain('data-chart="model-equity"');
      expect(markdown).not.toContain('## Models');
      expect(model.missing).not.toContain('train/summary.json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('model helpers', () => {
  it('rowShares divides each row by its total; an empty row stays 0', () => {
    // [1, 3] / 4 = [0.25, 0.75]; [0, 0] has no samples.
    expect(
      rowShares([
        [1, 3],
        [0, 0],
      ]),
    ).toEqual([
      [0.25, 0.75],
      [0, 0],
    ]);
  });

  it('decimateIndexes keeps short curves whole and bounds long ones, keeping ends and extremes', () => {
    expect(decimateIndexes(Float64Array.from([1, Number.NaN, 3]), 10)).toEqual([0, 2]);
    const n = 10_000;
    const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 300) * 100 + (i === 4321 ? -1000 : 0) + (i === 777 ? 1000 : 0));
    const kept = decimateIndexes(values, 200);
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    for (const index of [0, n - 1, 4321, 777]) expect(kept).toContain(index);
  });

  it('the report stage counts the models in its metrics', async () => {
    const dir = await writeFixtureRun();
    try {
      await writeTrainOutputs(dir);
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as RunConfig;
      const outcome = await reportStage.run(
        createStageContext({ runId: 'fixture-run', runDir: dir, config, logger: silentLogger(), rng: new Rng(1) }),
      );
      expect(outcome?.metrics?.['models']).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
