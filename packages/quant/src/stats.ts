// Descriptive statistics over typed arrays, written once for every stage that needs them:
// mean / variance / std, moments of the finite values, Pearson correlation and numpy's default
// ('linear') percentile. Each states how it treats NaN and ±Infinity.
import { finiteSpread } from './finite-spread.js';

/** Arithmetic mean of every value (NaN propagates); NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  return sum / n;
}

/** Mean and Σ(x − mean)² of every value, two-pass (so a large offset such as a price level stays exact). */
function meanSquares(values: ArrayLike<number>): { n: number; mean: number; squares: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    squares += d * d;
  }
  return { n, mean, squares };
}

/**
 * Variance of every value, two-pass: Σ(x − mean)² / (n − ddof). ddof 0 is the population variance
 * (numpy's default), ddof 1 the sample variance (pandas'). NaN when n ≤ ddof.
 */
export function variance(values: ArrayLike<number>, ddof = 0): number {
  const { n, squares } = meanSquares(values);
  return n > ddof ? squares / (n - ddof) : Number.NaN;
}

/** Standard deviation of every value: sqrt(`variance(values, ddof)`). */
export function std(values: ArrayLike<number>, ddof = 0): number {
  return Math.sqrt(variance(values, ddof));
}

/** `mean` and `std(values, ddof)` in one two-pass sweep; both NaN when empty. */
export function meanStd(values: ArrayLike<number>, ddof = 0): { mean: number; std: number } {
  if (values.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const { n, mean, squares } = meanSquares(values);
  return { mean, std: n > ddof ? Math.sqrt(squares / (n - ddof)) : Number.NaN };
}

/** Moments of the finite values of `x` at `rows` (or every row). */
export interface Moments {
  /** Finite values. */
  count: number;
  nan: number;
  /** ±Infinity values. */
  inf: number;
  mean: number;
  /** Sample variance (ddof 1); NaN below two values. */
  variance: number;
  /** Sample standard deviation (ddof 1). */
  std: number;
  /** Population variance (ddof 0): Σ(x − mean)² / count; NaN when count is 0. */
  popVariance: number;
  min: number;
  max: number;
  /** Fisher–Pearson skewness g1 (as scipy.stats.skew, biased); 0 for a constant column. */
  skew: number;
  /** Finite values more than 3 (5, 10) sample standard deviations from the mean. */
  beyond3: number;
  beyond5: number;
  beyond10: number;
}

/** Moments of the finite values of `x` at `rows` (or every row); NaN and ±Infinity are only counted. */
export function moments(x: ArrayLike<number>, rows?: ArrayLike<number>): Moments {
  const n = rows ? rows.length : x.length;
  // Count, mean and Σ(x − mean)² in finiteSpread's order (the same bits as one loop summing both), then the cubes.
  const { count, nan, inf, mean, sumSquares: m2, min, max } = finiteSpread(x, rows);
  let m3 = 0;
  for (let k = 0; k < n; k++) {
    const v = x[rows ? (rows[k] as number) : k] as number;
    if (!Number.isFinite(v)) continue;
    const d = v - mean;
    m3 += d * d * d;
  }
  const variance = count > 1 ? m2 / (count - 1) : Number.NaN;
  const std = Math.sqrt(variance);
  const pop = count > 0 ? m2 / count : 0;
  const skew = pop > 1e-300 ? m3 / count / pop ** 1.5 : 0;
  let beyond3 = 0;
  let beyond5 = 0;
  let beyond10 = 0;
  if (std > 0) {
    for (let k = 0; k < n; k++) {
      const v = x[rows ? (rows[k] as number) : k] as number;
      if (!Number.isFinite(v)) continue;
      const z = Math.abs(v - mean) / std;
      if (z > 3) beyond3++;
      if (z > 5) beyond5++;
      if (z > 10) beyond10++;
    }
  }
  return {
    count,
    nan,
    inf,
    mean,
    variance,
    std,
    popVariance: count > 0 ? m2 / count : Number.NaN,
    min,
    max,
    skew,
    beyond3,
    beyond5,
    beyond10,
  };
}

/**
 * Pearson correlation over the rows (or every row) where both values are finite; NaN with fewer
 * than 3 such rows or when either side is constant there. Clamped to [−1, 1].
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, rows?: ArrayLike<number>): number {
  const n = rows ? rows.length : Math.min(a.length, b.length);
  let count = 0;
  let sa = 0;
  let sb = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? (rows[k] as number) : k;
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      count++;
      sa += x;
      sb += y;
    }
  }
  if (count < 3) return Number.NaN;
  const ma = sa / count;
  const mb = sb / count;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < n; k++) {
    const i = rows ? (rows[k] as number) : k;
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      const dx = x - ma;
      const dy = y - mb;
      sab += dx * dy;
      saa += dx * dx;
      sbb += dy * dy;
    }
  }
  if (saa <= 0 || sbb <= 0) return Number.NaN;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

/**
 * numpy's default `np.percentile` (linear interpolation between closest ranks) of `values[i]` for
 * the rows where `keep(i)` holds, NaN values left out; NaN when no row is kept.
 */
export function percentileOf(values: Float64Array, q: number, keep: (i: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (keep(i) && !Number.isNaN(values[i] as number)) count++;
  if (count === 0) return Number.NaN;
  const kept = new Float64Array(count);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (keep(i) && !Number.isNaN(value)) kept[at++] = value;
  }
  return percentileSorted(kept.sort(), q);
}

/** Linear-interpolated percentile q ∈ [0, 100] of an ascending array (numpy 'linear'). */
export function percentileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = (q / 100) * (n - 1);
  const below = Math.floor(rank);
  const above = Math.min(n - 1, below + 1);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (rank - below);
}
