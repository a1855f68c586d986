import { UsageError } from '@tribar/core';

/**
 * Triple-barrier labeling kernel (the original's `stage4_labeling.triple_barrier_numba`, BASE+).
 *
 * Entry at the close of bar i; barriers `close ± k·ATR[i]` (widened by `costPrice` when cost-aware)
 * are tested on the HIGH and LOW of bars i+1 … i+maxBars; the first bar that touches decides.
 * Excursions are updated before the barrier test, so they include the deciding bar.
 *
 * It lives in core because both the labeling stages and the GA optimiser run it, and data
 * stages may not import each other.
 */

/** How to decide a bar whose high reaches the upper and whose low reaches the lower barrier. */
export type SameBarRule = 'nearerOpen' | 'invalid';

/** Label of rows that cannot be labeled: the last maxBars rows, and same-bar double touches under 'invalid'. */
export const INVALID_LABEL = -99;

/** touch_type codes: the original stores the label (+1, −1, 0); a double touch under 'invalid' is 2. */
export const TOUCH_UPPER = 1;
export const TOUCH_LOWER = -1;
export const TOUCH_NONE = 0;
export const TOUCH_BOTH = 2;

export interface TripleBarrierInput {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  atr: Float64Array;
  timestamp?: Float64Array;
}

export interface TripleBarrierParams {
  kUp: number;
  kDown: number;
  maxBars: number;
  sameBarRule?: SameBarRule;
  /** price units added to the upper and subtracted from the lower barrier distance (cost-aware), default 0 */
  costPrice?: number;
}

export interface TripleBarrierResult {
  /**
   * +1 upper first, −1 lower first, 0 timeout, −99 invalid (the last maxBars rows; a same-bar
   * double touch under 'invalid'; a non-finite or non-positive entry close). NaN or ≤ 0 ATR
   * keeps the original's answer: label 0 with barsToHit = maxBars and zero excursions.
   */
  label: Int8Array;
  /** Bars from entry to the deciding bar (1 … maxBars); maxBars on timeout; 0 on −99 rows at the end. */
  barsToHit: Int32Array;
  /** Maximum adverse excursion, (min low − entry) / entry ≤ 0, over bars i+1 … decision. */
  mae: Float64Array;
  /** Maximum favourable excursion, (max high − entry) / entry ≥ 0, over bars i+1 … decision. */
  mfe: Float64Array;
  /** Which barrier was touched: 1 upper, −1 lower, 0 none (timeout), 2 both on the same bar under 'invalid'. */
  touchType: Int8Array;
  /** Index of the bar where the label was decided (hit bar or i+maxBars); −1 when there is none. */
  endIndex: Int32Array;
  /** timestamp[endIndex] when timestamps are given, else NaN. */
  endTime: Float64Array;
  /** close[endIndex] / close[i] − 1; NaN when the label is invalid. */
  forwardReturn: Float64Array;
}

/**
 * Buffers `tripleBarrierInto` writes: the label and bars to hit always, every other output only
 * when its buffer is given, all in one pass. Leaving out mae and mfe drops the running extremes
 * from the scan (e.g. the GA's reference fitness reads only label, bars to hit and forward return).
 */
export type TripleBarrierBuffers = Pick<TripleBarrierResult, 'label' | 'barsToHit'> &
  Partial<Pick<TripleBarrierResult, 'mae' | 'mfe' | 'touchType' | 'endIndex' | 'endTime' | 'forwardReturn'>>;

/** Allocate a result for n rows, for callers that label many parameter sets into the same buffers. */
export function allocateTripleBarrierResult(n: number): TripleBarrierResult {
  return {
    label: new Int8Array(n),
    barsToHit: new Int32Array(n),
    mae: new Float64Array(n),
    mfe: new Float64Array(n),
    touchType: new Int8Array(n),
    endIndex: new Int32Array(n),
    endTime: new Float64Array(n),
    forwardReturn: new Float64Array(n),
  };
}

