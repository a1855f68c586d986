import { SPLIT_CODE_NAMES, SPLIT_EMBARGOED, SPLIT_INVALID, SPLIT_PURGED, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL } from '@tribar/artifacts';
import { UsageError } from '@tribar/core';
import { countBefore, type CalendarCuts } from '@tribar/market';
import { INVALID_LABEL } from '@tribar/quant';

/** One symbol and horizon: bar times, labels and label end times (UTC ms), all the same length. */
export interface LabelWindows {
  /** Bar (entry) times, strictly ascending. */
  timestamp: ArrayLike<number>;
  /** Labels; `INVALID_LABEL` (−99) or NaN marks a row no split may use. */
  label: ArrayLike<number>;
  /** Time of the bar that decided the label (`label_end_time_h{h}`); NaN is treated as "never ends". */
  labelEndTime: ArrayLike<number>;
}

export interface AssignOptions {
  /**
   * Minimum gap in bars before each boundary: the last `purgeBars` bars of the symbol before a
   * boundary are purged even when their label windows end before it. The exact purge by label end
   * time already removes every leaking window; this keeps the original's fixed gap as a floor, so
   * a feature window or a label recomputed with longer barriers still cannot straddle the cut.
   */
  purgeBars: number;
  /** The first `embargoBars` bars of the symbol at or after each boundary are embargoed. */
  embargoBars: number;
  /** Optionally also embargo every bar with boundary ≤ t < boundary + embargoMs (a duration). */
  embargoMs?: number;
}

export interface SplitCounts {
  train: number;
  val: number;
  test: number;
  purged: number;
  embargoed: number;
  invalid: number;
}

/**
 * The split code of every bar of one symbol for one horizon, given the calendar cuts shared by
 * all symbols (`calendarCuts`).
 *
 * A bar is train if t < trainEnd, val if trainEnd ≤ t < valEnd, test otherwise; then, by priority:
 * 1. invalid (−3): label −99 or NaN — no split may learn from or score it;
 * 2. purged (−1): a train bar whose label ends at or after trainEnd, a val bar whose label ends at
 *    or after valEnd (its outcome is decided inside the next split), or one of the last
 *    `purgeBars` bars before a boundary (the minimum gap);
 * 3. embargoed (−2): one of the first `embargoBars` bars at or after a boundary (or within
 *    `embargoMs` of it), so serial correlation right after the cut does not link the two splits.
 *
 * Bars are counted per symbol (the original counted rows of the interleaved symbols, which made
 * the gap about half as long in each symbol's own bars).
 */
export function assignSplits(windows: LabelWindows, cuts: CalendarCuts, options: AssignOptions): Int8Array {
  const { timestamp, label, labelEndTime } = windows;
  const n = timestamp.length;
  if (label.length !== n || labelEndTime.length !== n) {
    throw new UsageError(`assignSplits: ${n} timestamps but ${label.length} labels and ${labelEndTime.length} end times`);
  }
  if (!(cuts.trainEnd <= cuts.valEnd)) throw new UsageError(`assignSplits: trainEnd ${cuts.trainEnd} is after valEnd ${cuts.valEnd}`);
  for (const [name, value] of [
    ['purgeBars', options.purgeBars],
    ['embargoBars', options.embargoBars],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) throw new UsageError(`assignSplits: ${name} must be a non-negative integer, got ${value}`);
  }
  const embargoMs = options.embargoMs ?? 0;
  if (!(embargoMs >= 0)) throw new UsageError(`assignSplits: embargoMs must be ≥ 0, got ${embargoMs}`);
  const times = Float64Array.from(timestamp);
  for (let i = 1; i < n; i++) {
    if (!((times[i] as number) > (times[i - 1] as number)))
      throw new UsageError(`assignSplits: timestamps must be strictly ascending (row ${i})`);
  }
  const trainCount = countBefore(times, cuts.trainEnd);
  const valCount = countBefore(times, cuts.valEnd);
  const codes = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const part = i < trainCount ? SPLIT_TRAIN : i < valCount ? SPLIT_VAL : SPLIT_TEST;
    const l = label[i] as number;
    if (l === INVALID_LABEL || Number.isNaN(l)) {
      codes[i] = SPLIT_INVALID;
      continue;
    }
    // NaN end time: the window is unknown, so assume it runs to the end of the data (purge it).
    const endRaw = labelEndTime[i] as number;
    const end = Number.isNaN(endRaw) ? Number.POSITIVE_INFINITY : endRaw;
    const nextBoundary = part === SPLIT_TRAIN ? cuts.trainEnd : part === SPLIT_VAL ? cuts.valEnd : Number.POSITIVE_INFINITY;
    const inPurgeGap =
      (i < trainCount && i >= trainCount - options.purgeBars) || (i >= trainCount && i < valCount && i >= valCount - options.purgeBars);
    if (end >= nextBoundary || inPurgeGap) {
      codes[i] = SPLIT_PURGED;
      continue;
    }
    const t = times[i] as number;
    const inEmbargo =
      (i >= trainCount && i < trainCount + options.embargoBars) ||
      (i >= valCount && i < valCount + options.embargoBars) ||
      (t >= cuts.trainEnd && t < cuts.trainEnd + embargoMs) ||
      (t >= cuts.valEnd && t < cuts.valEnd + embargoMs);
    codes[i] = inEmbargo ? SPLIT_EMBARGOED : part;
  }
  return codes;
}

export function countCodes(codes: ArrayLike<number>): SplitCounts {
  const counts: SplitCounts = { train: 0, val: 0, test: 0, purged: 0, embargoed: 0, invalid: 0 };
  for (let i = 0; i < codes.length; i++) {
    const name = SPLIT_CODE_NAMES[codes[i] as number] as keyof SplitCounts | undefined;
    if (name === undefined) throw new UsageError(`unknown split code ${codes[i]} at row ${i}`);
    counts[name]++;
  }
  return counts;
}

/** Row indices carrying `code`, ascending: what a trainer feeds on. */
export function indicesOf(codes: ArrayLike<number>, code: number): Int32Array {
  let count = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) out[k++] = i;
  return out;
}
