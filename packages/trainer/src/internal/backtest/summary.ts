import { backtestStats, deflatedSharpeRatio, probabilisticSharpeRatio, tradeStats, type TradeRecord } from '@tribar/quant';
import type { Simulation } from './engine.js';
import { EXIT_REASONS, type BacktestInput, type BacktestSummary } from './types.js';

export interface SummaryOptions {
  periodsPerYear: number;
  trials: number;
  trialSharpeVariance?: number;
}

/**
 * The simulation's trades as `backtestStats` records: bar indices into the test rows, money = USD
 * (the trade's net PnL as the simulator booked it, costs included).
 */
function tradeRecords(sim: Simulation, input: BacktestInput, rowIndex: Map<number, number>): TradeRecord[] {
  const { trades } = sim;
  const { tickSize, tickValue, roundTripTicks } = input.cost;
  const pointValue = tickValue / tickSize;
  const records: TradeRecord[] = [];
  for (let i = 0; i < trades.count; i++) {
    const entryRow = trades.entryRow[i]!;
    const exitRow = trades.exitRow[i]!;
    const size = trades.contracts[i]!;
    const pnl = trades.usd[i]!;
    const entryTime = input.timestampMs[entryRow]!;
    const exitTime = input.timestampMs[exitRow]!;
    records.push({
      entryIndex: rowIndex.get(entryRow)!,
      exitIndex: rowIndex.get(exitRow)!,
      entryTime,
      exitTime,
      side: trades.direction[i]! > 0 ? 1 : -1,
      size,
      entryPrice: trades.entryPrice[i]!,
      exitPrice: trades.exitPrice[i]!,
      pnl,
      costs: size * roundTripTicks * tickValue,
      returnPct: pnl / (size * trades.entryPrice[i]! * pointValue),
      durationMs: exitTime - entryTime,
      exitReason: EXIT_REASONS[trades.reason[i]!]!,
    });
  }
  return records;
}

/**
 * A test part of fewer than 2 rows: no trade can open (no entry on a block's last row), the P&L is flat,
 * and `backtestStats` (which needs 2 bars) has nothing to measure.
 */
function flatSummary(sim: Simulation, input: BacktestInput, options: SummaryOptions): BacktestSummary {
  const m = sim.pnl.length;
  const psr = probabilisticSharpeRatio(0, m, 0, 3);
  const row = m > 0 ? (input.rows[0] as number) : -1;
  return {
    rows: m,
    trades: 0,
    longTrades: 0,
    shortTrades: 0,
    skippedEntries: sim.skippedEntries,
    totalUsd: 0,
    totalTicks: 0,
    costsUsd: 0,
    avgTradeUsd: 0,
    avgTradeTicks: 0,
    winRate: 0,
    profitFactor: 0,
    maxDrawdownUsd: 0,
    exposure: 0,
    periodsPerYear: options.periodsPerYear,
    annualizedUsd: 0,
    sharpe: 0,
    sortino: 0,
    calmar: 0,
    sharpePerBar: 0,
    psr,
    dsr: deflatedSharpeRatio(0, m, 0, 3, options.trials, options.trialSharpeVariance),
    trials: options.trials,
    startMs: row >= 0 ? input.timestampMs[row]! : NaN,
    endMs: row >= 0 ? input.timestampMs[row]! : NaN,
  };
}

/**
 * The backtest's summary, every figure from `backtestStats` of `@tribar/quant` (the engine the report's
 * tearsheets use) on the simulator's own marked ledger: per-bar USD P&L, ratios on money P&L
 * (`ratiosOn: 'pnl'`: one contract, no account to compound), the trades as the simulator booked them.
 * Only the tick totals are summed here (the engine counts money).
 */
export function summarize(sim: Simulation, input: BacktestInput, options: SummaryOptions): BacktestSummary {
  const m = sim.pnl.length;
  if (m < 2) return flatSummary(sim, input, options);
  const timestamp = new Float64Array(m);
  const close = new Float64Array(m);
  const rowIndex = new Map<number, number>();
  for (let k = 0; k < m; k++) {
    const row = input.rows[k] as number;
    timestamp[k] = input.timestampMs[row]!;
    close[k] = input.close[row]!;
    rowIndex.set(row, k);
  }
  const { tickSize, tickValue, roundTripTicks } = input.cost;
  const records = tradeRecords(sim, input, rowIndex);
  const { periodsPerYear, trials } = options;
  const { stats } = backtestStats({
    timestamp,
    close,
    ledger: { profit: sim.equity, exposedBars: sim.exposedRows, trades: records },
    // One contract's notional at the first test close: only the %-figures depend on it, none of which are kept.
    // (Back-adjusted closes may be ≤ 0: the notional's size, else one point.)
    initialEquity: Math.abs(close[0] as number) * (tickValue / tickSize) || tickValue / tickSize,
    annualization: { periods: 'bars', periodsPerYear },
    ratiosOn: 'pnl',
    trials,
    ...(options.trialSharpeVariance !== undefined ? { trialSharpeVariance: options.trialSharpeVariance } : {}),
  });
  const n = stats.trades;
  let longs = 0;
  let contracts = 0;
  for (const t of records) {
    if (t.side > 0) longs++;
    contracts += t.size;
  }
  const ticks = tradeStats(sim.trades.ticks);
  return {
    rows: m,
    trades: n,
    longTrades: longs,
    shortTrades: n - longs,
    skippedEntries: sim.skippedEntries,
    totalUsd: stats.netProfit,
    totalTicks: ticks.total,
    costsUsd: contracts * roundTripTicks * tickValue,
    avgTradeUsd: n > 0 ? stats.expectancy : 0,
    avgTradeTicks: ticks.average,
    winRate: n > 0 ? stats.wins / n : 0,
    profitFactor: n > 0 ? stats.profitFactor : 0,
    maxDrawdownUsd: stats.maxDrawdown,
    exposure: stats.exposedBars / stats.bars,
    periodsPerYear,
    annualizedUsd: stats.annualProfit,
    sharpe: stats.sharpe,
    sortino: stats.sortino,
    calmar: stats.calmar,
    sharpePerBar: stats.sharpePerPeriod,
    psr: stats.psr,
    dsr: stats.dsr,
    trials,
    startMs: stats.start,
    endMs: stats.end,
  };
}

/** The summary with every non-finite number (Infinity profit factor, NaN PSR) as null, for JSON artifacts. */
export function summaryToJson(summary: BacktestSummary): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(summary)) out[key] = Number.isFinite(value) ? value : null;
  return out;
}
