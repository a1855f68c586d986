import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtest } from '../src/internal/backtest/index.js';
import type { BacktestInput, BacktestOptions } from '../src/internal/backtest/index.js';
import { MES, randomWalkInput } from './backtest-fixture.js';

/** A 120-bar random walk with random probabilities, and a gap (rows 50–60) in the test rows. */
const randomInput = (seed: number, maxBars: number): BacktestInput =>
  randomWalkInput(seed, { bars: 120, gap: [50, 60], barrier: { kUp: 1, kDown: 1.5, maxBars }, barMinutes: 1, startMs: 0 }).input;

const tradesExitedBy = (input: BacktestInput, options: BacktestOptions, k: number) => {
  const { trades } = backtest(input, options);
  const out: number[][] = [];
  for (let i = 0; i < trades.count; i++) {
    if (trades.exitRow[i]! <= k)
      out.push([
        trades.entryRow[i]!,
        trades.exitRow[i]!,
        trades.direction[i]!,
        trades.entryPrice[i]!,
        trades.exitPrice[i]!,
        trades.reason[i]!,
      ]);
  }
  return out;
};

describe('backtest properties', () => {
  it('never looks ahead: prices after bar k do not change trades that exited by k', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 118 }),
        fc.constantFrom<'close' | 'nextOpen'>('close', 'nextOpen'),
        fc.integer({ min: 1, max: 8 }),
        (seed, k, entry, maxBars) => {
          const input = randomInput(seed, maxBars);
          const changed = {
            ...input,
            open: input.open.slice(),
            high: input.high.slice(),
            low: input.low.slice(),
            close: input.close.slice(),
          };
          for (let t = k + 1; t < changed.close.length; t++) {
            changed.open[t] = changed.open[t]! + 7;
            changed.close[t] = changed.close[t]! - 9;
            changed.high[t] = Math.max(changed.open[t]!, changed.close[t]!) + 3;
            changed.low[t] = Math.min(changed.open[t]!, changed.close[t]!) - 3;
          }
          const options = { entry, threshold: 0.4 };
          expect(tradesExitedBy(changed, options, k)).toEqual(tradesExitedBy(input, options, k));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('raising the threshold never increases the trade count when every trade lasts one bar (maxBars = 1)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 0.34, max: 0.9, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (seed, low, step) => {
          const input = randomInput(seed, 1);
          expect(backtest(input, { threshold: Math.min(1, low + step) }).summary.trades).toBeLessThanOrEqual(
            backtest(input, { threshold: low }).summary.trades,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with longer holds, a higher threshold can shift entries and add trades (path dependence, documented)', () => {
    // kUp = kDown = 1, ATR 1, maxBars 4. Bar 0 weak long (p 0.5), bars 1–2 strong long (p 0.9).
    // threshold 0.4: long at 100 (T 101, S 99) held to the data end at bar 4 → 1 trade.
    // threshold 0.6: long at 100.75 on bar 1 (S 99.75) stopped by bar 2's low 99.7; bar 2 re-enters → 2 trades.
    const bars = [
      [100, 100, 100, 100],
      [100, 100.8, 100, 100.75],
      [100.75, 100.9, 99.7, 100],
      [100, 100.2, 99.8, 100],
      [100, 100.2, 99.8, 100],
    ];
    const col = (i: number) => Float64Array.from(bars, (b) => b[i]!);
    const input: BacktestInput = {
      rows: [0, 1, 2, 3, 4],
      proba: [0.25, 0.25, 0.5, 0.05, 0.05, 0.9, 0.05, 0.05, 0.9, 0.2, 0.6, 0.2, 0.2, 0.6, 0.2],
      open: col(0),
      high: col(1),
      low: col(2),
      close: col(3),
      atr: new Float64Array(5).fill(1),
      timestampMs: Float64Array.from([0, 1, 2, 3, 4]),
      barrier: { kUp: 1, kDown: 1, maxBars: 4 },
      cost: MES,
      barMinutes: 1,
    };
    expect(backtest(input, { threshold: 0.4 }).summary.trades).toBe(1);
    expect(backtest(input, { threshold: 0.6 }).summary.trades).toBe(2);
  });

  it('keeps the books consistent', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom<'close' | 'nextOpen'>('close', 'nextOpen'), (seed, entry) => {
        const input = randomInput(seed, 5);
        const { trades, equity, pnl, summary } = backtest(input, { entry, threshold: 0.4 });
        const m = input.rows.length;
        // Flat at the end: final equity is the sum of trade dollars; the PnL series sums to it.
        expect(equity[m - 1]).toBeCloseTo(summary.totalUsd, 8);
        expect(pnl.reduce((a, b) => a + b, 0)).toBeCloseTo(summary.totalUsd, 8);
        for (let i = 0; i < trades.count; i++) {
          expect(trades.ticks[i]).toBeCloseTo((trades.direction[i]! * (trades.exitPrice[i]! - trades.entryPrice[i]!)) / 0.25 - 1.5, 9);
          // No position crosses the gap 50 → 61.
          expect(trades.entryRow[i]! > 50 || trades.exitRow[i]! <= 50).toBe(true);
          if (i > 0) expect(trades.entryRow[i]).toBeGreaterThanOrEqual(trades.exitRow[i - 1]!);
        }
      }),
      { numRuns: 100 },
    );
  });
});
