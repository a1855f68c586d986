import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { finiteSpread } from '../src/finite-spread.js';
import { moments } from '../src/stats.js';

describe('finiteSpread', () => {
  it('gives moments’ count, mean, variance, population variance, min and max bit for bit (NaN, ±Infinity, rows, empty, one value)', () => {
    const rng = new Rng(4);
    for (const length of [0, 1, 2, 5, 1000]) {
      const x = Float64Array.from({ length }, (_, i) => {
        const u = rng.next();
        return u < 0.05 ? Number.NaN : u < 0.08 ? -Infinity : u < 0.1 ? Infinity : 5000 + rng.normal(0, i % 3 === 0 ? 1e-6 : 10);
      });
      const rows = Int32Array.from({ length }, (_, i) => i).filter(() => rng.next() < 0.6);
      for (const r of [undefined, rows]) {
        const s = finiteSpread(x, r);
        const m = moments(x, r);
        expect([s.count, s.nan, s.inf]).toEqual([m.count, m.nan, m.inf]);
        for (const [a, b] of [
          [s.mean, m.mean],
          [s.count > 1 ? s.sumSquares / (s.count - 1) : Number.NaN, m.variance],
          [s.count > 0 ? s.sumSquares / s.count : Number.NaN, m.popVariance],
          [s.min, m.min],
          [s.max, m.max],
        ])
          expect(Object.is(a, b)).toBe(true);
      }
    }
    expect(finiteSpread(Float64Array.of(Number.NaN, 2, Infinity))).toEqual({
      count: 1,
      nan: 1,
      inf: 1,
      mean: 2,
      sumSquares: 0,
      min: 2,
      max: 2,
    });
  });
});
