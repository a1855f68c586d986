import { simulate } from './engine.js';
import { barsPerYear } from '@tribar/quant';
import { summarize } from './summary.js';
import type { BacktestInput, BacktestOptions, BacktestResult } from './types.js';
import { validateBacktest } from './validate.js';

/**
 * Replays a model's test-set probabilities as a one-contract futures strategy with triple-barrier exits
 * and round-trip costs. Pure: no I/O, no clock; the rules are in the README's Backtest section.
 */
export function backtest(input: BacktestInput, options: BacktestOptions = {}): BacktestResult {
  validateBacktest(input, options);
  const sim = simulate(input, options);
  const summary = summarize(sim, input, {
    periodsPerYear: options.periodsPerYear ?? barsPerYear(input.barMinutes),
    trials: options.trials ?? 1,
    ...(options.trialSharpeVariance !== undefined ? { trialSharpeVariance: options.trialSharpeVariance } : {}),
  });
  return { trades: sim.trades, equity: sim.equity, pnl: sim.pnl, position: sim.position, summary };
}
