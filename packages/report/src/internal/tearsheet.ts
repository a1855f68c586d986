import { labelsReportHorizon, type ReportTearsheetEntry } from '@tribar/artifacts';
import { contractFor } from '@tribar/config';
import { backtestStats, barsPerYear, type BacktestResult, type TradeInput } from '@tribar/quant';
import type { RunData } from './run-data.js';
import { barMinutes } from './shape.js';
import type { ModelTrades, TearsheetTrade } from './tearsheet-data.js';
import type { ModelEquity } from './train-data.js';
import { weekChart, type WeekChart } from './week-chart.js';

/**
 * The per-model backtest tearsheet: `backtestStats` of `@tribar/quant` fed with the trainer's trades
 * (`trades.arrow`) over the test bars (`equity.arrow`'s times, the features' closes), so the report
 * prints the engine's numbers and draws from the same curves.
 */

/** Trades listed per tearsheet (report.json and the page). */
export const TEARSHEET_TRADES = 50;
/** Drawdowns listed per tearsheet, deepest first. */
const WORST_DRAWDOWNS = 5;

export interface Tearsheet {
  entry: ReportTearsheetEntry;
  /** What the charts draw of one tearsheet (not in report.json: curves are long). */
  series: {
    timestamp: Float64Array;
    /** Net PnL of the strategy and of holding one contract long, USD from the first test close. */
    strategyUsd: Float64Array;
    buyHoldUsd: Float64Array;
    /** Drawdown at each bar, % of the running peak (≥ 0). */
    drawdownPct: Float64Array;
    rolling: { time: number[]; sharpe: number[]; volatilityPct: number[] };
    /** Every trade's duration (ms) and net PnL (USD). */
    durationsMs: number[];
    pnlUsd: number[];
    /** The busiest test week's price chart (week-chart.ts); absent when it cannot be drawn (`entry.week.missing` says why). */
    week?: WeekChart;
  };
}

export interface Tearsheets {
  results: Tearsheet[];
  warnings: string[];
}

/** Bars of the rolling window: one 23-hour session of bars, or a quarter of the test bars when those are fewer than two sessions. */
export function rollingWindow(bars: number, periodsPerYear: number): number {
  const session = Math.max(2, Math.round(periodsPerYear / 252));
  return bars >= 2 * session ? session : Math.max(2, Math.floor(bars / 4));
}

/** Rolling annualised Sharpe (mean / sample std × √periods) and volatility (%) of per-bar returns, over `window` bars. */
export function rollingStats(time: ArrayLike<number>, returns: ArrayLike<number>, window: number, periodsPerYear: number) {
  const out = { time: [] as number[], sharpe: [] as number[], volatilityPct: [] as number[] };
  const scale = Math.sqrt(periodsPerYear);
  for (let end = window - 1; end < returns.length; end++) {
    let sum = 0;
    for (let k = end - window + 1; k <= end; k++) sum += returns[k] as number;
    const mean = sum / window;
    let squares = 0;
    for (let k = end - window + 1; k <= end; k++) squares += ((returns[k] as number) - mean) ** 2;
    const std = Math.sqrt(squares / (window - 1));
    out.time.push(time[end] as number);
    out.sharpe.push(std > 0 ? (mean / std) * scale : Number.NaN);
    out.volatilityPct.push(std * scale * 100);
  }
  return out;
}

const MONTH = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** Return of the equity per UTC calendar month, from the previous month's last bar (the initial equity for the first). */
export function monthlyReturns(timestamp: ArrayLike<number>, equity: ArrayLike<number>, initialEquity: number) {
  const rows: Array<{ month: string; returnPct: number }> = [];
  let previous = initialEquity;
  for (let i = 0; i < equity.length; i++) {
    const month = MONTH(timestamp[i] as number);
    if (i === equity.length - 1 || MONTH(timestamp[i + 1] as number) !== month) {
      const e = equity[i] as number;
      rows.push({ month, returnPct: (e / previous - 1) * 100 });
      previous = e;
    }
  }
  return rows;
}

function worstDrawdowns(result: BacktestResult, timestamp: ArrayLike<number>): ReportTearsheetEntry['worstDrawdowns'] {
  const at = (i: number) => timestamp[Math.max(0, i)] as number;
  return [...result.drawdowns]
    .sort((a, b) => b.depth - a.depth || a.troughIndex - b.troughIndex)
    .slice(0, WORST_DRAWDOWNS)
    .map((d) => ({
      peak: at(d.peakIndex),
      trough: at(d.troughIndex),
      recovery: d.recovered ? at(d.endIndex) : null,
      depthPct: d.depth * 100,
      durationMs: d.durationMs,
    }));
}

/** Every trade's figures in the report's key order. */
const tradeEntry = (t: TearsheetTrade): TearsheetTrade => ({
  entryTime: t.entryTime,
  exitTime: t.exitTime,
  side: t.side,
  size: t.size,
  entryPrice: t.entryPrice,
  exitPrice: t.exitPrice,
  pnlTicks: t.pnlTicks,
  pnlUsd: t.pnlUsd,
  costsUsd: t.costsUsd,
  durationMs: t.durationMs,
  exit: t.exit,
});

export interface TearsheetInput {
  trades: ModelTrades;
  /** The test bars' times (the trainer's `equity.arrow`). */
  timestamp: Float64Array;
  /** Closes at those times. */
  close: Float64Array;
  pointValue: number;
  costPerContract: number;
  periodsPerYear: number;
  trials: number;
  minTrades: number;
}