function checkParams(params: TripleBarrierParams): void {
  const { kUp, kDown, maxBars } = params;
  const costPrice = params.costPrice ?? 0;
  if (!(Number.isFinite(kUp) && kUp > 0) || !(Number.isFinite(kDown) && kDown > 0)) {
    throw new UsageError(`triple barrier multipliers must be finite and > 0, got kUp=${kUp}, kDown=${kDown}`, {
      hint: 'pass ATR multiples such as kUp 2.0, kDown 1.0',
    });
  }
  if (!Number.isInteger(maxBars) || maxBars < 1) {
    throw new UsageError(`triple barrier maxBars must be an integer ≥ 1, got ${maxBars}`, {
      hint: 'maxBars is the vertical barrier in bars, e.g. 3 × horizon',
    });
  }
  if (!(Number.isFinite(costPrice) && costPrice >= 0)) {
    throw new UsageError(`triple barrier costPrice must be finite and ≥ 0, got ${costPrice}`, {
      hint: 'costPrice is the round-trip cost in price units (ticks × tick size)',
    });
  }
  const rule = params.sameBarRule ?? 'nearerOpen';
  if (rule !== 'nearerOpen' && rule !== 'invalid') {
    throw new UsageError(`unknown sameBarRule '${String(rule)}'`, { hint: "use 'nearerOpen' or 'invalid'" });
  }
}

function checkInput(input: TripleBarrierInput, n: number): void {
  const columns = ['open', 'high', 'low', 'close', 'atr', 'timestamp'] as const;
  for (const name of columns) {
    const column = input[name];
    if (column !== undefined && column.length !== n) {
      throw new UsageError(`triple barrier input '${name}' has ${column.length} rows, close has ${n}`, {
        hint: 'pass columns of one series, all the same length',
      });
    }
  }
}

/** Label every bar of one series. See the module comment for the semantics. */
export function tripleBarrier(input: TripleBarrierInput, params: TripleBarrierParams): TripleBarrierResult {
  const out = allocateTripleBarrierResult(input.close.length);
  tripleBarrierInto(input, params, out);
  return out;
}

/**
 * `tripleBarrier` writing into preallocated buffers (each at least as long as the input), in one
 * pass: only the outputs given are written (label and bars to hit always), and every row of the
 * first n of each is overwritten. Without mae and mfe the scan skips the excursions; with only
 * one of mae, mfe and touch type given, the others go to scratch buffers. Plain loops.
 */
