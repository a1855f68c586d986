import { calmarRatio, maxDrawdown, probabilisticSharpeRatio, deflatedSharpeRatio, returnMoments, sharpeRatio, sortinoRatio } from '../metrics/sharpe.js';
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
  let totalUsd = 0;
  let totalTicks = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let wins = 0;
  let longs = 0;
  for (let i = 0; i < n; i++) {
    const usd = trades.usd[i]!;
    totalUsd += usd;
    totalTicks += trades.ticks[i]!;
    if (usd > 0) {
      grossWin += usd;
      wins++;
    } else {
      grossLoss -= usd;
    }
    if (trades.direction[i]! > 0) longs++;
  }
  const { periodsPerYear, trials } = options;
  const moments = returnMoments(pnl);
  const sharpePerBar = sharpeRatio(pnl, 1);
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
    totalUsd,
    totalTicks,
    costsUsd: n * input.cost.roundTripTicks * input.cost.tickValue,
    avgTradeUsd: n > 0 ? totalUsd / n : 0,
    avgTradeTicks: n > 0 ? totalTicks / n : 0,
    winRate: n > 0 ? wins / n : 0,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : grossWin > 0 ? Infinity : 0,
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
