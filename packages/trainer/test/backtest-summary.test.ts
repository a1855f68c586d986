import { describe, expect, it } from 'vitest';
import { backtest, summaryToJson } from '../src/internal/backtest/index.js';
import type { BacktestInput, BacktestOptions } from '../src/internal/backtest/index.js';
import { fiveTradeInput, randomWalkInput } from './backtest-fixture.js';

/** A 400-bar random walk on MES's tick grid, random probabilities, a purged gap (rows 180–200), signed sizes. */
function walkInput(seed: number, sized: boolean): BacktestInput {
  const barrier = { kUp: 2, kDown: 1.5, maxBars: 12 };
  const { input, rand } = randomWalkInput(seed, { bars: 400, gap: [180, 200], barrier, barMinutes: 5, startMs: Date.UTC(2024, 2, 4) });
  if (sized) input.contracts = Array.from(input.rows, () => Math.round((rand() - 0.5) * 6));
  return input;
}

const pinned = (input: BacktestInput, options: BacktestOptions = {}) => JSON.stringify(summaryToJson(backtest(input, options).summary));

// The exact `train/summary.json` backtest entries the trainer wrote before its summary moved onto
// `backtestStats` (commit 3845785): the move must not change a byte.
describe('summarize: train/summary.json bytes pinned', () => {
  it('the five-trade example', () => {
    expect(pinned(fiveTradeInput())).toBe(PIN_FIVE);
  });
  it('a 379-row random walk, one contract, close fills', () => {
    expect(pinned(walkInput(7, false), { trials: 12, trialSharpeVariance: 0.0004 })).toBe(PIN_WALK);
  });
  it('the same walk with signed sizes and next-open fills', () => {
    expect(pinned(walkInput(11, true), { entry: 'nextOpen', threshold: 0.4 })).toBe(PIN_SIZED);
  });
  it('back-adjusted prices below zero: the same figures (P&L depends on price differences only)', () => {
    const input = walkInput(7, false);
    const shift = (values: Float64Array) => values.map((v) => v - 6000);
    const shifted = { ...input, open: shift(input.open), high: shift(input.high), low: shift(input.low), close: shift(input.close) };
    expect(pinned(shifted, { trials: 12, trialSharpeVariance: 0.0004 })).toBe(PIN_WALK);
  });
  it('a test split without trades', () => {
    const input = fiveTradeInput();
    expect(pinned({ ...input, rows: Int32Array.from([0, 2]), proba: Float32Array.from([0.2, 0.6, 0.2, 0.2, 0.6, 0.2]) })).toBe(PIN_FLAT);
  });
  it('a one-row test split', () => {
    const input = fiveTradeInput();
    expect(pinned({ ...input, rows: Int32Array.from([4]), proba: Float32Array.from([0.2, 0.6, 0.2]) })).toBe(PIN_ONE);
  });
});

const PIN_FIVE =
  '{"rows":28,"trades":5,"longTrades":3,"shortTrades":2,"skippedEntries":1,"totalUsd":-3.125,"totalTicks":-2.5,"costsUsd":9.375,"avgTradeUsd":-0.625,"avgTradeTicks":-0.5,"winRate":0.6,"profitFactor":0.8214285714285714,"maxDrawdownUsd":13.125,"exposure":0.4642857142857143,"periodsPerYear":69552,"annualizedUsd":-7762.5,"sharpe":-11.882583451155904,"sortino":-14.484381149959333,"calmar":-591.4285714285714,"sharpePerBar":-0.04505635568895829,"psr":0.4041456199242999,"dsr":0.4041456199242999,"trials":1,"startMs":1704153600000,"endMs":1704162300000}';
const PIN_WALK =
  '{"rows":379,"trades":115,"longTrades":44,"shortTrades":71,"skippedEntries":0,"totalUsd":-169.375,"totalTicks":-135.5,"costsUsd":215.625,"avgTradeUsd":-1.4728260869565217,"avgTradeTicks":-1.1782608695652175,"winRate":0.48695652173913045,"profitFactor":0.6699147381242387,"maxDrawdownUsd":180.625,"exposure":0.9182058047493403,"periodsPerYear":69552,"annualizedUsd":-31082.77044854881,"sharpe":-26.07833854321566,"sortino":-32.81494797621335,"calmar":-172.08454227570274,"sharpePerBar":-0.09888379088689633,"psr":0.025717634104592428,"dsr":0.004611100938926425,"trials":12,"startMs":1709510400000,"endMs":1709630100000}';
const PIN_SIZED =
  '{"rows":379,"trades":171,"longTrades":88,"shortTrades":83,"skippedEntries":0,"totalUsd":-465,"totalTicks":-372,"costsUsd":581.25,"avgTradeUsd":-2.719298245614035,"avgTradeTicks":-2.175438596491228,"winRate":0.38596491228070173,"profitFactor":0.6006441223832528,"maxDrawdownUsd":487.5,"exposure":0.9894459102902374,"periodsPerYear":69552,"annualizedUsd":-85334.24802110819,"sharpe":-34.1527608673148,"sortino":-42.48908733907616,"calmar":-175.04461132535013,"sharpePerBar":-0.1295003689831424,"psr":0.005355965442461192,"dsr":0.005355965442461192,"trials":1,"startMs":1709510400000,"endMs":1709630100000}';
const PIN_FLAT =
  '{"rows":2,"trades":0,"longTrades":0,"shortTrades":0,"skippedEntries":0,"totalUsd":0,"totalTicks":0,"costsUsd":0,"avgTradeUsd":0,"avgTradeTicks":0,"winRate":0,"profitFactor":0,"maxDrawdownUsd":0,"exposure":0,"periodsPerYear":69552,"annualizedUsd":0,"sharpe":0,"sortino":0,"calmar":0,"sharpePerBar":0,"psr":0.5,"dsr":0.5,"trials":1,"startMs":1704153600000,"endMs":1704154200000}';
const PIN_ONE =
  '{"rows":1,"trades":0,"longTrades":0,"shortTrades":0,"skippedEntries":0,"totalUsd":0,"totalTicks":0,"costsUsd":0,"avgTradeUsd":0,"avgTradeTicks":0,"winRate":0,"profitFactor":0,"maxDrawdownUsd":0,"exposure":0,"periodsPerYear":69552,"annualizedUsd":0,"sharpe":0,"sortino":0,"calmar":0,"sharpePerBar":0,"psr":null,"dsr":null,"trials":1,"startMs":1704154800000,"endMs":1704154800000}';
