import {
  calmarRatio,
  deflatedSharpeRatio,
  maxDrawdown,
  probabilisticSharpeRatio,
  returnMoments,
  sharpeRatio,
  sortinoRatio,
  tradeStats,
} from '@tribar/quant';
import type { Simulation } from './engine.js';
import type { BacktestInput, BacktestSummary } from './types.js';

export interface SummaryOptions {
  periodsPerYear: number;
  trials: number;
  trialSharpeVariance?: number;
}

export function summarize(sim: Simulation, input: BacktestInput, options: SummaryOptions): BacktestSummary {
  const { trades, pnl, equity } = sim;
  const m = pnl.length;
  const n = trades.count;
  const usd = tradeStats(trades.usd);
  const ticks = tradeStats(trades.ticks);
  let longs = 0;
  let contracts = 0;
  for (let i = 0; i < n; i++) {
    if (trades.direction[i]! > 0) longs++;
    contracts += trades.contracts[i]!;
  }
  const { periodsPerYear, trials } = options;
  const moments = returnMoments(pnl);
  const sharpePerBar = sharpeRatio(pnl, 1);
  // Bar-level drawdown: open positions marked to market at each close, from 0 before the first bar.
  const drawdown = maxDrawdown(equity, 0).amount;
  const annualizedUsd = moments.mean * periodsPerYear;
  const first = m > 0 ? (input.rows[0] as number) : -1;
  const last = m > 0 ? (input.rows[m - 1] as number) : -1;
  return {
    rows: m,
    trades: n,
    longTrades: longs,
    shortTrades: n - longs,
    skippedEntries: sim.skippedEntries,
    totalUsd: usd.total,
    totalTicks: ticks.total,
    costsUsd: contracts * input.cost.roundTripTicks * input.cost.tickValue,
    avgTradeUsd: usd.average,
    avgTradeTicks: ticks.average,
    winRate: usd.winRate,
    profitFactor: usd.profitFactor,
    maxDrawdownUsd: drawdown,
    exposure: m > 0 ? sim.exposedRows / m : 0,
    periodsPerYear,
    annualizedUsd,
    sharpe: sharpePerBar * Math.sqrt(periodsPerYear),
    sortino: sortinoRatio(pnl, periodsPerYear),
    calmar: calmarRatio(annualizedUsd, drawdown),
    sharpePerBar,
    psr: probabilisticSharpeRatio(sharpePerBar, m, moments.skew, moments.kurtosis),
    dsr: deflatedSharpeRatio(sharpePerBar, m, moments.skew, moments.kurtosis, trials, options.trialSharpeVariance),
    trials,
    startMs: first >= 0 ? input.timestampMs[first]! : NaN,
    endMs: last >= 0 ? input.timestampMs[last]! : NaN,
  };
}

/** The summary with every non-finite number (Infinity profit factor, NaN PSR) as null, for JSON artifacts. */
export function summaryToJson(summary: BacktestSummary): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(summary)) out[key] = Number.isFinite(value) ? value : null;
  return out;
}
