import { reportJsonSchema } from '@tribar/artifacts';
import { Rng, silentLogger, createStageContext } from '@tribar/core';
import type { RunConfig } from '@tribar/config';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSvg } from '../src/internal/charts.js';
import { renderReport, reportStage, writeReport, type RenderedReport } from '../src/internal/report.js';
import { SECTIONS } from '../src/internal/template.js';
import { HORIZONS, SYMBOLS, writeFixtureRun } from './fixture.js';

const EXPECTED_CHARTS = [
  'data-health',
  'label-mix',
  'bars-to-hit',
  'quality',
  'ga-convergence',
  'split-timeline',
  'correlation-MES',
  'correlation-MGC',
  'scaling',
  'backtest-equity',
];

/** The inner HTML of each `data-chart` container. */
function chartContainers(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of html.matchAll(/<figure class="chart" data-chart="([^"]+)"[^>]*>([\s\S]*?)<\/figure>/g))
    found.set(match[1] as string, match[2] as string);
  return found;
}

describe('renderSvg', () => {
  it('renders a vega-lite spec to SVG without a canvas', async () => {
    const svg = await renderSvg({
      data: { values: [{ a: 'x', b: 1 }] },
      mark: 'bar',
      encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('</svg>');
  });
});

describe('report on a hand-made run folder', () => {
  let dir: string;
  let report: RenderedReport;

  beforeAll(async () => {
    dir = await writeFixtureRun();
    report = await writeReport(dir);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('has every section and every chart container holds an inline <svg', () => {
    for (const [id] of SECTIONS) expect(report.html).toContain(`data-section="${id}"`);
    const charts = chartContainers(report.html);
    expect([...charts.keys()].sort()).toEqual([...EXPECTED_CHARTS].sort());
    for (const [name, inner] of charts) expect(inner.trimStart().startsWith('<svg'), name).toBe(true);
  });

  it('is self-contained: no script, no external URL', () => {
    expect(report.html).not.toMatch(/<script/i);
    expect(report.html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(report.html).not.toMatch(/url\(\s*['"]?https?:/i);
  });

  it('shows data health, label mix, GA, splits, scaling and validation from the artifacts', () => {
    const { model } = report;
    expect(model.health.map((r) => [r.symbol, r.repairs, r.rolls, r.outliersFlagged])).toEqual([
      ['MES', 3, 1, 4],
      ['MGC', 4, 0, 5],
    ]);
    // The roll mode each symbol was cleaned with (clean-report.json's rollAdjustment), in both renderings.
    expect(model.health.map((r) => r.rollAdjustment)).toEqual(['back (difference)', 'forward (difference)']);
    const line = 'Roll adjustment: MES back (difference), MGC forward (difference) (forward is causal';
    expect(report.html).toContain(`<p>${line}`);
    expect(report.markdown).toContain(`\n${line}`);
    expect(model.labelMix).toHaveLength(SYMBOLS.length * HORIZONS.length * 4);
    expect(model.ga).toHaveLength(4);
    expect(model.splits.rows).toContainEqual(['purgeBars', '10']);
    expect(model.splits.rows.some(([key]) => key.startsWith('symbols.'))).toBe(false);
    // Counted from the split columns (300 rows: train 0–169, purged 170–179, val 180–234, purged 235–239,
    // embargoed 240–244, test 245–291, invalid the last maxBars = 8).
    expect(model.splits.counts[0]).toEqual({
      symbol: 'MES',
      horizon: 5,
      train: 170,
      val: 55,
      test: 47,
      purged: 15,
      embargoed: 5,
      invalid: 8,
    });
    expect(model.scaling.rows).toContainEqual(['leakageCheck.ok', 'yes']);
    expect(model.scaling.rows).toContainEqual(['options.defaultScaler', 'robust']);
    expect(model.scaling.rows).toContainEqual(['MES rows by split', 'train 170, val 55, test 52']);
    expect(model.scaling.byScaler).toEqual([
      { scaler: 'robust', features: 3 },
      { scaler: 'none', features: 1 },
      { scaler: 'minmax', features: 1 },
    ]);
    expect(model.scaling.warnings).toEqual(['MGC atr_14: 12 % of val rows clipped']);
    expect(model.validation).toMatchObject({
      present: true,
      status: 'PASSED',
      issues: [],
      warnings: ['[labelBalance] MGC H20: neutral share 35 % outside 20–30 %'],
    });
    expect(model.validation.checks.map((c) => [c.name, c.status])).toEqual([
      ['duplicates', 'pass'],
      ['labelBalance', 'warn'],
    ]);
    expect(report.html).toContain('MGC H20: neutral share 35 %');
    expect(model.missing).toEqual([]);
  });

  it('backtests every symbol × horizon on the test rows only, with the contract costs', () => {
    expect(report.model.backtest.map((r) => `${r.symbol} H${r.horizon}`)).toEqual(['MES H5', 'MES H20', 'MGC H5', 'MGC H20']);
    for (const row of report.model.backtest) {
      expect(row.trades).toBeGreaterThan(0);
      expect(row.testRows).toBeLessThan(100);
    }
    expect(report.model.backtest[0]?.cost).toEqual({ roundTripPrice: 0.375, tickSize: 0.25, tickValue: 1.25 });
    expect(report.model.backtest[2]?.cost.roundTripPrice).toBeCloseTo(0.18, 12);
  });

  it('writes index.html, report.md and report.json', async () => {
    const html = await readFile(join(dir, 'report/index.html'), 'utf8');
    expect(html).toBe(report.html);
    const markdown = await readFile(join(dir, 'report/report.md'), 'utf8');
    for (const heading of [
      '## Run summary',
      '## Data health',
      '## Label mix',
      '## Splits',
      '## Scaling',
      '## Validation',
      '## Baseline backtest',
    ])
      expect(markdown).toContain(heading);
    const json = JSON.parse(await readFile(join(dir, 'report/report.json'), 'utf8')) as { charts: string[]; backtest: unknown[] };
    expect(json.charts.sort()).toEqual([...EXPECTED_CHARTS].sort());
    expect(json.backtest).toHaveLength(4);
  });
});

describe('report without the later stages', () => {
  it('renders, lists the missing artifacts and leaves out charts without data', async () => {
    const dir = await writeFixtureRun({ withSplits: false });
    try {
      const { html, model } = await renderReport(dir);
      expect(model.missing).toEqual(
        expect.arrayContaining(['splits/MES.arrow', 'splits/split.json', 'scale/report.json', 'validate/report.json']),
      );
      expect(model.backtest).toEqual([]);
      const charts = chartContainers(html);
      expect(charts.has('split-timeline')).toBe(false);
      expect(charts.has('label-mix')).toBe(true);
      expect(html).toContain('No validate/report.json in this run.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('reportStage', () => {
  it('declares its contract and writes its outputs when run', async () => {
    expect(reportStage.name).toBe('report');
    expect(reportStage.dependsOn).toEqual(['validate']);
    const dir = await writeFixtureRun();
    try {
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as RunConfig;
      expect(reportStage.outputs(config)).toEqual(['report/index.html', 'report/report.md', 'report/report.json']);
      const inputs = reportStage.inputs(config);
      expect(inputs).toEqual(
        expect.arrayContaining([
          'splits/split.json',
          'splits/MES.arrow',
          'scale/report.json',
          'validate/report.json',
          'ga-optimize/MGC_h20.json',
        ]),
      );
      for (const input of inputs) expect(existsSync(join(dir, input)), input).toBe(true);
      const outcome = await reportStage.run(
        createStageContext({ runId: 'fixture-run', runDir: dir, config, logger: silentLogger(), rng: new Rng(1) }),
      );
      expect(outcome?.metrics?.['charts']).toBe(EXPECTED_CHARTS.length);
      for (const output of reportStage.outputs(config)) expect(existsSync(join(dir, output))).toBe(true);
      // report.json has exactly the contract's fields: parsing (which drops unknown keys) changes nothing.
      const json: unknown = JSON.parse(await readFile(join(dir, 'report/report.json'), 'utf8'));
      expect(reportJsonSchema.parse(json)).toEqual(json);

      // Deterministic: no run id, time, duration or tracker id, and chart ids restart per page (Vega counts them per
      // process); another run id a moment later, in the same process, writes the same bytes.
      expect(Object.keys(json as object)).not.toContain('generatedAt');
      const before = await Promise.all(reportStage.outputs(config).map((output) => readFile(join(dir, output))));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await reportStage.run(createStageContext({ runId: 'another-run', runDir: dir, config, logger: silentLogger(), rng: new Rng(1) }));
      for (const [i, output] of reportStage.outputs(config).entries()) {
        expect((await readFile(join(dir, output))).equals(before[i] as Buffer), output).toBe(true);
      }
      expect(before[0]?.toString('utf8')).not.toContain('fixture-run');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
