/**
 * numpy's default `np.percentile` (linear interpolation between closest ranks) of the values
 * `pick(i)` returns for rows where `keep(i)` holds; NaN when no row is kept.
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
