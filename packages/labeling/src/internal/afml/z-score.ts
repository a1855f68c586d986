export interface ZScoreFilterOptions {
  /** Bars in the rolling mean, the current bar included. */
  meanWindow: number;
  /** Bars in the rolling sample standard deviation (ddof 1), the current bar included; at least 2. */
  stdWindow: number;
  /** z: an event when the value is at least mean + z·std. */
  threshold: number;
  /** Also fire when the value is at most mean − z·std (default false: upward only, as mlfinlab). */
  twoSided?: boolean;
}

/**
 * Rolling mean or sample std over the last `w` values ending at each bar: sums slid one bar at a
 * time, recomputed from scratch (on deviations from the window's first value, so prices far from 0
 * keep their digits) every `w` bars and while a NaN is in the sums; NaN until `w` values are in.
 */
function rolling(x: Float64Array, w: number, wantStd: boolean): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(Number.NaN);
  let ref = 0;
  let s = 0;
  let ss = 0;
  let anchoredAt = -Infinity;
  for (let i = w - 1; i < n; i++) {
    if (i - anchoredAt >= w || Number.isNaN(s)) {
      const start = i - w + 1;
      ref = x[start] as number;
      s = 0;
      ss = 0;
      for (let j = start; j <= i; j++) {
        const d = (x[j] as number) - ref;
        s += d;
        ss += d * d;
      }
      anchoredAt = i;
    } else {
      const add = (x[i] as number) - ref;
      const drop = (x[i - w] as number) - ref;
      s += add - drop;
      ss += add * add - drop * drop;
    }
    out[i] = wantStd ? Math.sqrt(Math.max(0, (ss - (s * s) / w) / (w - 1))) : ref + s / w;
  }
  return out;
}

/**
 * The z-score event filter (AFML § 2.5.2.1; mlfinlab's `z_score_filter`): bar i is an event when
 * x[i] ≥ mean(x over the last `meanWindow` bars) + z · std(x over the last `stdWindow` bars), both
 * windows ending at bar i, so an event uses no later bar. With `twoSided`, x[i] ≤ mean − z·std
 * fires too. Bars before both windows fill are never events; a NaN in a window, or a window of
 * equal values (std 0, no z-score: mlfinlab's `>=` would fire on every flat bar), makes no event. Apply it to whatever series the caller samples on (closes, log closes, a spread).
 */
export function zScoreEvents(series: Float64Array, options: ZScoreFilterOptions): Int32Array {
  const { meanWindow, stdWindow, threshold } = options;
  if (!Number.isInteger(meanWindow) || meanWindow < 1 || !Number.isInteger(stdWindow) || stdWindow < 2) {
    throw new RangeError(`zScoreEvents: meanWindow must be an integer ≥ 1 and stdWindow ≥ 2 (got ${meanWindow}, ${stdWindow})`);
  }
  const mean = rolling(series, meanWindow, false);
  const std = rolling(series, stdWindow, true);
  const events = new Int32Array(series.length);
  let count = 0;
  for (let i = 0; i < series.length; i++) {
    const x = series[i] as number;
    const sd = std[i] as number;
    if (!(sd > 0)) continue;
    const band = threshold * sd;
    const m = mean[i] as number;
    if (x >= m + band || (options.twoSided === true && x <= m - band)) events[count++] = i;
  }
  return events.slice(0, count);
}
