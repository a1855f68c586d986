import { describe, expect, it } from 'vitest';
import { mean, meanStd, moments, pearson, percentileOf, percentileSorted, std, variance } from '../src/stats.js';

// Known answers from numpy 1.24 / scipy 1.10:
//   x = [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, std 2, std(ddof=1) 2.138089935299395, var(ddof=1) 4.571428571428571,
//   scipy.stats.skew 0.65625; np.corrcoef(x, y)[0, 1] = 0.8455943246644705 for y below.
const x = Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9);
const y = Float64Array.of(1, 3, 2, 5, 4, 6, 8, 7);

describe('mean, variance, std', () => {
  it('match numpy (ddof 0) and pandas (ddof 1)', () => {
    expect(mean(x)).toBe(5);
    expect(variance(x)).toBe(4);
    expect(std(x)).toBe(2);
    expect(variance(x, 1)).toBeCloseTo(4.571428571428571, 15);
    expect(std(x, 1)).toBeCloseTo(2.138089935299395, 15);
    expect(meanStd(x)).toEqual({ mean: 5, std: 2 });
  });

  it('are NaN where undefined, and exact on a large offset (two-pass)', () => {
    expect(mean([])).toBeNaN();
    expect(meanStd([])).toEqual({ mean: Number.NaN, std: Number.NaN });
    expect(variance([3], 1)).toBeNaN();
    expect(variance([3])).toBe(0);
    // 1e9 + [1, 2, 3]: population std sqrt(2/3) exactly as without the offset.
    expect(std([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBe(Math.sqrt(2 / 3));
    expect(mean([1, Number.NaN])).toBeNaN();
  });
});

describe('moments', () => {
  it('match numpy and scipy on the finite values, counting NaN and ±Infinity', () => {
    const m = moments(x);
    expect(m).toMatchObject({ count: 8, nan: 0, inf: 0, mean: 5, popVariance: 4, min: 2, max: 9, skew: 0.65625 });
    expect(m.variance).toBeCloseTo(4.571428571428571, 15);
    expect(m.std).toBeCloseTo(2.138089935299395, 15);
    // w = [10, NaN, 20, 30, inf, −1]; finite part [10, 20, 30, −1]: mean 14.75, std(ddof=1)
    // 13.30100246848585, var 132.6875, skew −0.05281161037911605.
    const w = Float64Array.of(10, Number.NaN, 20, 30, Infinity, -1);
    const mw = moments(w);
    expect(mw).toMatchObject({ count: 4, nan: 1, inf: 1, mean: 14.75, popVariance: 132.6875, min: -1, max: 30 });
    expect(mw.std).toBeCloseTo(13.30100246848585, 13);
    expect(mw.skew).toBeCloseTo(-0.05281161037911605, 14);
  });

  it('take the given rows only, and count values beyond 3, 5 and 10 sample std', () => {
    expect(moments(x, Int32Array.of(0, 7))).toMatchObject({ count: 2, mean: 5.5, min: 2, max: 9, popVariance: 12.25 });
    // 30 zeros and one 100: mean 100/31, sample std 100/sqrt(31) ≈ 17.96, so the 100 is ≈ 5.39 std away.
    const spike = new Float64Array(31);
    spike[30] = 100;
    expect(moments(spike)).toMatchObject({ beyond3: 1, beyond5: 1, beyond10: 0 });
    expect(moments(new Float64Array(5).fill(2))).toMatchObject({ std: 0, skew: 0, beyond3: 0 });
    const empty = moments(Float64Array.of(Number.NaN));
    expect(empty).toMatchObject({ count: 0, nan: 1, skew: 0 });
    expect([empty.mean, empty.variance, empty.popVariance, empty.min, empty.max].every(Number.isNaN)).toBe(true);
  });
});

describe('pearson', () => {
  it('matches np.corrcoef over all rows or the given rows, skipping non-finite pairs', () => {
    expect(pearson(x, y)).toBeCloseTo(0.8455943246644705, 15);
    expect(
      pearson(
        x,
        y,
        Int32Array.from({ length: 8 }, (_, i) => i),
      ),
    ).toBe(pearson(x, y));
    // A NaN and an Infinity in pairs of their own leave the other rows' answer unchanged.
    const x2 = Float64Array.of(...x, Number.NaN, 1);
    const y2 = Float64Array.of(...y, 4, Infinity);
    expect(pearson(x2, y2)).toBe(pearson(x, y));
    expect(
      pearson(
        x,
        Float64Array.from(x, (v) => -3 * v + 1),
      ),
    ).toBe(-1);
  });

  it('is NaN with fewer than 3 pairs or a constant side', () => {
    expect(pearson(x, y, Int32Array.of(0, 1))).toBeNaN();
    expect(pearson(x, new Float64Array(8).fill(1))).toBeNaN();
  });
});

describe('percentile (numpy linear)', () => {
  // np.percentile([3, 1, 4, 1, 5, 9, 2, 6], q) for q = 0, 10, 25, 50, 75, 90, 100.
  const sorted = Float64Array.of(3, 1, 4, 1, 5, 9, 2, 6).sort();
  it('percentileSorted matches numpy', () => {
    expect([0, 10, 25, 50, 75, 90, 100].map((q) => percentileSorted(sorted, q))).toEqual([1, 1, 1.75, 3.5, 5.25, 6.8999999999999995, 9]);
    // np.percentile([1, 2, 4], [33, 50]) = [1.66, 2].
    expect(percentileSorted(Float64Array.of(1, 2, 4), 33)).toBeCloseTo(1.66, 14);
    expect(percentileSorted(Float64Array.of(1, 2, 4), 50)).toBe(2);
    expect(percentileSorted(new Float64Array(0), 50)).toBeNaN();
  });

  it('percentileOf keeps the chosen rows and leaves NaN out', () => {
    const values = Float64Array.of(3, Number.NaN, 1, 4, 1, 5, 9, 2, 6, 100);
    // Rows 0..8 without the NaN are the array above; row 9 (100) is not kept.
    expect(percentileOf(values, 75, (i) => i < 9)).toBe(5.25);
    expect(percentileOf(values, 100, () => true)).toBe(100);
    expect(percentileOf(values, 50, () => false)).toBeNaN();
  });
});

// Moved from @tribar/validation, whose copies these were.
describe('moments (validation cases)', () => {
  it('counts NaN and inf apart and uses finite values only', () => {
    const m = moments(Float64Array.from([1, 2, 3, Number.NaN, Infinity, -Infinity]));
    expect(m).toMatchObject({ count: 3, nan: 1, inf: 2, mean: 2, variance: 1, min: 1, max: 3, skew: 0 });
  });
  it('reads only the given rows', () => {
    expect(moments(Float64Array.from([1, 100, 3]), Int32Array.from([0, 2])).mean).toBe(2);
  });
  it('skewness of a right-tailed sample is positive', () => {
    expect(moments(Float64Array.from([0, 0, 0, 0, 10])).skew).toBeGreaterThan(1);
  });
});

describe('pearson (validation cases)', () => {
  const rows = Int32Array.from({ length: 5 }, (_, i) => i);
  it('is ±1 for exact linear relations and skips non-finite pairs', () => {
    const a = Float64Array.from([1, 2, 3, 4, Number.NaN]);
    expect(
      pearson(
        a,
        a.map((x) => 3 * x - 2),
        rows,
      ),
    ).toBeCloseTo(1, 12);
    expect(
      pearson(
        a,
        a.map((x) => -x),
        rows,
      ),
    ).toBeCloseTo(-1, 12);
  });
  it('is NaN when a side is constant', () => {
    expect(pearson(Float64Array.from([1, 1, 1, 1, 1]), Float64Array.from([1, 2, 3, 4, 5]), rows)).toBeNaN();
  });
});
