import type { TopLevelSpec } from 'vega-lite';
import { decimateIndexes } from './model-charts.js';
import type { SymbolColumns } from './run-data.js';
import type { TearsheetTrade } from './tearsheet-data.js';

/**
 * The price chart of one week of a tearsheet: the bars (OHLC when the features keep open/high/low and the week
 * has at most `OHLC_BARS` bars, else the close, at most 800 points), each trade's triple barrier as drawn at
 * its entry (upper entry + kUp·ATR and lower entry − kDown·ATR up to the vertical barrier, maxBars bars after
 * the signal bar), and the entries and exits. The week is the UTC ISO week (Monday 00:00 UTC) of the test
 * part with the most trade entries, the earliest on a tie: deterministic, and where the strategy was busiest.
 */

const WEEK_MS = 7 * 86_400_000;
/** Monday 1970-01-05 00:00 UTC: ISO weeks start on Mondays. */
const MONDAY_MS = 4 * 86_400_000;
const OHLC_BARS = 700;

interface WeekBarrier {
  /** Entry time and the vertical barrier's time (UTC ms). */
  entry: number;
  vertical: number;
  upper: number;
  lower: number;
}

export interface WeekChart {
  /** The week's Monday 00:00 UTC and its trades. */
  start: number;
  trades: number;
  bars: number;
  mode: 'ohlc' | 'close';
  barrier: { kUp: number; kDown: number; maxBars: number };
  series: {
    bars: Array<{ time: number; open?: number; high?: number; low?: number; close: number }>;
    barriers: WeekBarrier[];
    marks: Array<{ time: number; price: number; kind: string }>;
  };
}

/** Start (UTC ms) of the ISO week holding `ms`. */
export const weekStart = (ms: number) => Math.floor((ms - MONDAY_MS) / WEEK_MS) * WEEK_MS + MONDAY_MS;

/** The week with most trade entries, earliest on a tie; undefined without trades. */
export function busiestWeek(entryTimes: readonly number[]): { start: number; trades: number } | undefined {
  const counts = new Map<number, number>();
  for (const t of entryTimes) counts.set(weekStart(t), (counts.get(weekStart(t)) ?? 0) + 1);
  let best: { start: number; trades: number } | undefined;
  for (const [start, trades] of counts) {
    if (!best || trades > best.trades || (trades === best.trades && start < best.start)) best = { start, trades };
  }
  return best;
}

export interface WeekInput {
  trades: readonly TearsheetTrade[];
  /** Test bars' times (the trainer's equity curve). */
  testTime: Float64Array;
  columns: SymbolColumns;
  barrier: { kUp: number; kDown: number; maxBars: number } | undefined;
  /** `train.backtest.entry`: with `nextOpen` the signal bar (ATR, vertical barrier) is the bar before the fill. */
  entry: 'close' | 'nextOpen';
}

/** The week's chart data, or why there is none. */
export function weekChart(input: WeekInput): WeekChart | string {
  const { trades, testTime, columns, barrier } = input;
  if (!barrier) return 'no barrier parameters for this series in labels/report.json';
  const week = busiestWeek(trades.map((t) => t.entryTime));
  if (!week) return 'no trades';
  const end = week.start + WEEK_MS;
  const index = new Map<number, number>();
  columns.timestamp.forEach((t, i) => index.set(t, i));
  const rows: number[] = [];
  for (const t of testTime) {
    const i = index.get(t);
    if (t >= week.start && t < end && i !== undefined && Number.isFinite(columns.close[i] as number)) rows.push(i);
  }
  if (rows.length === 0) return 'no closes for the test bars of the busiest week';
  const ohlc = columns.ohlc && rows.length <= OHLC_BARS ? columns.ohlc : undefined;
  const kept = ohlc ? rows : decimateIndexes(Float64Array.from(rows, (i) => columns.close[i] as number)).map((k) => rows[k] as number);
  const bars = kept.map((i) => ({
    time: columns.timestamp[i] as number,
    close: columns.close[i] as number,
    ...(ohlc ? { open: ohlc.open[i] as number, high: ohlc.high[i] as number, low: ohlc.low[i] as number } : {}),
  }));
  const barriers: WeekBarrier[] = [];
  const marks: WeekChart['series']['marks'] = [];
  const last = columns.timestamp.length - 1;
  for (const t of trades) {
    if (t.entryTime < week.start || t.entryTime >= end) continue;
    const fill = index.get(t.entryTime);
    marks.push({ time: t.entryTime, price: t.entryPrice, kind: t.side > 0 ? 'long entry' : 'short entry' });
    marks.push({ time: t.exitTime, price: t.exitPrice, kind: t.pnlUsd > 0 ? 'exit (win)' : 'exit (loss)' });
    if (fill === undefined) continue;
    const signal = input.entry === 'nextOpen' ? Math.max(0, fill - 1) : fill;
    const atr = columns.atr?.[signal];
    if (atr === undefined || !(atr > 0)) continue;
    barriers.push({
      entry: t.entryTime,
      vertical: columns.timestamp[Math.min(last, signal + barrier.maxBars)] as number,
      upper: t.entryPrice + barrier.kUp * atr,
      lower: t.entryPrice - barrier.kDown * atr,
    });
  }
  return {
    start: week.start,
    trades: week.trades,
    bars: rows.length,
    mode: ohlc ? 'ohlc' : 'close',
    barrier,
    series: { bars, barriers, marks },
  };
}

