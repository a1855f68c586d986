import { trainResultName } from '@tribar/artifacts';
import type { TopLevelSpec } from 'vega-lite';
import { decimateIndexes } from './model-charts.js';
import type { Tearsheet } from './tearsheet.js';
import { weekSpec } from './week-chart.js';

/** The tearsheet's charts: server-rendered vega-lite like the rest of the report, four per model × symbol × horizon. */

export const TEARSHEET_CHARTS = ['equity', 'monthly', 'rolling', 'week', 'distribution'] as const;
export type TearsheetChart = (typeof TEARSHEET_CHARTS)[number];

/** `data-chart` name of one tearsheet chart, e.g. `tearsheet-xgboost-MES-h20-equity`. */
export const tearsheetChartName = (t: Pick<Tearsheet['entry'], 'model' | 'symbol' | 'horizon'>, chart: TearsheetChart) =>
  `tearsheet-${trainResultName(t.model, t.symbol, t.horizon)}-${chart}`;

const WIDTH = 720;
/** Points kept of the rolling curves. */
const ROLLING_POINTS = 600;
const TIME_AXIS = { field: 'time', type: 'temporal', title: null, scale: { type: 'utc' }, axis: { labelOverlap: true } } as const;

/** Equity with the buy-and-hold benchmark (USD per contract from the first test close) over the underwater curve. */
function tearsheetEquitySpec(t: Tearsheet): TopLevelSpec {
  const { timestamp, strategyUsd, buyHoldUsd, drawdownPct } = t.series;
  const kept = [...new Set([...decimateIndexes(strategyUsd), ...decimateIndexes(buyHoldUsd), ...decimateIndexes(drawdownPct)])].sort(
    (a, b) => a - b,
  );
  const lines = kept.flatMap((i) => [
    { time: timestamp[i], line: 'strategy (net)', usd: strategyUsd[i] },
    { time: timestamp[i], line: 'buy & hold', usd: buyHoldUsd[i] },
  ]);
  const underwater = kept.map((i) => ({ time: timestamp[i], drawdown: -(drawdownPct[i] as number) }));
  return {
    title: 'Equity vs buy & hold (USD per contract) and drawdown',
    vconcat: [
      {
        data: { values: lines },
        width: WIDTH,
        height: 200,
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: TIME_AXIS,
          y: { field: 'usd', type: 'quantitative', title: 'USD' },
          color: {
            field: 'line',
            type: 'nominal',
            title: null,
            scale: { domain: ['strategy (net)', 'buy & hold'], range: ['#4c78a8', '#9e9e9e'] },
          },
        },
      },
      {
        data: { values: underwater },
        width: WIDTH,
        height: 110,
        mark: { type: 'area', color: '#e45756', opacity: 0.7 },
        encoding: { x: TIME_AXIS, y: { field: 'drawdown', type: 'quantitative', title: 'drawdown %' } },
      },
    ],
  } as TopLevelSpec;
}

/** Monthly returns as a year × month heatmap, each cell labelled with its %. */
function tearsheetMonthlySpec(t: Tearsheet): TopLevelSpec {
  const values = t.entry.monthlyReturns.map((m) => {
    const returnPct = m.returnPct ?? Number.NaN;
    return {
      year: m.month.slice(0, 4),
      month: Number(m.month.slice(5, 7)),
      returnPct,
      label: Number.isFinite(returnPct) ? returnPct.toFixed(2) : '—',
    };
  });
  const limit = Math.max(1e-9, ...values.map((v) => Math.abs(v.returnPct)).filter(Number.isFinite));
  return {
    title: 'Monthly returns (%, UTC months)',
    data: { values },
    width: { step: 46 },
    height: { step: 24 },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: 'month', scale: { domain: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] } },
      y: { field: 'year', type: 'ordinal', title: null },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'returnPct', type: 'quantitative', title: '%', scale: { scheme: 'redyellowgreen', domain: [-limit, limit] } },
        },
      },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

