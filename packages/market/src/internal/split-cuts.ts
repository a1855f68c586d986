import { UsageError } from '@tribar/core';

export interface SplitRatios {
  train: number;
  val: number;
  test: number;
}

/** Where train ends and validation ends, as UTC ms; the same instants for every symbol. */
export interface CalendarCuts {
  /** First instant of validation: bars with timestamp < trainEnd are train. */
  trainEnd: number;
  /** First instant of test: bars with trainEnd ≤ timestamp < valEnd are validation. */
  valEnd: number;
}

/**
 * One calendar cut for all symbols: the instants below which `train` (and `train + val`) of all
 * symbols' bars, pooled, fall. Cutting by time, not by row, keeps every symbol's splits in the
 * same calendar periods (the original cut the interleaved rows of two symbols, so one symbol's
 * train could overlap the other's validation in time).
 *
 * Every stage that needs "the train part" (feature selection of d, GA barriers, quality
 * percentiles, scaling) uses these cuts, so they all agree with the `splits` stage. Purge and
 * embargo are applied by the splits stage on top of them.
 */
export function calendarCuts(timestampsPerSymbol: readonly Float64Array[], ratios: SplitRatios): CalendarCuts {
  const total = timestampsPerSymbol.reduce((sum, timestamps) => sum + timestamps.length, 0);
  if (total === 0) throw new UsageError('calendarCuts needs at least one bar');
  const sum = ratios.train + ratios.val + ratios.test;
  if (!(ratios.train > 0 && ratios.val > 0 && ratios.test > 0) || Math.abs(sum - 1) > 1e-6) {
    throw new UsageError(`split ratios must be positive and sum to 1, got ${ratios.train}/${ratios.val}/${ratios.test}`);
  }
  const pooled = new Float64Array(total);
  let offset = 0;
  for (const timestamps of timestampsPerSymbol) {
    pooled.set(timestamps, offset);
    offset += timestamps.length;
  }
  pooled.sort();
  const at = (fraction: number) => pooled[Math.min(total - 1, Math.floor(fraction * total))] as number;
  return { trainEnd: at(ratios.train), valEnd: at(ratios.train + ratios.val) };
}

/** Number of leading bars (timestamps ascending) that fall before `cut`. */
export function countBefore(timestamps: Float64Array, cut: number): number {
  let low = 0;
  let high = timestamps.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((timestamps[middle] as number) < cut) low = middle + 1;
    else high = middle;
  }
  return low;
}
