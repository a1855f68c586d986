import { UsageError } from '@tribar/core';
import { ZoneClock } from '@tribar/market';
import { ledgerFromPositions, ledgerFromTrades, type TradeInput, type TradeRecord } from './backtest-ledger.js';
import { drawdownEpisodes, drawdownSeries, type DrawdownEpisode } from './drawdown-episodes.js';
import { maxDrawdown as maxDrawdownOf } from './drawdown.js';
import { deflatedSharpeRatio, minTrackRecordLength, probabilisticSharpeRatio } from './sharpe-significance.js';
import { calmarRatio, returnMoments, sharpeRatio, sortinoRatio, tradeStats } from './trade-stats.js';

/**
 * One statistics engine for a backtest: the metric set of backtesting.py's `compute_stats` and
 * quantstats' core, from bar times and closes plus positions or a trade list. Where the two
 * libraries disagree the choice is stated on the field (README: "Backtest statistics").
 */

/**
 * How period returns are formed and annualised: per bar (`periodsPerYear` bars a year, e.g.
 * `barsPerYear(5)` for five-minute futures bars), or per day (equity at each day's last bar, days
 * split at `dayStartHour` local time in `timeZone`; CME trade dates: 'America/Chicago', 17).
 */
export type Annualization =
  { periods: 'bars'; periodsPerYear: number } | { periods: 'daily'; periodsPerYear?: number; timeZone?: string; dayStartHour?: number };

/**
 * A ledger the caller's own simulator has marked (fills inside a bar, e.g. barrier exits, that a trade
 * list at bar indices cannot replay bit for bit): the engine computes every figure from it.
 */
export interface MarkedLedger {
  /** Cumulative net P&L in money at each bar's close, open positions marked to market (0 before the first bar). */
  profit: ArrayLike<number>;
  /** Bars the simulator counts as holding a position. */
  exposedBars: number;
  /** The closed trades, bar indices into `timestamp`. */
  trades: readonly TradeRecord[];
}

export interface BacktestStatsInput {
  /** Bar times, ms since the epoch, strictly increasing. */
  timestamp: ArrayLike<number>;
  /** Bar closes (the mark price), finite and > 0. */
  close: ArrayLike<number>;
  /** Signed contracts held from the close of bar i to the close of bar i + 1. Give this or `trades`. */
  positions?: ArrayLike<number>;
  /** Trades with bar indices and optional fill prices. Give this, `positions` or `ledger`. */
  trades?: readonly TradeInput[];
  /** A ledger already marked by the caller's simulator (costs in its P&L; `pointValue` and `costPerContract` unused). */
  ledger?: MarkedLedger;
  /** Money per price point per contract; default 1 (results in points). */
  pointValue?: number;
  /** Money per contract per side; default 0. */
  costPerContract?: number;
  /** Starting equity in money, > 0 (returns are relative to it). */
  initialEquity: number;
  annualization: Annualization;
  /** Strategies tried to find this one (DSR); default 1. */
  trials?: number;
  /** Variance of the trials' per-period Sharpe ratios (DSR); default the estimator's own variance. */
  trialSharpeVariance?: number;
  /** Fewer trades than this flag the result as a low sample; default 30. */
  minTrades?: number;
  /**
   * What Sharpe, Sortino, PSR, DSR and the minimum track record are computed on: the period returns of the
   * equity (default; quantstats), or the period P&L in money (`'pnl'`: a fixed-size futures book, whose risk
   * is not a share of an account; Calmar is then `annualProfit / maxDrawdown` in money).
   */
  ratiosOn?: 'returns' | 'pnl';
}