export function tripleBarrierInto(input: TripleBarrierInput, params: TripleBarrierParams, out: TripleBarrierBuffers): void {
  const { open, high, low, close, atr, timestamp } = input;
  const n = close.length;
  checkInput(input, n);
  checkParams(params);
  for (const [name, buffer] of Object.entries(out) as [string, ArrayLike<number> | undefined][]) {
    if (buffer !== undefined && buffer.length < n) {
      throw new UsageError(`result buffer '${name}' holds ${buffer.length} rows, input has ${n}`, {
        hint: 'allocate the buffers with allocateTripleBarrierResult(n) for the longest input',
      });
    }
  }
  if (out.mae === undefined && out.mfe === undefined) {
    scanOutcomes(input, params, out);
    return;
  }
  const { kUp, kDown, maxBars } = params;
  const cost = params.costPrice ?? 0;
  const invalidDoubleTouch = params.sameBarRule === 'invalid';
  const { label, barsToHit, endIndex, endTime, forwardReturn } = out;
  // One scan loop, every output written (a missing mae, mfe or touch type to scratch): variants
  // with each output optional, or this loop in a function of its own, measured 15–20 % slower.
  const mae = out.mae ?? new Float64Array(n);
  const mfe = out.mfe ?? new Float64Array(n);
  const touchType = out.touchType ?? new Int8Array(n);
  // Rows max(0, n − maxBars) … n − 1 have no full window: −99 (BASE+), so no valid row is ever
  // labeled on a truncated window (the BASE quirk of timeouts with bars_to_hit = maxBars on a
  // window that had fewer bars cannot arise).
  const lastValid = n - maxBars; // exclusive

  for (let i = 0; i < lastValid; i++) {
    const e = close[i] as number;
    const a = atr[i] as number;
    if (!(e > 0) || e === Infinity) {
      label[i] = INVALID_LABEL;
      barsToHit[i] = 0;
      mae[i] = 0;
      mfe[i] = 0;
      touchType[i] = TOUCH_NONE;
      if (endIndex !== undefined) endIndex[i] = -1;
      if (endTime !== undefined) endTime[i] = NaN;
      if (forwardReturn !== undefined) forwardReturn[i] = NaN;
      continue;
    }
    // The touch type follows from the result (2 only for a double touch under 'invalid'), so it
    // is not tracked in the loop: fewer live values there let V8 keep the scan in registers.
    let result = 0;
    let j = maxBars;
    if (a > 0) {
      const upper = e + kUp * a + cost;
      const lower = e - kDown * a - cost;
      const stop = i + maxBars;
      // Running extremes of high and low; (x − e) / e is monotone in x, so the excursion of the
      // extreme equals the extreme of the excursions. They are kept branch-free: a
      // data-dependent branch here mispredicts about once a bar and costs more than the scan,
      // and V8's Math.max branches too. max(d, 0) = (d + |d|) / 2 is exact, and m + d equals the
      // new extreme exactly while the extremes stay within [e/2, 2e] (Sterbenz), checked after
      // the loop; NaN or ±Infinity fail that check too and take the exact path below. Two
      // accumulators (even and odd bars) halve the loop-carried dependency chain (four measured
      // no faster). The exit test that fires decides the label in the loop (as the original's
      // loop does): classifying after the loop re-read the bar and branched on it again, one
      // more data-dependent branch a row (measured 3–5 % slower).
      let highA = e;
      let lowA = e;
      let highB = e;
      let lowB = e;
      let k = i + 1;
      for (;;) {
        let h = high[k] as number;
        let l = low[k] as number;
        let d = h - highA;
        highA += (d + Math.abs(d)) * 0.5;
        d = l - lowA;
        lowA += (d - Math.abs(d)) * 0.5;
        if (h >= upper) {
          result = l <= lower ? doubleTouch(open[k] as number, upper, lower, invalidDoubleTouch) : 1;
          break;
        }
        if (l <= lower) {
          result = -1;
          break;
        }
        if (k === stop) break;
        k++;
        h = high[k] as number;
        l = low[k] as number;
        d = h - highB;
        highB += (d + Math.abs(d)) * 0.5;
        d = l - lowB;
        lowB += (d - Math.abs(d)) * 0.5;
        if (h >= upper) {
          result = l <= lower ? doubleTouch(open[k] as number, upper, lower, invalidDoubleTouch) : 1;
          break;
        }
        if (l <= lower) {
          result = -1;
          break;
        }
        if (k === stop) break;
        k++;
      }
      j = k - i;
      let d = highB - highA;
      let maxHigh = highA + (d + Math.abs(d)) * 0.5;
      d = lowB - lowA;
      let minLow = lowA + (d - Math.abs(d)) * 0.5;
      const twice = 2 * e;
      const half = 0.5 * e;
      if (!(highA <= twice && highB <= twice && lowA >= half && lowB >= half)) {
        // Exact path, skipping NaN as Python's max/min in the original do.
        maxHigh = e;
        minLow = e;
        for (let m = i + 1; m <= k; m++) {
          const hm = high[m] as number;
          const lm = low[m] as number;
          if (hm > maxHigh) maxHigh = hm;
          if (lm < minLow) minLow = lm;
        }
      }
      mfe[i] = (maxHigh - e) / e;
      mae[i] = (minLow - e) / e;
    } else {
      // NaN or ≤ 0 ATR: the original's timeout without a scan (mae = mfe = 0).
      mfe[i] = 0;
      mae[i] = 0;
    }
    label[i] = result;
    touchType[i] = result === INVALID_LABEL ? TOUCH_BOTH : result;
    barsToHit[i] = j;
    // The end, its time and the forward return in the same pass: a second pass over barsToHit
    // measured 5–9 % slower for the stage's eight outputs.
    if (endIndex !== undefined) endIndex[i] = i + j;
    if (endTime !== undefined) endTime[i] = timestamp === undefined ? NaN : (timestamp[i + j] as number);
    if (forwardReturn !== undefined) forwardReturn[i] = result === INVALID_LABEL ? NaN : (close[i + j] as number) / e - 1;
  }
  for (let i = lastValid < 0 ? 0 : lastValid; i < n; i++) {
    label[i] = INVALID_LABEL;
    barsToHit[i] = 0;
    mae[i] = 0;
    mfe[i] = 0;
    touchType[i] = TOUCH_NONE;
    if (endIndex !== undefined) endIndex[i] = -1;
    if (endTime !== undefined) endTime[i] = NaN;
    if (forwardReturn !== undefined) forwardReturn[i] = NaN;
  }
}

