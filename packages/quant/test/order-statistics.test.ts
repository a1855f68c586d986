import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { orderStatistics } from '../src/order-statistics.js';

describe('orderStatistics', () => {
  it('equals sorted[rank] for every rank on random, tied, sorted, reversed and constant input', () => {
    const rng = new Rng(5);
    const n = 3001;
    const inputs = [
      Float64Array.from({ length: n }, () => rng.normal(0, 1)),
      Float64Array.from({ length: n }, () => rng.int(-3, 3)),
      Float64Array.from({ length: n }, (_, i) => i),
      Float64Array.from({ length: n }, (_, i) => -i),
      new Float64Array(n).fill(7),
      Float64Array.from({ length: n }, (_, i) => (i % 2 ? Infinity : -Infinity)),
    ];
    const ranks = [n - 1, 0, 1500, 750, 751, 2250, 1500, 3];
    for (const input of inputs) {
      const sorted = Float64Array.from(input).sort();
      const got = orderStatistics(Float64Array.from(input), ranks);
      expect([...got]).toEqual(ranks.map((r) => sorted[r]));
    }
  });

  it('a hand-checked case, and ranks outside the data are refused', () => {
    expect([...orderStatistics(Float64Array.from([5, 1, 4, 2, 3]), [2, 0, 4])]).toEqual([3, 1, 5]);
    expect(() => orderStatistics(Float64Array.from([1, 2]), [2])).toThrow(/rank 2 is outside 0..1/);
    expect(() => orderStatistics(new Float64Array(0), [0])).toThrow(RangeError);
  });
});