export interface BacktestStats {
  start: number;
  end: number;
  durationMs: number;
  bars: number;
  /** Bars with a trade open, entry and exit bars included, % of all bars (backtesting.py); a marked ledger's own count. */
  exposurePct: number;
  exposedBars: number;
  equityFinal: number;
  /** Highest equity, the initial equity included. */
  equityPeak: number;
  returnPct: number;
  /** Long one contract from the first close to the last, before costs. */
  buyHoldReturnPct: number;
  /** Period returns used below, and how many make a year. */
  periods: number;
  periodsPerYear: number;
  /** (1 + geometric mean period return)^periodsPerYear − 1 (backtesting.py, = empyrical's annual_return). */
  annualReturnPct: number;
  /** Sample std (n − 1) of period returns × √periodsPerYear (quantstats; backtesting.py compounds it). */
  annualVolatilityPct: number;
  /** (final / initial)^(1 / years) − 1, years = calendar days / 365 (quantstats). */
  cagrPct: number;
  /** mean / sample std of period returns × √periodsPerYear, no risk-free rate (quantstats; PSR/DSR use the same SR). */
  sharpe: number;
  /** mean / √(mean of min(r, 0)²) × √periodsPerYear (quantstats). */
  sortino: number;
  /** CAGR / max drawdown (quantstats). */
  calmar: number;
  /** Deepest fall from a running peak, % of the peak (a positive number). */
  maxDrawdownPct: number;
  /** Deepest fall of the net P&L from a running peak, in money (the P&L starts from a peak of 0). */
  maxDrawdown: number;
  /** Mean period P&L in money × periodsPerYear. */
  annualProfit: number;
  /** Mean depth of the drawdown episodes (backtesting.py); NaN without one. */
  avgDrawdownPct: number;
  maxDrawdownDurationMs: number;
  avgDrawdownDurationMs: number;
  trades: number;
  /** Trades with net PnL > 0. */
  wins: number;
  /** Σ of the trades' net PnL in money, in trade order. */
  netProfit: number;
  /** Trades with net PnL > 0, %; NaN without trades. */
  winRatePct: number;
  bestTradePct: number;
  worstTradePct: number;
  /** Geometric mean of the trades' net returns (backtesting.py's "Avg. Trade"). */
  avgTradePct: number;
  /** Arithmetic mean of the trades' net returns (backtesting.py's "Expectancy"). */
  expectancyPct: number;
  /** Mean net PnL per trade, in money. */
  expectancy: number;
  maxTradeDurationMs: number;
  avgTradeDurationMs: number;
  /** Gross profit / gross loss of the trades' net PnL in money (backtesting.py uses returns; money is what a futures account sees). */
  profitFactor: number;
  /** √trades × mean PnL / sample std of PnL (van Tharp, as backtesting.py). */
  sqn: number;
  /** win rate − (1 − win rate) / (mean win / mean loss) (backtesting.py). */
  kelly: number;
  /** Costs paid, in money. */
  costs: number;
  /** What the Sharpe family is computed on (`BacktestStatsInput.ratiosOn`). */
  ratiosOn: 'returns' | 'pnl';
  /** Per-period Sharpe (not annualised), its PSR against 0, DSR over `trials`, and the periods needed for PSR 0.95. */
  sharpePerPeriod: number;
  psr: number;
  dsr: number;
  minTrackRecordPeriods: number;
  /** trades < minTrades: the figures above say little (the report greys them). */
  lowSample: boolean;
  minTrades: number;
}

export interface BacktestResult {
  stats: BacktestStats;
  equity: Float64Array;
  /** Drawdown at each bar, a fraction of the running peak. */
  drawdown: Float64Array;
  drawdowns: DrawdownEpisode[];
  trades: TradeRecord[];
  /** Period returns (per bar or per day) and the time of each period's last bar. */
  periodReturns: { time: Float64Array; value: Float64Array };
}

const DAY_MS = 86_400_000;

/** Equity at each period's end and the returns between them (the first period's return is from the initial equity). */
function periodReturns(timestamp: ArrayLike<number>, equity: Float64Array, initial: number, annualization: Annualization) {
  const n = equity.length;
  const ends: number[] = [];
  if (annualization.periods === 'bars') {
    for (let i = 0; i < n; i++) ends.push(i);
  } else {
    const zone = annualization.timeZone && annualization.timeZone !== 'UTC' ? new ZoneClock(annualization.timeZone) : undefined;
    const offset = (ms: number) => zone?.offsetMs(ms) ?? 0;
    const shift = (annualization.dayStartHour ?? 0) * 3_600_000;
    // Day of a bar: its local date, counting from dayStartHour (a bar at or after it belongs to the next day).
    const dayOf = (ms: number) => Math.floor((ms + offset(ms) - shift) / DAY_MS + (shift > 0 ? 1 : 0));
    for (let i = 0; i < n; i++) {
      if (i === n - 1 || dayOf(timestamp[i] as number) !== dayOf(timestamp[i + 1] as number)) ends.push(i);
    }
  }
  const time = new Float64Array(ends.length);
  const value = new Float64Array(ends.length);
  let previous = initial;
  ends.forEach((end, k) => {
    const e = equity[end] as number;
    time[k] = timestamp[end] as number;
    value[k] = e / previous - 1;
    previous = e;
  });
  return { time, value };
}

/** The P&L of each period, from the cumulative P&L at its last bar (the first from 0). */
function periodProfit(profit: ArrayLike<number>, time: Float64Array, timestamp: ArrayLike<number>): Float64Array {
  const out = new Float64Array(time.length);
  let previous = 0;
  let k = 0;
  for (let i = 0; i < profit.length && k < time.length; i++) {
    if ((timestamp[i] as number) !== time[k]) continue;
    const p = profit[i] as number;
    out[k++] = p - previous;
    previous = p;
  }
  return out;
}

