/**
 * Median of scratch[0..size), reordering it: Hoare's quickselect (expected O(n)), because a
 * full sort of a year of returns cost more than the rest of the cleaning together.
 */
export function medianInPlace(scratch: Float64Array, size: number): number {
  if (size <= 0) return Number.NaN;
  const middle = size >> 1;
  let left = 0;
  let right = size - 1;
  while (left < right) {
    const pivot = scratch[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((scratch[i] as number) < pivot) i++;
      while ((scratch[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = scratch[i] as number;
        scratch[i] = scratch[j] as number;
        scratch[j] = swap;
        i++;
        j--;
      }
    }
    if (middle <= j) right = j;
    else if (middle >= i) left = i;
    else break;
  }
  const upper = scratch[middle] as number;
  if (size % 2 === 1) return upper;
  // Even count: the lower middle is the largest value left of `middle` after partitioning.
  let lower = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < middle; k++) if ((scratch[k] as number) > lower) lower = scratch[k] as number;
  return 0.5 * (lower + upper);
}
