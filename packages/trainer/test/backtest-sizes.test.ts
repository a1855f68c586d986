import { describe, expect, it } from 'vitest';
import { backtest } from '../src/internal/backtest/index.js';
import { fiveTradeInput } from './backtest-fixture.js';

describe('backtest with sized signals (contracts per row)', () => {
  // The five-trade example's signals, sized: long 3 at row 1, short 2 at row 5, long 1 at row 9,
  // short 2 at row 15, long 4 at row 17 (rows = bars up to 20); every other row 0 (no signal).
  const input = fiveTradeInput();
  const contracts = new Int32Array(input.rows.length);
  const size: Record<number, number> = { 1: 3, 5: -2, 9: 1, 15: -2, 17: 4 };
  for (const [row, q] of Object.entries(size)) contracts[Number(row)] = q;
  const sized = backtest({ ...input, contracts });

  it('trades the same round trips, scaled by contracts, with costs per contract traded', () => {
    expect([...sized.trades.entryRow]).toEqual([1, 5, 9, 15, 17]);
    expect([...sized.trades.contracts]).toEqual([3, 2, 1, 2, 4]);
    // One contract's net ticks [6.5, −9.5, 3.5, −4.5, 1.5], times the contracts.
    expect([...sized.trades.ticks]).toEqual([19.5, -19, 3.5, -9, 6]);
    expect([...sized.trades.usd]).toEqual([24.375, -23.75, 4.375, -11.25, 7.5]);
    // 12 contracts traded × 1.5 ticks × $1.25.
    expect(sized.summary.costsUsd).toBe(22.5);
    expect(sized.summary.totalUsd).toBeCloseTo(1.25, 12);
  });

  it('marks equity to market by contracts held', () => {
    // Bar 2: 3 contracts × 2 ticks × $1.25 = $7.50 open.
    expect(sized.equity[2]).toBe(7.5);
    expect(sized.equity[20]).toBeCloseTo(1.25, 12);
  });

  it('leaves the one-contract backtest unchanged when no sizes are given (1 contract per trade)', () => {
    const plain = backtest(input);
    const ones = new Int32Array(input.rows.length);
    // The argmax sides of the five-trade example as ±1 contracts: the same trades to the bit.
    for (const [row, q] of Object.entries(size)) ones[Number(row)] = Math.sign(q);
    // Row positions 11 (same-side signal), 21 (bar 23, NaN ATR) and 27 (bar 29, the last row).
    ones[11] = 1;
    ones[21] = 1;
    ones[27] = 1;
    const unit = backtest({ ...input, contracts: ones });
    expect([...plain.trades.contracts]).toEqual([1, 1, 1, 1, 1]);
    expect([...unit.trades.usd]).toEqual([...plain.trades.usd]);
    expect([...unit.equity]).toEqual([...plain.equity]);
    expect(unit.summary).toEqual(plain.summary);
  });

  it('names a fractional or misaligned contract count', () => {
    expect(() => backtest({ ...input, contracts: Float64Array.from(contracts, (q, k) => (k === 5 ? 0.4 : q)) })).toThrow(
      /contracts\[5\] is 0.4/,
    );
    expect(() => backtest({ ...input, contracts: contracts.subarray(1) })).toThrow(/one per row/);
  });
});
