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
  const n = rows ? rows.length : x.length;
  let count = 0;
  let nan = 0;
  let inf = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = x[rows ? (rows[k] as number) : k] as number;
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
  let sumSquares = 0;
  if (count > 0) {
    for (let k = 0; k < n; k++) {
      const v = x[rows ? (rows[k] as number) : k] as number;
      if (v - v !== 0) continue;
      const d = v - mean;
      sumSquares += d * d;
    }
  }
  return { count, nan, inf, mean, sumSquares, min: count > 0 ? min : Number.NaN, max: count > 0 ? max : Number.NaN };
}
