/** Count, mean and spread of the finite values of a column: what `moments` gives, without its third and fourth passes. */
export interface FiniteSpread {
  /** Finite values. */
  count: number;
  nan: number;
  /** ±Infinity values. */
  inf: number;
  /** NaN when count is 0. */
  mean: number;
  /** Σ(x − mean)² over the finite values (0 when count is 0). */
  sumSquares: number;
  /** NaN when count is 0. */
  min: number;
  max: number;
}

/**
 * Count, mean, Σ(x − mean)², min and max of the finite values of `x` at `rows` (or every row), two
 * passes. Every sum meets the values in the same order as `moments` (so `sumSquares / (count − 1)`
 * is its `variance` and `sumSquares / count` its `popVariance`, bit for bit), but skips its cubes
 * and its outlier pass: validation's variance screen and scaling's per-split report call this once
 * per feature and split, where the skew and the 3/5/10σ counts are never read.
 */
export function finiteSpread(x: ArrayLike<number>, rows?: ArrayLike<number>): FiniteSpread {
  // Two copies of each loop, with and without `rows`, so each stays monomorphic and free of a per-row test.
  const n = rows ? rows.length : x.length;
  let count = 0;
  let nan = 0;
  let inf = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = (rows ? x[rows[k] as number] : x[k]) as number;
    // v − v is 0 for every finite v and NaN for NaN and ±Infinity.
    if (v - v === 0) {
      count++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (v !== v) nan++;
    else inf++;
  }
  const mean = count > 0 ? sum / count : Number.NaN;
  const sumSquares = count > 0 ? (rows ? squaresAt(x, rows, mean) : squares(x, mean)) : 0;
  return { count, nan, inf, mean, sumSquares, min: count > 0 ? min : Number.NaN, max: count > 0 ? max : Number.NaN };
}

/** Σ(x − mean)² over the finite values of `x`, in order. */
function squares(x: ArrayLike<number>, mean: number): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k] as number;
    if (v - v !== 0) continue;
    const d = v - mean;
    s += d * d;
  }
  return s;
}

/** Σ(x − mean)² over the finite values of `x` at `rows`, in their order. */
function squaresAt(x: ArrayLike<number>, rows: ArrayLike<number>, mean: number): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = x[rows[k] as number] as number;
    if (v - v !== 0) continue;
    const d = v - mean;
    s += d * d;
  }
  return s;
}