/** One tearsheet, or the reason there is none. */
export function buildTearsheet(input: TearsheetInput): Tearsheet | string {
  const { trades, timestamp, close, pointValue, costPerContract, periodsPerYear } = input;
  const n = timestamp.length;
  if (n < 2) return `${n} test bar(s): a tearsheet needs at least 2`;
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(close[i]) && (close[i] as number) > 0))
      return `no close for the test bar at ${new Date(timestamp[i] as number).toISOString()} in the features`;
  }
  const index = new Map<number, number>();
  timestamp.forEach((t, i) => index.set(t, i));
  const inputs: TradeInput[] = [];
  for (const [k, t] of trades.trades.entries()) {
    const entryIndex = index.get(t.entryTime);
    const exitIndex = index.get(t.exitTime);
    if (entryIndex === undefined || exitIndex === undefined) return `trade ${k} enters or exits outside the test bars`;
    inputs.push({ entryIndex, exitIndex, size: t.side * t.size, entryPrice: t.entryPrice, exitPrice: t.exitPrice, exitReason: t.exit });
  }
  const initialEquity = (close[0] as number) * pointValue;
  const result = backtestStats({
    timestamp,
    close,
    trades: inputs,
    pointValue,
    costPerContract,
    initialEquity,
    annualization: { periods: 'bars', periodsPerYear },
    trials: input.trials,
    minTrades: input.minTrades,
  });
  const window = rollingWindow(n, periodsPerYear);
  const strategyUsd = result.equity.map((e) => e - initialEquity);
  const buyHoldUsd = close.map((c) => (c - (close[0] as number)) * pointValue);
  const entry: ReportTearsheetEntry = {
    model: trades.model,
    symbol: trades.symbol,
    horizon: trades.horizon,
    initialEquity,
    pointValue,
    costPerContract,
    annualization: { periods: 'bars', periodsPerYear },
    rollingWindow: window,
    stats: { ...result.stats },
    worstDrawdowns: worstDrawdowns(result, timestamp),
    week: null,
    monthlyReturns: monthlyReturns(timestamp, result.equity, initialEquity),
    trades: trades.trades.slice(0, TEARSHEET_TRADES).map(tradeEntry),
  };
  const series: Tearsheet['series'] = {
    timestamp,
    strategyUsd,
    buyHoldUsd,
    drawdownPct: result.drawdown.map((d) => d * 100),
    rolling: rollingStats(result.periodReturns.time, result.periodReturns.value, window, periodsPerYear),
    durationsMs: trades.trades.map((t) => t.durationMs),
    pnlUsd: trades.trades.map((t) => t.pnlUsd),
  };
  return { entry, series };
}

const sameResult = (a: { model: string; symbol: string; horizon: number }, b: typeof a) =>
  a.model === b.model && a.symbol === b.symbol && a.horizon === b.horizon;

/** Every result's tearsheet that its files allow; the others are named in `warnings`. */
export function buildTearsheets(data: Pick<RunData, 'train' | 'config' | 'columns' | 'labelsReport'>): Tearsheets {
  const train = data.train;
  if (train === undefined) return { results: [], warnings: [] };
  const results: Tearsheet[] = [];
  const warnings = [...train.tradeWarnings];
  const minutes = barMinutes(data.config, data.columns[0]?.timestamp ?? []);
  const periodsPerYear = barsPerYear(minutes);
  for (const result of train.results) {
    const trades = train.trades.find((t) => sameResult(t, result));
    if (!trades) continue;
    const what = `${result.model} ${result.symbol} H${result.horizon}`;
    const equity: ModelEquity | undefined = train.equity.find((e) => sameResult(e, result));
    const columns = data.columns.find((c) => c.symbol === result.symbol);
    if (!equity || !columns) {
      warnings.push(`No tearsheet for ${what}: ${!equity ? 'no equity curve (its test bars)' : `no features of ${result.symbol}`}.`);
      continue;
    }
    const closeAt = new Map<number, number>();
    columns.timestamp.forEach((t, i) => closeAt.set(t, columns.close[i] as number));
    const contract = contractFor(data.config, result.symbol);
    const built = buildTearsheet({
      trades,
      timestamp: equity.timestamp,
      close: equity.timestamp.map((t) => closeAt.get(t) ?? Number.NaN),
      pointValue: contract.tickValue / contract.tickSize,
      costPerContract: (contract.roundTripTicks * contract.tickValue) / 2,
      periodsPerYear,
      trials: result.backtest.trials ?? 1,
      minTrades: data.config.report.minTrades,
    });
    if (typeof built === 'string') {
      warnings.push(`No tearsheet for ${what}: ${built}.`);
      continue;
    }
    const week = weekChart({
      trades: trades.trades,
      testTime: equity.timestamp,
      columns,
      barrier: data.labelsReport ? labelsReportHorizon(data.labelsReport, result.symbol, result.horizon)?.params : undefined,
      entry: data.config.train.backtest.entry,
    });
    if (typeof week === 'string') built.entry.week = { start: null, trades: null, bars: null, mode: null, barrier: null, missing: week };
    else {
      built.entry.week = { start: week.start, trades: week.trades, bars: week.bars, mode: week.mode, barrier: week.barrier, missing: null };
      built.series.week = week;
    }
    results.push(built);
  }
  return { results, warnings };
}