/** Rolling annualised Sharpe over rolling annualised volatility. */
function tearsheetRollingSpec(t: Tearsheet): TopLevelSpec {
  const { time, sharpe, volatilityPct } = t.series.rolling;
  const stride = Math.max(1, Math.ceil(time.length / ROLLING_POINTS));
  const values: Array<{ time: number; sharpe: number | null; volatility: number }> = [];
  for (let i = 0; i < time.length; i += stride) {
    values.push({ time: time[i]!, sharpe: Number.isFinite(sharpe[i]) ? sharpe[i]! : null, volatility: volatilityPct[i]! });
  }
  return {
    title: `Rolling Sharpe and volatility (annualised, ${t.entry.rollingWindow}-bar window)`,
    data: { values },
    vconcat: [
      {
        width: WIDTH,
        height: 120,
        mark: { type: 'line', color: '#4c78a8' },
        encoding: { x: TIME_AXIS, y: { field: 'sharpe', type: 'quantitative', title: 'Sharpe' } },
      },
      {
        width: WIDTH,
        height: 120,
        mark: { type: 'line', color: '#f58518' },
        encoding: { x: TIME_AXIS, y: { field: 'volatility', type: 'quantitative', title: 'volatility %' } },
      },
    ],
  } as TopLevelSpec;
}

/** Histograms of the trades' durations (hours) and net PnL (USD). */
function tearsheetDistributionSpec(t: Tearsheet): TopLevelSpec {
  const durations = t.series.durationsMs.map((ms) => ({ hours: ms / 3_600_000 }));
  const pnl = t.series.pnlUsd.map((usd) => ({ usd }));
  const histogram = (values: object[], field: string, title: string, color: string) => ({
    data: { values },
    width: 320,
    height: 140,
    mark: { type: 'bar', color },
    encoding: {
      x: { field, type: 'quantitative', bin: { maxbins: 30 }, title },
      y: { aggregate: 'count', type: 'quantitative', title: 'trades' },
    },
  });
  return {
    title: 'Trade duration and net PnL distributions',
    hconcat: [histogram(durations, 'hours', 'duration (hours)', '#72b7b2'), histogram(pnl, 'usd', 'net PnL (USD)', '#54a24b')],
  } as TopLevelSpec;
}

/** The specs of every tearsheet, in page order; a chart without data is left out. */
export function tearsheetChartSpecs(tearsheets: readonly Tearsheet[]) {
  return tearsheets.flatMap((t) => {
    const what = `${t.entry.model} ${t.entry.symbol} H${t.entry.horizon}`;
    return [
      { name: tearsheetChartName(t.entry, 'equity'), title: `Equity ${what}`, spec: tearsheetEquitySpec(t), empty: false },
      {
        name: tearsheetChartName(t.entry, 'monthly'),
        title: `Monthly returns ${what}`,
        spec: tearsheetMonthlySpec(t),
        empty: t.entry.monthlyReturns.length === 0,
      },
      {
        name: tearsheetChartName(t.entry, 'rolling'),
        title: `Rolling Sharpe ${what}`,
        spec: tearsheetRollingSpec(t),
        empty: t.series.rolling.time.length === 0,
      },
      {
        name: tearsheetChartName(t.entry, 'week'),
        title: `Busiest test week ${what}`,
        spec: t.series.week
          ? weekSpec(
              t.series.week,
              `Busiest test week (${new Date(t.series.week.start).toISOString().slice(0, 10)}, ${t.series.week.trades} trades): price, barriers at entry, fills`,
            )
          : ({ mark: 'point' } as TopLevelSpec),
        empty: t.series.week === undefined,
      },
      {
        name: tearsheetChartName(t.entry, 'distribution'),
        title: `Trade distributions ${what}`,
        spec: tearsheetDistributionSpec(t),
        empty: t.series.pnlUsd.length === 0,
      },
    ];
  });
}
