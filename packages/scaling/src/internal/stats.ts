import type { ScalerColumnStats } from '@tribar/artifacts';
import { finiteSpread, meanStd, sortFloat64 } from '@tribar/quant';

/**
 * Summary of a column's finite values; `null` where no finite value exists (JSON has no NaN). The
 * std is the population std (ddof 0), as the original's leakage check. The contract's shape.
 */
export type ColumnStats = ScalerColumnStats;

/** Work buffers for sorting columns of up to `rows` values one after another (see `statsWithSorted`). */
export interface SortScratch {
  finite: Float64Array;
  words: Uint32Array;
}

export function sortScratch(rows: number): SortScratch {
  return { finite: new Float64Array(rows), words: new Uint32Array(4 * rows) };
}

/**
 * The finite values of `values`, sorted ascending (radix sort on 11-bit digits: the same order as a plain sort,
 * faster), and the NaN / ±Infinity counts. With `scratch` the sorted values are a view into it.
 */
function finiteSorted(values: ArrayLike<number>, scratch?: SortScratch): { sorted: Float64Array; nanCount: number; infCount: number } {
  const out = scratch === undefined ? new Float64Array(values.length) : scratch.finite;
  let n = 0;
  let nanCount = 0;
  let infCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[n++] = v;
    else if (Number.isNaN(v)) nanCount++;
    else infCount++;
  }
  return { sorted: sortFloat64(out.subarray(0, n), scratch?.words), nanCount, infCount };
}

/**
 * Percentile `p` (0–100) of ascending values by linear interpolation (numpy's default); NaN when
 * empty. Unlike `@tribar/quant`'s `percentileSorted` it clamps `p`, returns the sample itself at an
 * exact rank (a −0 median stays −0, which the scaled bytes depend on) and cannot overflow on values
 * near ±Number.MAX_VALUE; kept so the fitted scalers stay bit-identical.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  return quantileAt(sorted.length, p, (rank) => sorted[rank] as number);
}

/** The two ranks `quantileSorted(·, p)` reads among `n` values (equal at the last rank). */
export function quantileRanks(n: number, p: number): [number, number] {
  const low = Math.floor((Math.min(100, Math.max(0, p)) / 100) * (n - 1));
  return [low, Math.min(n - 1, low + 1)];
}

/** `quantileSorted` over `n` values of which `at(rank)` gives the rank-th smallest (a sorted array, or order statistics). */
export function quantileAt(n: number, p: number, at: (rank: number) => number): number {
  if (n === 0) return Number.NaN;
  const position = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const [low, high] = quantileRanks(n, p);
  const a = at(low);
  const b = at(high);
  const t = position - low;
  if (t === 0 || a === b) return a;
  const span = b - a;
  // The convex form cannot overflow when the span does (values near ±Number.MAX_VALUE).
  return Number.isFinite(span) ? a + span * t : a * (1 - t) + b * t;
}

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Mean, population std, min and max of the finite values, without sorting (null when none). */
export function finiteMoments(
  values: ArrayLike<number>,
  rows?: ArrayLike<number>,
): {
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
} {
  const m = finiteSpread(values, rows);
  if (m.count === 0) return { mean: null, std: null, min: null, max: null };
  return { mean: orNull(m.mean), std: orNull(Math.sqrt(m.sumSquares / m.count)), min: m.min, max: m.max };
}

/**
 * `columnStats` and the sorted finite values it was computed from. With `scratch` (sized for at least
 * `values.length` rows, reused column after column: no allocation per column) `sorted` is a view into it, valid
 * until the next call.
 */
export function statsWithSorted(values: ArrayLike<number>, scratch?: SortScratch): { stats: ColumnStats; sorted: Float64Array } {
  const { sorted, nanCount, infCount } = finiteSorted(values, scratch);
  const { mean, std } = meanStd(sorted);
  const stats: ColumnStats = {
    rows: values.length,
    finite: sorted.length,
    nanCount,
    infCount,
    mean: orNull(mean),
    std: orNull(std),
    min: orNull(sorted.length > 0 ? (sorted[0] as number) : Number.NaN),
    max: orNull(sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN),
    median: orNull(quantileSorted(sorted, 50)),
    q25: orNull(quantileSorted(sorted, 25)),
    q75: orNull(quantileSorted(sorted, 75)),
  };
  return { stats, sorted };
}

/** `values` at the given row indices, in that order. */
export function pick(values: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k] as number] as number;
  return out;
}