const TIME = { field: 'time', type: 'temporal', title: null, scale: { type: 'utc' }, axis: { labelOverlap: true } } as const;
const PRICE = { type: 'quantitative', title: 'price', scale: { zero: false } } as const;

/** The week's vega-lite spec: bars, barrier segments (upper green, lower red, vertical grey) and the fills. */
export function weekSpec(week: WeekChart, title: string): TopLevelSpec {
  const { bars, barriers, marks } = week.series;
  const priceLayers =
    week.mode === 'ohlc'
      ? [
          {
            data: { values: bars },
            mark: { type: 'rule', color: '#6b7280' },
            encoding: { x: TIME, y: { field: 'low', ...PRICE }, y2: { field: 'high' } },
          },
          {
            data: { values: bars.map((b) => ({ ...b, up: b.close >= (b.open ?? b.close) ? 'up' : 'down' })) },
            mark: { type: 'bar', size: 3 },
            encoding: {
              x: TIME,
              y: { field: 'open', ...PRICE },
              y2: { field: 'close' },
              color: { field: 'up', type: 'nominal', legend: null, scale: { domain: ['up', 'down'], range: ['#54a24b', '#e45756'] } },
            },
          },
        ]
      : [
          {
            data: { values: bars },
            mark: { type: 'line', color: '#4c78a8', strokeWidth: 1 },
            encoding: { x: TIME, y: { field: 'close', ...PRICE } },
          },
        ];
  const segments = barriers.flatMap((b) => [
    { time: b.entry, end: b.vertical, price: b.upper, barrier: 'upper' },
    { time: b.entry, end: b.vertical, price: b.lower, barrier: 'lower' },
  ]);
  return {
    title,
    width: 720,
    height: 260,
    // The candles' up/down colours and the barriers' upper/lower colours are two different scales.
    resolve: { scale: { color: 'independent' } },
    layer: [
      ...priceLayers,
      {
        data: { values: segments },
        mark: { type: 'rule', strokeWidth: 1.2, strokeDash: [4, 2] },
        encoding: {
          x: TIME,
          x2: { field: 'end' },
          y: { field: 'price', ...PRICE },
          color: {
            field: 'barrier',
            type: 'nominal',
            title: 'barrier',
            scale: { domain: ['upper', 'lower'], range: ['#2e7d32', '#c62828'] },
          },
        },
      },
      {
        data: { values: barriers.map((b) => ({ time: b.vertical, lower: b.lower, upper: b.upper })) },
        mark: { type: 'rule', color: '#9e9e9e', strokeWidth: 1 },
        encoding: { x: TIME, y: { field: 'lower', ...PRICE }, y2: { field: 'upper' } },
      },
      {
        data: { values: marks },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: TIME,
          y: { field: 'price', ...PRICE },
          shape: {
            field: 'kind',
            type: 'nominal',
            title: 'fill',
            scale: {
              domain: ['long entry', 'short entry', 'exit (win)', 'exit (loss)'],
              range: ['triangle-up', 'triangle-down', 'circle', 'square'],
            },
          },
          fill: {
            field: 'kind',
            type: 'nominal',
            legend: null,
            scale: {
              domain: ['long entry', 'short entry', 'exit (win)', 'exit (loss)'],
              range: ['#1b5e20', '#b71c1c', '#43a047', '#e53935'],
            },
          },
        },
      },
    ],
  } as TopLevelSpec;
}
