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

/**
 * `medianInPlace` for finite values only (no NaN): the same median, found faster on the short
 * trailing windows of outlier detection, which dominate cleaning. The pivot is the median of
 * three values, and once a range is down to a few elements it is finished by insertion sort,
 * cheaper there than more partitioning. With NaN the two could differ, hence two functions.
 */
export function medianOfFinite(scratch: Float64Array, size: number): number {
  if (size <= 0) return Number.NaN;
  if (size >= BRACKET_MIN_SIZE) {
    const median = medianInBracket(scratch, size);
    if (!Number.isNaN(median)) return median;
  }
  const middle = size >> 1;
  const upper = selectInPlace(scratch, 0, size - 1, middle);
  if (size % 2 === 1) return upper;
  // Even count: the lower middle is the largest value left of `middle`, all of which are ≤ it.
  let lower = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < middle; k++) if ((scratch[k] as number) > lower) lower = scratch[k] as number;
  return 0.5 * (lower + upper);
}

/**
 * Reorders scratch[left..right] so the value of rank `k` is at k with nothing larger before it
 * and nothing smaller after it, and returns it.
 */
function selectInPlace(scratch: Float64Array, left: number, right: number, k: number): number {
  while (right - left > 12) {
    const a = scratch[left] as number;
    const b = scratch[(left + right) >> 1] as number;
    const c = scratch[right] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
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
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return scratch[k] as number; // between j and i every value equals the pivot
  }
  for (let i = left + 1; i <= right; i++) {
    const value = scratch[i] as number;
    let j = i - 1;
    while (j >= left && (scratch[j] as number) > value) {
      scratch[j + 1] = scratch[j] as number;
      j--;
    }
    scratch[j + 1] = value;
  }
  return scratch[k] as number;
}

const BRACKET_MIN_SIZE = 1 << 14;
const SAMPLE_SIZE = 1024;
const BRACKET_HALF_WIDTH = 64;

/**
 * Median of a long set (the all-bars fallback of outlier detection) in about one pass: a
 * sorted, evenly spaced sample gives two values that almost surely bracket the median, one
 * pass counts the values below the bracket (and keeps their maximum, the lower middle when the
 * middle rank is the bracket's first) and collects those inside it, and only those are
 * searched. NaN (values untouched) when the bracket missed, and the caller selects in full.
 */
function medianInBracket(values: Float64Array, size: number): number {
  const sample = new Float64Array(SAMPLE_SIZE);
  const step = size / SAMPLE_SIZE;
  for (let s = 0; s < SAMPLE_SIZE; s++) sample[s] = values[Math.floor(s * step)] as number;
  sample.sort();
  const low = sample[SAMPLE_SIZE / 2 - BRACKET_HALF_WIDTH] as number;
  const high = sample[SAMPLE_SIZE / 2 + BRACKET_HALF_WIDTH] as number;
  // Sized for the worst case but only the pages written (about an eighth) are ever touched.
  const inside = new Float64Array(size);
  let count = 0;
  let below = 0;
  let belowMax = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < size; k++) {
    const value = values[k] as number;
    if (value < low) {
      below++;
      if (value > belowMax) belowMax = value;
    } else if (value <= high) inside[count++] = value;
  }
  const middle = size >> 1;
  const rank = middle - below;
  if (rank < 0 || rank >= count) return Number.NaN;
  const upper = selectInPlace(inside, 0, count - 1, rank);
  if (size % 2 === 1) return upper;
  let lower = belowMax;
  for (let k = 0; k < rank; k++) if ((inside[k] as number) > lower) lower = inside[k] as number;
  return 0.5 * (lower + upper);
}
