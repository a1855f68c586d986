/**
 * Order statistics without a full sort: the `k`-th smallest values for a few ranks k, by
 * quickselect (Hoare partition around a median of three, so sorted and reversed input stay
 * linear), each search starting where the previous rank left off. For a handful of quantiles of n
 * values this is a few passes over the data instead of n·log n comparisons.
 */

/** Move the `k`-th smallest of `a[lo..hi]` to `a[k]`, values ≤ it before and ≥ it after. */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const x = a[lo] as number;
    const y = a[(lo + hi) >>> 1] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i++] = a[j] as number;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * The values of rank `ranks[i]` (0 = smallest) of `values`, which must hold no NaN and is reordered
 * in place. Equal to `sorted[rank]` of an ascending sort for every rank (up to the sign of a zero:
 * −0 and 0 compare equal here).
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): Float64Array {
  const n = values.length;
  const order = ranks.map((rank, i) => ({ rank, i })).sort((p, q) => p.rank - q.rank);
  const out = new Float64Array(ranks.length);
  let from = 0;
  for (const { rank, i } of order) {
    if (!(Number.isInteger(rank) && rank >= 0 && rank < n)) throw new RangeError(`rank ${rank} is outside 0..${n - 1}`);
    select(values, from, n - 1, rank);
    from = rank;
    out[i] = values[rank] as number;
  }
  return out;
}