/** An unlabelable row: −99, no end (the end index −1, its time and forward return NaN). */
function invalidRow(
  i: number,
  label: Int8Array,
  barsToHit: Int32Array,
  mae: Float64Array | undefined,
  mfe: Float64Array | undefined,
  touchType: Int8Array | undefined,
  endIndex: Int32Array | undefined,
  endTime: Float64Array | undefined,
  forwardReturn: Float64Array | undefined,
): void {
  label[i] = INVALID_LABEL;
  barsToHit[i] = 0;
  if (mae !== undefined) mae[i] = 0;
  if (mfe !== undefined) mfe[i] = 0;
  if (touchType !== undefined) touchType[i] = TOUCH_NONE;
  if (endIndex !== undefined) endIndex[i] = -1;
  if (endTime !== undefined) endTime[i] = NaN;
  if (forwardReturn !== undefined) forwardReturn[i] = NaN;
}

/**
 * The label of the deciding bar k (touched or the last of the window): +1, −1, 0, or the
 * same-bar double touch rule's answer (nearer the open wins, tie → +1, the original; or −99).
 */
function decide(h: number, l: number, o: number, upper: number, lower: number, invalidDoubleTouch: boolean): number {
  if (h >= upper) {
    if (l <= lower) return invalidDoubleTouch ? INVALID_LABEL : Math.abs(o - upper) <= Math.abs(o - lower) ? 1 : -1;
    return 1;
  }
  return l <= lower ? -1 : 0;
}

/** Same-bar double touch: nearer the open wins, tie → +1 (the original), or −99 under 'invalid'. */
function doubleTouch(o: number, upper: number, lower: number, invalidDoubleTouch: boolean): number {
  return invalidDoubleTouch ? INVALID_LABEL : Math.abs(o - upper) <= Math.abs(o - lower) ? 1 : -1;
}

/** Label, bars to hit and whichever of touch type, end, end time and forward return are given: no excursions. */
function scanOutcomes(input: TripleBarrierInput, params: TripleBarrierParams, out: TripleBarrierBuffers): void {
  const { open, high, low, close, atr, timestamp } = input;
  const { kUp, kDown, maxBars } = params;
  const cost = params.costPrice ?? 0;
  const invalidDoubleTouch = params.sameBarRule === 'invalid';
  const { label, barsToHit, touchType, endIndex, endTime, forwardReturn } = out;
  const lastValid = close.length - maxBars; // exclusive
  for (let i = 0; i < lastValid; i++) {
    const e = close[i] as number;
    const a = atr[i] as number;
    if (!(e > 0) || e === Infinity) {
      invalidRow(i, label, barsToHit, undefined, undefined, touchType, endIndex, endTime, forwardReturn);
      continue;
    }
    let result = 0;
    let j = maxBars;
    if (a > 0) {
      const upper = e + kUp * a + cost;
      const lower = e - kDown * a - cost;
      const stop = i + maxBars;
      let k = i + 1;
      while (k < stop && !((high[k] as number) >= upper) && !((low[k] as number) <= lower)) k++;
      j = k - i;
      result = decide(high[k] as number, low[k] as number, open[k] as number, upper, lower, invalidDoubleTouch);
    }
    label[i] = result;
    barsToHit[i] = j;
    const end = i + j;
    if (touchType !== undefined) touchType[i] = result === INVALID_LABEL ? TOUCH_BOTH : result;
    if (endIndex !== undefined) endIndex[i] = end;
    if (endTime !== undefined) endTime[i] = timestamp === undefined ? NaN : (timestamp[end] as number);
    if (forwardReturn !== undefined) forwardReturn[i] = result === INVALID_LABEL ? NaN : (close[end] as number) / e - 1;
  }
  for (let i = lastValid < 0 ? 0 : lastValid; i < close.length; i++) {
    invalidRow(i, label, barsToHit, undefined, undefined, touchType, endIndex, endTime, forwardReturn);
  }
}
