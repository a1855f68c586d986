import { describe, expect, it } from 'vitest';
import { cumulativeSum, maxDrawdown } from '../src/drawdown.js';

describe('maxDrawdown', () => {
  it('finds the deepest drawdown and its peak and trough', () => {
    // peaks 5 (i=1) then 6 (i=3); falls 5→3 = 2 and 6→1 = 5.
    expect(maxDrawdown([0, 5, 3, 6, 1, 4])).toEqual({ amount: 5, peakIndex: 3, troughIndex: 4 });
    expect(maxDrawdown([1, 2, 3])).toEqual({ amount: 0, peakIndex: -1, troughIndex: -1 });
    expect(maxDrawdown([])).toEqual({ amount: 0, peakIndex: -1, troughIndex: -1 });
  });

  it('counts an opening loss only from a given initial equity', () => {
    // A virtual 0 before index 0: 0 → −2 is a drawdown of 2 whose peak is before the curve.
    expect(maxDrawdown([-2, 1], 0)).toEqual({ amount: 2, peakIndex: -1, troughIndex: 0 });
    expect(maxDrawdown([-2, 1])).toEqual({ amount: 0, peakIndex: -1, troughIndex: -1 });
  });

  it('measures a PnL series through its running sum from 0', () => {
    // PnL −1, −2, 4, −1 → equity −1, −3, 1, 0: the deepest fall is 0 → −3 = 3 (the later 1 → 0 is 1).
    expect(Array.from(cumulativeSum([-1, -2, 4, -1]))).toEqual([-1, -3, 1, 0]);
    expect(maxDrawdown(cumulativeSum([-1, -2, 4, -1]), 0)).toEqual({ amount: 3, peakIndex: -1, troughIndex: 1 });
    // 1.5, 3.5, 1.5, −4.5, 0.5 → 1.5, 5, 6.5, 2, 2.5: peak 6.5 (i=2) → trough 2 (i=3).
    expect(maxDrawdown(cumulativeSum([1.5, 3.5, 1.5, -4.5, 0.5]), 0)).toEqual({ amount: 4.5, peakIndex: 2, troughIndex: 3 });
  });
});
