/**
 * Order statistics without a full sort: the `k`-th smallest values for a few ranks k, by a
 * multi-rank quickselect (Hoare partition around a median of three, so sorted and reversed input
 * stay linear, recursing only into sides that hold a wanted rank). For a handful of quantiles of n
 * values this is a few passes over the data instead of n·log n comparisons.
 */

/**
 * Put the values of every rank in `ranks[from..to)` (ascending) at their sorted positions inside
 * `a[lo..hi]`: partition once (Hoare, median-of-three pivot), then go on into each side that still
 * holds a wanted rank. k ranks cost about log₂(k + 1) passes over the data instead of k.
 */
function selectRanks(a: Float64Array, lo: number, hi: number, ranks: readonly number[], from: number, to: number): void {
  while (from < to && hi > lo) {
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
    // a[lo..j] ≤ pivot ≤ a[i..hi], and a[j+1..i−1] all equal the pivot: ranks there are in place.
    let left = from;
    while (left < to && (ranks[left] as number) <= j) left++;
    let right = left;
    while (right < to && (ranks[right] as number) < i) right++;
    if (left - from < to - right) {
      selectRanks(a, lo, j, ranks, from, left);
      lo = i;
      from = right;
    } else {
      selectRanks(a, i, hi, ranks, right, to);
      hi = j;
      to = left;
    }
  }
}

/**
 * The values of rank `ranks[i]` (0 = smallest) of `values`, which must hold no NaN and is reordered
 * in place. Equal to `sorted[rank]` of an ascending sort for every rank (up to the sign of a zero:
 * −0 and 0 compare equal here).
 */
export function orderStatistics(values: Float64Array, ranks: readonly number[]): Float64Array {
  const n = values.length;
  for (const rank of ranks) {
    if (!(Number.isInteger(rank) && rank >= 0 && rank < n)) throw new RangeError(`rank ${rank} is outside 0..${n - 1}`);
  }
  const sorted = [...new Set(ranks)].sort((p, q) => p - q);
  selectRanks(values, 0, n - 1, sorted, 0, sorted.length);
  return Float64Array.from(ranks, (rank) => values[rank] as number);
}
