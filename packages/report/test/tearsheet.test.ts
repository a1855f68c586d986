import { featureBars, reportJsonSchema } from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { float64Column, readArrowFile } from '@tribar/core';
import { backtestStats, barsPerYear } from '@tribar/quant';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, writeReport, type RenderedReport } from '../src/internal/report.js';
import { buildTearsheet, monthlyReturns, rollingStats, rollingWindow, TEARSHEET_TRADES } from '../src/internal/tearsheet.js';
import { duration, isoTime, metricRows } from '../src/internal/tearsheet-render.js';
import { writeFixtureRun } from './fixture.js';
import { fixtureTrades, TEST_BARS, testBarTime, writeTrainOutputs, XGB_MES } from './train-fixture.js';

describe('backtest tearsheets of a run with a train stage', () => {
  let dir: string;
  let report: RenderedReport;
  let close: Float64Array;
  const times = Float64Array.from({ length: TEST_BARS }, (_, i) => testBarTime(i));

  beforeAll(async () => {
    dir = await writeFixtureRun();
    await writeTrainOutputs(dir);
    report = await writeReport(dir);
    // The test bars' closes, from the features file the report reads them from.
    const features = await readArrowFile(join(dir, featureBars('MES').path));
    const [time, prices] = [float64Column(features, 'timestamp'), float64Column(features, 'close')];
    close = times.map((t) => prices[time.indexOf(t)]!);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('prints backtestStats of trades.arrow: the numbers equal the engine run on the same trades', () => {
    const { results, warnings } = report.model.tearsheets;
    expect(results.map((t) => `${t.model} ${t.symbol} H${t.horizon}`)).toEqual(['xgboost MES H20', 'mlp MES H20']);
    // xgboost MGC H5 has a summary entry but no equity curve nor trade list.
    expect(warnings).toEqual([
      'train/xgboost-MGC-h5/trades.arrow not found: no tearsheet for xgboost MGC H5 (re-run the train stage to write it).',
    ]);
    for (const [t, count] of [
      [results[0]!, 20],
      [results[1]!, 3],
    ] as const) {
      // The fixture's MES: $1.25 a tick of 0.25 → $5 a point; 1.5 ticks round trip → $0.9375 a side; equity from one contract's notional.
      const expected = backtestStats({
        timestamp: times,
        close,
        trades: fixtureTrades(count).map((f) => ({
          entryIndex: f.entryBar,
          exitIndex: f.exitBar,
          size: f.side,
          entryPrice: f.entryPrice,
          exitPrice: f.exitPrice,
        })),
        pointValue: 5,
        costPerContract: 0.9375,
        initialEquity: close[0]! * 5,
        annualization: { periods: 'bars', periodsPerYear: barsPerYear(5) },
        trials: 3,
        minTrades: 30,
      });
      expect(t.stats).toEqual(expected.stats);
      expect(t.stats.trades).toBe(count);
      expect(t.initialEquity).toBe(close[0]! * 5);
      expect(t.annualization).toEqual({ periods: 'bars', periodsPerYear: 252 * 23 * 12 });
      // Net PnL in money agrees with the trainer's per-trade dollars: Σ (side × Δprice / 0.25 − 2) × 1.25.
      const net = fixtureTrades(count).reduce((sum, f) => sum + (f.side * (f.exitPrice - f.entryPrice) * 4 - 1.5) * 1.25, 0);
      expect(t.stats.equityFinal! - t.initialEquity!).toBeCloseTo(net, 9);
      expect(t.worstDrawdowns.length).toBe(Math.min(5, expected.drawdowns.length));
      expect(t.worstDrawdowns[0]?.depthPct).toBeCloseTo(Math.max(...expected.drawdowns.map((d) => d.depth)) * 100, 12);
    }
  });

  it('lists the trades exactly as trades.arrow has them, in the page, report.md and report.json', async () => {
    const [xgb] = report.model.tearsheets.results;
    const file = await readArrowFile(join(dir, XGB_MES.dir, 'trades.arrow'));
    expect(xgb!.trades).toHaveLength(file.numRows);
    const column = (name: string) => float64Column(file, name);
    const exits = file.getChild('exit')!.toArray() as string[];
    xgb!.trades.forEach((trade, i) => {
      expect(trade).toEqual({
        entryTime: column('entry_time')[i],
        exitTime: column('exit_time')[i],
        side: column('side')[i],
        size: column('size')[i],
        entryPrice: column('entry_price')[i],
        exitPrice: column('exit_price')[i],
        pnlTicks: column('pnl_ticks')[i],
        pnlUsd: column('pnl_usd')[i],
        costsUsd: column('costs_usd')[i],
        durationMs: column('duration_ms')[i],
        exit: exits[i],
      });
    });
    // Trade 2 (k = 1): short at 5,001 on test bar 2 (2026-01-05 14:00 + 247 × 5 min = 10:35 next day), exit 5,001 → −1.5 ticks, −$1.88.
    expect(isoTime(testBarTime(2))).toBe('2026-01-06 10:35 UTC');
    const row =
      '<tr><td>2</td><td>2026-01-06 10:35 UTC</td><td>2026-01-06 10:40 UTC</td><td>short</td><td class="num">1</td><td class="num">5,001</td>' +
      '<td class="num">5,001</td><td class="num">-1.5</td><td class="num">-1.88</td><td class="num">5m</td><td>lower</td></tr>';
    expect(report.html).toContain(row);
    expect(report.markdown).toContain(
      '| 2 | 2026-01-06 10:35 UTC | 2026-01-06 10:40 UTC | short | 1 | 5,001 | 5,001 | -1.5 | -1.88 | 5m | lower |',
    );
    const json = reportJsonSchema.parse(JSON.parse(await readFile(join(dir, 'report/report.json'), 'utf8')));
    expect(json.tearsheets.results[0]!.trades).toEqual(xgb!.trades);
    expect(json.tearsheets.results[0]!.stats.trades).toBe(20);
  });

  it('greys every trade-dependent figure below report.minTrades with "n = …, not meaningful"', async () => {
    const section = (html: string, name: string) => {
      const from = html.indexOf(`data-tearsheet="${name}"`);
      const next = html.indexOf('data-tearsheet=', from + 1);
      return from < 0 ? '' : html.slice(from, next < 0 ? html.indexOf('</section>', from) : next);
    };
    // Default minTrades 30: both greyed.
    const dependent = metricRows(report.model.tearsheets.results[0]!.stats).filter((r) => r[2]).length;
    for (const [name, n] of [
      ['xgboost MES H20', 20],
      ['mlp MES H20', 3],
    ] as const) {
      const html = section(report.html, name);
      expect(html).toContain(`n = ${n}, not meaningful: fewer than 30 trades`);
      expect(html.match(/class="num low-sample"/g)).toHaveLength(dependent);
      expect(html).toContain(`<td class="num low-sample">${n === 3 ? '3' : '20'}</td>`);
    }
    expect(report.markdown).toContain('**n = 3, not meaningful** (fewer than 30 trades).');
    expect(report.markdown).toMatch(/\| Sharpe ratio \| [^|]+ \(n = 3\) \(n = 3, not meaningful\) \|/);

    // minTrades 10: xgboost's 20 trades count, mlp's 3 do not.
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as RunConfig;
    const again = await renderReport(dir, { config: { ...config, report: { ...config.report, minTrades: 10 } } });
    const [xgb, mlp] = again.model.tearsheets.results;
    expect([xgb!.stats.lowSample, mlp!.stats.lowSample]).toEqual([false, true]);
    expect(section(again.html, 'xgboost MES H20')).not.toContain('low-sample');
    expect(section(again.html, 'mlp MES H20')).toContain('n = 3, not meaningful: fewer than 10 trades');
    expect(again.markdown).not.toContain('n = 20, not meaningful');
  });

  it('renders the four charts of every tearsheet as SVG, and the label oracle stays in its own section', () => {
    for (const slug of ['xgboost-MES-h20', 'mlp-MES-h20']) {
      for (const chart of ['equity', 'monthly', 'rolling', 'distribution']) {
        const found = report.charts.find((c) => c.name === `tearsheet-${slug}-${chart}`);
        expect(found?.svg.startsWith('<svg'), `${slug} ${chart}`).toBe(true);
      }
    }
    const html = report.html;
    const at = (id: string) => html.indexOf(`data-section="${id}"`);
    const [backtestAt, modelsAt, tearsheetsAt] = [at('backtest'), at('models'), at('tearsheets')];
    expect(backtestAt).toBeGreaterThan(0);
    expect(tearsheetsAt).toBeGreaterThan(modelsAt);
    expect(html.slice(tearsheetsAt)).not.toContain('Label-oracle baseline: cumulative');
    expect(html.slice(tearsheetsAt)).toContain('The label-oracle baseline is a sanity check');
  });
});

describe('tearsheet pieces', () => {
  it('formats durations in d/h/m and times as ISO UTC', () => {
    expect(duration(0)).toBe('0m');
    expect(duration(45 * 60_000)).toBe('45m');
    expect(duration(((2 * 24 + 3) * 60 + 5) * 60_000)).toBe('2d 3h 5m');
    expect(duration(24 * 3_600_000)).toBe('1d');
    expect(duration(Number.NaN)).toBe('—');
    expect(isoTime(Date.UTC(2024, 1, 29, 23, 55))).toBe('2024-02-29 23:55 UTC');
    expect(isoTime(null)).toBe('—');
  });

  it('computes monthly returns from each month end, the first from the initial equity', () => {
    const t = [Date.UTC(2024, 0, 30), Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 5)];
    const rows = monthlyReturns(t, [105, 110, 99, 108.9], 100);
    expect(rows.map((r) => r.month)).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(rows[0]!.returnPct).toBeCloseTo(10, 12);
    expect(rows[1]!.returnPct).toBeCloseTo(-10, 12);
    expect(rows[2]!.returnPct).toBeCloseTo(10, 12);
  });

  it('computes rolling Sharpe and volatility over the window', () => {
    // Window 3 over [0.01, 0.03, 0.02, 0.02]: means 0.02 and 0.0233…, sample stds 0.01 and 0.00577….
    const r = rollingStats([1, 2, 3, 4], [0.01, 0.03, 0.02, 0.02], 3, 100);
    expect(r.time).toEqual([3, 4]);
    expect(r.sharpe[0]).toBeCloseTo((0.02 / 0.01) * 10, 9);
    expect(r.volatilityPct[0]).toBeCloseTo(0.01 * 10 * 100, 9);
    expect(r.sharpe[1]).toBeCloseTo((0.07 / 3 / Math.sqrt(1 / 30_000)) * 10, 9);
    expect(rollingStats([1, 2], [0, 0], 2, 100).sharpe[0]).toBeNaN();
    // One 23-hour session of 5-minute bars is 276 bars; shorter test parts use a quarter of their bars.
    expect(rollingWindow(1000, barsPerYear(5))).toBe(276);
    expect(rollingWindow(47, barsPerYear(5))).toBe(11);
  });

  it(`lists only the first ${TEARSHEET_TRADES} trades, and refuses trades outside the test bars`, () => {
    const n = 120;
    const timestamp = Float64Array.from({ length: n }, (_, i) => i * 60_000);
    const close = Float64Array.from({ length: n }, (_, i) => 100 + (i % 7));
    const trade = (i: number) => ({
      entryTime: i * 60_000,
      exitTime: (i + 1) * 60_000,
      side: 1,
      size: 1,
      entryPrice: close[i]!,
      exitPrice: close[i + 1]!,
      pnlTicks: 0,
      pnlUsd: 0,
      costsUsd: 0,
      durationMs: 60_000,
      exit: 'timeout',
    });
    const base = { timestamp, close, pointValue: 1, costPerContract: 0, periodsPerYear: 1000, trials: 1, minTrades: 30 };
    const built = buildTearsheet({
      ...base,
      trades: { model: 'm', symbol: 'S', horizon: 1, trades: Array.from({ length: 60 }, (_, i) => trade(i)) },
    });
    if (typeof built === 'string') throw new Error(built);
    expect(built.entry.stats.trades).toBe(60);
    expect(built.entry.trades).toHaveLength(TEARSHEET_TRADES);
    expect(built.series.pnlUsd).toHaveLength(60);
    const outside = buildTearsheet({ ...base, trades: { model: 'm', symbol: 'S', horizon: 1, trades: [{ ...trade(0), exitTime: 30 }] } });
    expect(outside).toBe('trade 0 enters or exits outside the test bars');
  });
});