/** backtesting.py's geometric mean: exp(mean log(1 + r)) − 1, and 0 when some 1 + r ≤ 0. */
function geometricMean(returns: ArrayLike<number>): number {
  if (returns.length === 0) return Number.NaN;
  let sumLog = 0;
  for (let i = 0; i < returns.length; i++) {
    const g = 1 + (returns[i] as number);
    if (!(g > 0)) return 0;
    sumLog += Math.log(g);
  }
  return Math.exp(sumLog / returns.length) - 1;
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);

function checkLedger(ledger: MarkedLedger, n: number): void {
  if (ledger.profit.length !== n) throw new UsageError(`ledger.profit has ${ledger.profit.length} rows, close has ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(ledger.profit[i])) throw new UsageError(`ledger.profit[${i}] is ${ledger.profit[i]}: every value must be finite`);
  }
  if (!(Number.isInteger(ledger.exposedBars) && ledger.exposedBars >= 0 && ledger.exposedBars <= n))
    throw new UsageError(`ledger.exposedBars is ${ledger.exposedBars}: a whole number of bars from 0 to ${n}`);
  ledger.trades.forEach((t, k) => {
    if (!(
      Number.isInteger(t.entryIndex) &&
      Number.isInteger(t.exitIndex) &&
      t.entryIndex >= 0 &&
      t.entryIndex <= t.exitIndex &&
      t.exitIndex < n
    ))
      throw new UsageError(
        `ledger.trades[${k}]: entryIndex ${t.entryIndex} and exitIndex ${t.exitIndex} must be bar indices with entry ≤ exit < ${n}`,
      );
    if (!Number.isFinite(t.pnl)) throw new UsageError(`ledger.trades[${k}].pnl is ${t.pnl}: it must be finite`);
  });
}

function checkInput(input: BacktestStatsInput): void {
  const { timestamp, close } = input;
  const n = close.length;
  if (n < 2) throw new UsageError(`a backtest needs at least 2 bars, got ${n}`);
  if (timestamp.length !== n) throw new UsageError(`timestamp has ${timestamp.length} rows, close has ${n}`);
  // A marked ledger's P&L is the simulator's: its closes only mark buy and hold, so a back-adjusted series that
  // went through zero is accepted there (its %-figures of buy and hold then say little).
  const positive = input.ledger === undefined;
  for (let i = 0; i < n; i++) {
    const c = close[i] as number;
    if (!(Number.isFinite(c) && (c > 0 || !positive)))
      throw new UsageError(`close[${i}] is ${c}: closes must be finite${positive ? ' and > 0' : ''}`);
    const t = timestamp[i] as number;
    if (!Number.isFinite(t) || (i > 0 && !(t > (timestamp[i - 1] as number))))
      throw new UsageError(`timestamp[${i}] is ${t}: times must be finite and strictly increasing`);
  }
  const given = [input.positions, input.trades, input.ledger].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of positions, trades or ledger');
  if (input.ledger !== undefined) checkLedger(input.ledger, n);
  if (!(Number.isFinite(input.initialEquity) && input.initialEquity > 0))
    throw new UsageError(`initialEquity is ${input.initialEquity}: it must be finite and > 0`);
  const { annualization } = input;
  const perYear = annualization.periodsPerYear;
  if (annualization.periods === 'bars' ? !(perYear !== undefined && perYear > 0) : perYear !== undefined && !(perYear > 0))
    throw new UsageError(`annualization.periodsPerYear is ${perYear}: it must be > 0`);
}

/** Every figure of a backtest; see the field comments for each definition. */
export function backtestStats(input: BacktestStatsInput): BacktestResult {
  checkInput(input);
  const { timestamp, close, initialEquity, annualization } = input;
  const options = { pointValue: input.pointValue ?? 1, costPerContract: input.costPerContract ?? 0 };
  const n = close.length;
  const equity = new Float64Array(n);
  // Cumulative net P&L in money from 0: the `ratiosOn: 'pnl'` series and the money drawdown.
  const profit = new Float64Array(n);
  let exposedBars = 0;
  let tradeList: readonly TradeRecord[];
  if (input.ledger !== undefined) {
    const marked = input.ledger;
    for (let i = 0; i < n; i++) {
      profit[i] = marked.profit[i] as number;
      equity[i] = initialEquity + (profit[i] as number);
    }
    exposedBars = marked.exposedBars;
    tradeList = marked.trades;
  } else {
    const ledger =
      input.positions !== undefined
        ? ledgerFromPositions(timestamp, close, input.positions, options)
        : ledgerFromTrades(timestamp, close, input.trades ?? [], options);
    let running = initialEquity;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      running += ledger.pnl[i] as number;
      sum += ledger.pnl[i] as number;
      equity[i] = running;
      profit[i] = sum;
      exposedBars += ledger.exposed[i] as number;
    }
    tradeList = ledger.trades;
  }
  const drawdown = drawdownSeries(equity, initialEquity);
  const drawdowns = drawdownEpisodes(drawdown, timestamp);
  const periods = periodReturns(timestamp, equity, initialEquity, annualization);
  const perYear = annualization.periodsPerYear ?? 252;
  const start = timestamp[0] as number;
  const end = timestamp[n - 1] as number;
  const final = equity[n - 1] as number;
  const years = (end - start) / (365 * DAY_MS);
  const cagr = years > 0 && final > 0 ? (final / initialEquity) ** (1 / years) - 1 : Number.NaN;
  const maxDrawdown = drawdown.reduce((a, b) => (b > a ? b : a), 0);
  const pnlPerPeriod = periodProfit(profit, periods.time, timestamp);
  const ratiosOn = input.ratiosOn ?? 'returns';
  const series = ratiosOn === 'pnl' ? pnlPerPeriod : periods.value;
  const moments = returnMoments(series);
  const sharpePerPeriod = sharpeRatio(series);
  const annualProfit = returnMoments(pnlPerPeriod).mean * perYear;
  const maxDrawdownMoney = maxDrawdownOf(profit, 0).amount;

  const trades = tradeList;
  const pnl = trades.map((t) => t.pnl);
  const returns = trades.map((t) => t.returnPct);
  const byMoney = tradeStats(pnl);
  const winRate = trades.length ? byMoney.wins / trades.length : Number.NaN;
  const wins = pnl.filter((v) => v > 0);
  const losses = pnl.filter((v) => v < 0);
  const pnlMoments = returnMoments(pnl);
  const minTrades = input.minTrades ?? 30;

  const stats: BacktestStats = {
    start,
    end,
    durationMs: end - start,
    bars: n,
    exposurePct: (100 * exposedBars) / n,
    exposedBars,
    equityFinal: final,
    equityPeak: equity.reduce((a, b) => (b > a ? b : a), initialEquity),
    returnPct: (final / initialEquity - 1) * 100,
    buyHoldReturnPct: ((close[n - 1] as number) / (close[0] as number) - 1) * 100,
    periods: periods.value.length,
    periodsPerYear: perYear,
    annualReturnPct: ((1 + geometricMean(periods.value)) ** perYear - 1) * 100,
    annualVolatilityPct: returnMoments(periods.value).std * Math.sqrt(perYear) * 100,
    cagrPct: cagr * 100,
    sharpe: sharpeRatio(series, perYear),
    sortino: sortinoRatio(series, perYear),
    calmar: ratiosOn === 'pnl' ? calmarRatio(annualProfit, maxDrawdownMoney) : calmarRatio(cagr, maxDrawdown),
    maxDrawdownPct: maxDrawdown * 100,
    maxDrawdown: maxDrawdownMoney,
    annualProfit,
    avgDrawdownPct: mean(drawdowns.map((d) => d.depth)) * 100,
    maxDrawdownDurationMs: drawdowns.reduce((a, d) => (d.durationMs > a || a !== a ? d.durationMs : a), Number.NaN),
    avgDrawdownDurationMs: mean(drawdowns.map((d) => d.durationMs)),
    trades: trades.length,
    wins: byMoney.wins,
    netProfit: byMoney.total,
    winRatePct: winRate * 100,
    bestTradePct: trades.length ? returns.reduce((a, b) => (b > a ? b : a)) * 100 : Number.NaN,
    worstTradePct: trades.length ? returns.reduce((a, b) => (b < a ? b : a)) * 100 : Number.NaN,
    avgTradePct: geometricMean(returns) * 100,
    expectancyPct: mean(returns) * 100,
    expectancy: mean(pnl),
    maxTradeDurationMs: trades.reduce((a, t) => (t.durationMs > a || a !== a ? t.durationMs : a), Number.NaN),
    avgTradeDurationMs: mean(trades.map((t) => t.durationMs)),
    profitFactor: trades.length ? byMoney.profitFactor : Number.NaN,
    sqn: trades.length >= 2 && pnlMoments.std > 0 ? (Math.sqrt(trades.length) * pnlMoments.mean) / pnlMoments.std : Number.NaN,
    kelly: wins.length && losses.length ? winRate - (1 - winRate) / (mean(wins) / -mean(losses)) : Number.NaN,
    costs: trades.reduce((sum, t) => sum + t.costs, 0),
    ratiosOn,
    sharpePerPeriod,
    psr: probabilisticSharpeRatio(sharpePerPeriod, moments.n, moments.skew, moments.kurtosis),
    dsr: deflatedSharpeRatio(sharpePerPeriod, moments.n, moments.skew, moments.kurtosis, input.trials ?? 1, input.trialSharpeVariance),
    minTrackRecordPeriods: minTrackRecordLength(sharpePerPeriod, moments.skew, moments.kurtosis),
    lowSample: trades.length < minTrades,
    minTrades,
  };
  return { stats, equity, drawdown, drawdowns, trades: [...trades], periodReturns: periods };
}
