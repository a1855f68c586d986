/** Costs of one contract, in the units `contractFor(config, symbol)` from @tribar/config reports. */
export interface CostSpec {
  /** Minimum price increment. */
  tickSize: number;
  /** US dollars per tick per contract. */
  tickValue: number;
  /** Commission plus slippage on both fills, in ticks. */
  roundTripTicks: number;
}

export interface BarrierSpec {
  /** Upper barrier distance in ATRs (a long's take-profit, a short's stop). */
  kUp: number;
  /** Lower barrier distance in ATRs (a long's stop, a short's take-profit). */
  kDown: number;
  /** Bars after the signal bar before a timeout exit. */
  maxBars: number;
}

export interface BacktestInput {
  /** Indices into the symbol's full arrays, strictly increasing: the test rows in time order. */
  rows: ArrayLike<number>;
  /** rows.length × 3 class probabilities [short, neutral, long], aligned with `rows`. */
  proba: ArrayLike<number>;
  /**
   * Signed whole contracts to trade at each row's signal (from bet sizing, aligned with `rows`):
   * when given, it replaces the argmax/threshold signal — its sign is the side, its magnitude the
   * contracts a new position opens with (0: no signal), and costs scale with the contracts traded.
   * Absent: one contract on the argmax side, as before.
   */
  contracts?: ArrayLike<number>;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** Unscaled ATR, the one the labels' barriers used. */
  atr: Float64Array;
  /** Bar start, milliseconds since the epoch (UTC). */
  timestampMs: Float64Array;
  barrier: BarrierSpec;
  cost: CostSpec;
  barMinutes: number;
}

/**
 * How a bar whose high and low reach both barriers is decided: `stopFirst` (conservative), `takeProfitFirst`
 * (optimistic), or `nearerOpen` (the barrier nearer the bar's open first, ties → stop; the labels' rule).
 */
export type SameBarRule = 'stopFirst' | 'takeProfitFirst' | 'nearerOpen';

export interface BacktestOptions {
  /** Minimum probability of the argmax class to act on it (default 0.5). */
  threshold?: number;
  /** `close`: fill at the signal bar's close (the labels' convention); `nextOpen`: at the next bar's open. */
  entry?: 'close' | 'nextOpen';
  sameBarRule?: SameBarRule;
  /** Enter the opposite direction when an opposite signal closes a position (default true). */
  allowReverse?: boolean;
  /** Annualisation factor; default 252 × 23 × 60 / barMinutes (CME futures trade about 23 h a day). */
  periodsPerYear?: number;
  /** Strategies/configurations tried before this one, for the deflated Sharpe ratio (default 1). */
  trials?: number;
  /** Variance of the trials' per-bar Sharpe estimates, for the deflated Sharpe ratio. */
  trialSharpeVariance?: number;
}

/** Why a trade ended. */
export const EXIT_TAKE_PROFIT = 0;
export const EXIT_STOP = 1;
export const EXIT_TIMEOUT = 2;
export const EXIT_SIGNAL = 3;
export const EXIT_DATA_END = 4;
export const EXIT_REASONS = ['takeProfit', 'stop', 'timeout', 'signal', 'dataEnd'] as const;

/** Trades as a struct of arrays, `count` long, in exit order. */
export interface TradeLog {
  count: number;
  /** Full-array index of the fill bar (the signal bar with `close` entry, the next bar with `nextOpen`). */
  entryRow: Int32Array;
  exitRow: Int32Array;
  /** +1 long, −1 short. */
  direction: Int8Array;
  /** Contracts held (1 without `BacktestInput.contracts`). */
  contracts: Int32Array;
  entryPrice: Float64Array;
  exitPrice: Float64Array;
  /** Net of the round-trip cost, summed over the trade's contracts. */
  ticks: Float64Array;
  usd: Float64Array;
  /** EXIT_* code. */
  reason: Uint8Array;
  /** exitRow − entryRow. */
  barsHeld: Int32Array;
}

export interface BacktestSummary {
  rows: number;
  trades: number;
  longTrades: number;
  shortTrades: number;
  /** Signals not taken because the ATR at the signal row was NaN or ≤ 0. */
  skippedEntries: number;
  totalUsd: number;
  totalTicks: number;
  costsUsd: number;
  avgTradeUsd: number;
  avgTradeTicks: number;
  /** Share of trades with positive net PnL. */
  winRate: number;
  /** Gross win / gross loss of net trade PnL; Infinity when there are wins and no losses. */
  profitFactor: number;
  maxDrawdownUsd: number;
  /** Share of rows whose bar a position was held through (Σ barsHeld / rows). */
  exposure: number;
  periodsPerYear: number;
  /** Mean per-bar PnL × periodsPerYear, dollars. */
  annualizedUsd: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  /** Per-bar (not annualised) Sharpe of the PnL series, the input of PSR/DSR. */
  sharpePerBar: number;
  psr: number;
  dsr: number;
  trials: number;
  startMs: number;
  endMs: number;
}

export interface BacktestResult {
  trades: TradeLog;
  /** Cumulative dollars at each row's close, open positions marked to market; costs charged at exit. */
  equity: Float64Array;
  /** Per-row change of `equity` (the first row against 0). */
  pnl: Float64Array;
  /** Side of the position held after each row's close: −1, 0, +1 (its contracts are in the trade log). */
  position: Int8Array;
  summary: BacktestSummary;
}
