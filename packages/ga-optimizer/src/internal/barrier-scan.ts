import type { SameBarRule } from '@tribar/quant';
import { emptyTally, type LabelTally } from './fitness-tally.js';

/**
 * The GA's fast path to the label tally of one parameter set: the same labels as
 * `tripleBarrier` from `@tribar/core` (a test checks them equal on random series, NaN and all),
 * found by binary lifting over range-max/min tables instead of a bar-by-bar scan.
 *
 * The GA labels one block ~1,150 times with different barriers. The first bar whose high reaches
 * the upper barrier is found in log₂(maxBars) steps: skip the largest power-of-two run of bars
 * whose highest high stays below the barrier, then the next smaller one, and so on. The tables
 * are built once per block; labels are tallied on the fly, never written.
 */
export interface RangeIndex {
  n: number;
  /**
   * Levels 0 … top, interleaved by position (index p · (top + 1) + j): the max high (min low) over
   * bars p … p + 2^j − 1. A search reads a few nearby positions at several levels, so keeping a
   * position's levels together keeps it in cache (level-major tables cost a cache miss a step).
   */
  top: number;
  maxHigh: Float64Array;
  minLow: Float64Array;
}

/** NaN-skipping extremes, like the kernel's comparisons (a NaN high never touches a barrier). */
const higher = (a: number, b: number) => (a >= b || b !== b ? a : b);
const lower = (a: number, b: number) => (a <= b || b !== b ? a : b);

/** Tables for windows up to `maxWindow` bars. */
export function buildRangeIndex(high: Float64Array, low: Float64Array, maxWindow: number): RangeIndex {
  const n = high.length;
  const top = Math.max(0, Math.floor(Math.log2(Math.max(1, maxWindow))));
  const levels = top + 1;
  const maxHigh = new Float64Array(n * levels);
  const minLow = new Float64Array(n * levels);
  for (let p = 0; p < n; p++) {
    maxHigh[p * levels] = high[p] as number;
    minLow[p * levels] = low[p] as number;
  }
  for (let j = 1; j <= top; j++) {
    const half = 1 << (j - 1);
    for (let p = 0; p + (1 << j) <= n; p++) {
      const at = p * levels + j;
      const next = (p + half) * levels + j - 1;
      maxHigh[at] = higher(maxHigh[at - 1] as number, maxHigh[next] as number);
      minLow[at] = lower(minLow[at - 1] as number, minLow[next] as number);
    }
  }
  return { n, top, maxHigh, minLow };
}

export interface ScanInput {
  open: Float64Array;
  close: Float64Array;
  atr: Float64Array;
}

export interface ScanParams {
  kUp: number;
  kDown: number;
  maxBars: number;
  sameBarRule: SameBarRule;
  /** Barrier widening in price units (cost-aware labels), 0 otherwise. */
  costPrice: number;
}

/**
 * Tally the labels `tripleBarrier(input, params)` would give, with each trade's net return
 * label × (close[end] / close[i] − 1) − costReturn[i], in row order.
 */
export function tallyBarriers(input: ScanInput, index: RangeIndex, params: ScanParams, costReturn: Float64Array): LabelTally {
  const { open, close, atr } = input;
  const { n, maxHigh, minLow } = index;
  const { kUp, kDown, maxBars } = params;
  if (maxBars > 2 ** (index.top + 1) - 1)
    throw new RangeError(`range index covers ${2 ** (index.top + 1) - 1} bars, maxBars is ${maxBars}`);
  const cost = params.costPrice;
  const invalidDoubleTouch = params.sameBarRule === 'invalid';
  const topForWindow = Math.floor(Math.log2(maxBars));
  const windowRun = 1 << topForWindow;
  const levels = index.top + 1;
  const tally = emptyTally();
  const lastValid = n - maxBars;
  for (let i = 0; i < lastValid; i++) {
    const e = close[i] as number;
    if (!(e > 0) || e === Infinity) continue; // −99
    const a = atr[i] as number;
    if (!(a > 0)) {
      tally.neutral++;
      continue;
    }
    const upper = e + kUp * a + cost;
    const lowerBarrier = e - kDown * a - cost;
    // The whole window's extremes from two overlapping top-level runs: a row that touches
    // neither barrier (a timeout) or only one costs no search for the other side.
    const tail = i + maxBars - windowRun + 1;
    const upTouched = higher(maxHigh[(i + 1) * levels + topForWindow] as number, maxHigh[tail * levels + topForWindow] as number) >= upper;
    const downTouched =
      lower(minLow[(i + 1) * levels + topForWindow] as number, minLow[tail * levels + topForWindow] as number) <= lowerBarrier;
    if (!upTouched && !downTouched) {
      tally.neutral++;
      continue;
    }
    // First offset 1 … maxBars whose high reaches the upper barrier (maxBars + 1: none).
    let upAt = maxBars + 1;
    let pos: number;
    let remaining: number;
    if (upTouched) {
      pos = i + 1;
      remaining = maxBars;
      for (let j = topForWindow; j >= 0; j--) {
        const length = 1 << j;
        if (length <= remaining && !((maxHigh[pos * levels + j] as number) >= upper)) {
          pos += length;
          remaining -= length;
        }
      }
      upAt = pos - i;
    }
    let downAt = maxBars + 1;
    if (downTouched) {
      // The lower barrier matters only up to the upper touch (same bar included).
      pos = i + 1;
      remaining = upAt <= maxBars ? upAt : maxBars;
      for (let j = topForWindow; j >= 0; j--) {
        const length = 1 << j;
        if (length <= remaining && !((minLow[pos * levels + j] as number) <= lowerBarrier)) {
          pos += length;
          remaining -= length;
        }
      }
      if (remaining > 0) downAt = pos - i;
    }
    let label: number;
    let bars: number;
    if (upAt > maxBars && downAt > maxBars) {
      tally.neutral++;
      continue;
    } else if (upAt === downAt) {
      if (invalidDoubleTouch) continue; // −99
      const o = open[i + upAt] as number;
      label = Math.abs(o - upper) <= Math.abs(o - lowerBarrier) ? 1 : -1;
      bars = upAt;
    } else if (upAt < downAt) {
      label = 1;
      bars = upAt;
    } else {
      label = -1;
      bars = downAt;
    }
    if (label === 1) tally.long++;
    else tally.short++;
    const net = label * ((close[i + bars] as number) / e - 1) - (costReturn[i] as number);
    tally.sum += net;
    tally.sumSquares += net * net;
    tally.barsSum += bars;
  }
  return tally;
}
