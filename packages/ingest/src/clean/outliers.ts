import { calendarForSymbol, type Bars, type CmeCalendar } from '@tribar/core';
import { medianInPlace as median } from './robust.js';
import { copyBars, selectRows, sessionIdsOf, tickRounder } from './session-ids.js';

/**
 * Bad-print detection on one-minute bars, replacing the original's rules (original-system.md
 * §3): a plain z-score of pct_change > 5 and |Δclose| > 5 ATR, whose mean and standard
 * deviation are inflated by the very spikes they hunt, computed across overnight and weekend
 * gaps (so every large weekend gap was a "spike"), and whose hits were deleted outright.
 *
 * Here:
 * - one-bar log return r_i = ln(C_i / C_{i−1}) inside a session; the first bar of a session uses
 *   ln(C_i / O_i), so session-open gaps (and the roll jumps that sit there) are never returns;
 * - robust z = (r − median) / (1.4826 · MAD) (Rousseeuw & Croux 1993; 1.4826 makes the MAD a
 *   consistent σ under normality), with median and MAD taken per session hour, because the
 *   1-minute volatility of index futures varies several-fold between overnight and the US open
 *   and one scale for the day would flag ordinary open-auction bars;
 * - range outlier: H − L > rangeAtr × ATR(14) of the session's bars before it (Wilder's
 *   smoothing, restarted each session so neither a weekend gap nor the quiet pre-halt minutes
 *   set the yardstick for the re-open).
 */

export type OutlierAction = 'flag' | 'drop' | 'winsorize';

export interface OutlierOptions {
  returnZ: number;
  rangeAtr: number;
  sessions?: CmeCalendar;
  /** ATR period (Wilder), default 14. */
  atrPeriod?: number;
  /** Bars to leave alone (e.g. roll bars when rolls are not adjusted, or filled bars): 1 = skip. */
  skip?: Uint8Array;
  /** Price grid: a robust scale never drops below one tick, and rebuilt bars land on the grid. */
  tickSize?: number | undefined;
}

export const RETURN_OUTLIER = 1;
export const RANGE_OUTLIER = 2;

export interface OutlierDetection {
  /** Per bar: 0, or RETURN_OUTLIER | RANGE_OUTLIER bits. */
  kind: Uint8Array;
  returnOutliers: number;
  rangeOutliers: number;
  /** Bars with either kind. */
  flagged: number;
  /** Per bar: the return (NaN when not defined), median and robust σ it was judged against. */
  logReturn: Float64Array;
  center: Float64Array;
  scale: Float64Array;
  /** Per bar: ATR of the bars before it (NaN during warm-up). */
  atrBefore: Float64Array;
}

export interface OutlierReport {
  action: OutlierAction;
  returnOutliers: number;
  rangeOutliers: number;
  flagged: number;
  dropped: number;
  winsorized: number;
}

const MAD_TO_SIGMA = 1.4826;
const MIN_BUCKET_RETURNS = 20;

/** Median and MAD·1.4826 of `values` at `indices` [from, to) where eligible; writes into `result`. */
function robustLocation(
  values: Float64Array,
  eligible: Uint8Array,
  from: number,
  to: number,
  scratch: Float64Array,
  result: Float64Array,
): number {
  let size = 0;
  for (let i = from; i < to; i++) if (eligible[i] === 1) scratch[size++] = values[i] as number;
  if (size === 0) return 0;
  const center = median(scratch, size);
  for (let k = 0; k < size; k++) scratch[k] = Math.abs((scratch[k] as number) - center);
  result[0] = center;
  result[1] = MAD_TO_SIGMA * median(scratch, size);
  return size;
}

export function detectOutliers(bars: Bars, options: OutlierOptions): OutlierDetection {
  const n = bars.timestamp.length;
  const sessionIds = sessionIdsOf(bars.timestamp, options.sessions ?? calendarForSymbol(bars.symbol));
  const skip = options.skip;
  const logReturn = new Float64Array(n);
  const eligible = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const sameSession = i > 0 && sessionIds[i] !== -1 && sessionIds[i] === sessionIds[i - 1];
    const reference = sameSession ? (bars.close[i - 1] as number) : (bars.open[i] as number);
    logReturn[i] = Math.log((bars.close[i] as number) / reference);
    eligible[i] = skip?.[i] === 1 || !Number.isFinite(logReturn[i]) ? 0 : 1;
  }

  const scratch = new Float64Array(n);
  const location = new Float64Array(2);
  const center = new Float64Array(n);
  const scale = new Float64Array(n);
  robustLocation(logReturn, eligible, 0, n, scratch, location);
  const globalCenter = location[0] as number;
  const globalScale = location[1] as number;
  // Buckets: one session hour (sessions open on the hour, so a UTC hour never spans two).
  let start = 0;
  while (start < n) {
    const hour = Math.floor((bars.timestamp[start] as number) / 3_600_000);
    let end = start + 1;
    while (end < n && sessionIds[end] === sessionIds[start] && Math.floor((bars.timestamp[end] as number) / 3_600_000) === hour) end++;
    const size = robustLocation(logReturn, eligible, start, end, scratch, location);
    const useLocal = size >= MIN_BUCKET_RETURNS && (location[1] as number) > 0;
    for (let i = start; i < end; i++) {
      center[i] = useLocal ? (location[0] as number) : globalCenter;
      scale[i] = useLocal ? (location[1] as number) : globalScale;
    }
    start = end;
  }

  const period = options.atrPeriod ?? 14;
  const atrBefore = new Float64Array(n);
  const kind = new Uint8Array(n);
  let atr = Number.NaN;
  let seedSum = 0;
  let seedCount = 0;
  let lastGoodClose = Number.NaN;
  let returnOutliers = 0;
  let rangeOutliers = 0;
  let flagged = 0;
  for (let i = 0; i < n; i++) {
    const high = bars.high[i] as number;
    const low = bars.low[i] as number;
    const close = bars.close[i] as number;
    const sameSession = i > 0 && sessionIds[i] !== -1 && sessionIds[i] === sessionIds[i - 1];
    if (!sameSession) {
      // The ATR restarts each session: the last quiet minutes before a halt say nothing about
      // the busy re-open, so the first `period` bars of a session get only the return test.
      atr = Number.NaN;
      seedSum = 0;
      seedCount = 0;
      lastGoodClose = Number.NaN;
    }
    atrBefore[i] = atr;
    // A price tick is the finest move the market can show, so it bounds σ from below.
    const tickScale = options.tickSize ? options.tickSize / close : 0;
    const sigma = Math.max(scale[i] as number, tickScale);
    scale[i] = sigma;
    if (eligible[i] === 1) {
      const limit = options.returnZ * sigma;
      let bits = 0;
      if (sameSession && !Number.isNaN(lastGoodClose)) {
        // Judge the move from the last good close, so the bar after a bad print (its mirror
        // image) is not flagged too; but if the bar is in line with the bar just before it,
        // the level really moved and it is accepted, so a genuine jump cannot cascade.
        const fromGood = Math.log(close / lastGoodClose);
        logReturn[i] = fromGood;
        if (Math.abs(fromGood - (center[i] as number)) > limit) {
          const fromPrevious = Math.log(close / (bars.close[i - 1] as number));
          if (Math.abs(fromPrevious - (center[i] as number)) > limit) bits |= RETURN_OUTLIER;
          else logReturn[i] = fromPrevious;
        }
      } else if (sigma > 0 && Math.abs((logReturn[i] as number) - (center[i] as number)) > limit) {
        bits |= RETURN_OUTLIER;
      }
      if (atr > 0 && high - low > options.rangeAtr * atr) bits |= RANGE_OUTLIER;
      kind[i] = bits;
      if (bits & RETURN_OUTLIER) returnOutliers++;
      if (bits & RANGE_OUTLIER) rangeOutliers++;
      if (bits !== 0) flagged++;
    }
    if (((kind[i] as number) & RETURN_OUTLIER) === 0) lastGoodClose = close;
    if (kind[i] !== 0 || skip?.[i] === 1) continue; // a bad print must not inflate the ATR that judges the next bars
    const previousClose = bars.close[i - 1] as number;
    const trueRange = sameSession ? Math.max(high, previousClose) - Math.min(low, previousClose) : high - low;
    if (seedCount < period) {
      seedSum += trueRange;
      seedCount++;
      if (seedCount === period) atr = seedSum / period;
    } else {
      atr += (trueRange - atr) / period;
    }
  }
  return { kind, returnOutliers, rangeOutliers, flagged, logReturn, center, scale, atrBefore };
}

/**
 * Apply the configured action. `flag` adds an `outlier` column (1 = flagged); `drop` removes
 * the bars (a later gap fill may replace them with flat bars); `winsorize` rebuilds each
 * flagged bar: its return clipped to median ± returnZ·σ from the (already cleaned) previous
 * close, its wicks cut so the range is at most rangeAtr × ATR, and marks it in `outlier`.
 */
export function handleOutliers(
  bars: Bars,
  action: OutlierAction,
  options: OutlierOptions,
): { bars: Bars; report: OutlierReport; detection: OutlierDetection } {
  const detection = detectOutliers(bars, options);
  const n = bars.timestamp.length;
  const report: OutlierReport = {
    action,
    returnOutliers: detection.returnOutliers,
    rangeOutliers: detection.rangeOutliers,
    flagged: detection.flagged,
    dropped: 0,
    winsorized: 0,
  };
  if (action === 'drop') {
    const keep = new Uint8Array(n);
    for (let i = 0; i < n; i++) keep[i] = detection.kind[i] === 0 ? 1 : 0;
    report.dropped = detection.flagged;
    return { bars: selectRows(bars, keep), report, detection };
  }
  const out = copyBars(bars);
  const flags = new Float64Array(n);
  for (let i = 0; i < n; i++) flags[i] = detection.kind[i] === 0 ? 0 : 1;
  out.columns['outlier'] = flags;
  if (action === 'flag') return { bars: out, report, detection };

  const round = tickRounder(options.tickSize);
  const sessionIds = sessionIdsOf(out.timestamp, options.sessions ?? calendarForSymbol(out.symbol));
  for (let i = 0; i < n; i++) {
    const bits = detection.kind[i] as number;
    if (bits === 0) continue;
    let open = out.open[i] as number;
    let close = out.close[i] as number;
    if (bits & RETURN_OUTLIER) {
      const sameSession = i > 0 && sessionIds[i] !== -1 && sessionIds[i] === sessionIds[i - 1];
      // The previous close is read from `out`, so a run of bad bars is rebuilt from cleaned data.
      const reference = sameSession ? (out.close[i - 1] as number) : open;
      const limit = options.returnZ * (detection.scale[i] as number);
      const centerReturn = detection.center[i] as number;
      const clipped = Math.min(centerReturn + limit, Math.max(centerReturn - limit, Math.log(close / reference)));
      close = round(reference * Math.exp(clipped));
      // The open stays unless it is itself beyond the clipped move.
      open = Math.min(Math.max(open, Math.min(reference, close)), Math.max(reference, close));
    }
    const atr = detection.atrBefore[i] as number;
    const allowed = atr > 0 ? options.rangeAtr * atr : Number.POSITIVE_INFINITY;
    const bodyHigh = Math.max(open, close);
    const bodyLow = Math.min(open, close);
    const wick = Math.max(0, allowed - (bodyHigh - bodyLow)) / 2;
    out.open[i] = open;
    out.close[i] = close;
    out.high[i] = Math.max(bodyHigh, Math.min(out.high[i] as number, round(bodyHigh + wick)));
    out.low[i] = Math.min(bodyLow, Math.max(out.low[i] as number, round(bodyLow - wick)));
    report.winsorized++;
  }
  return { bars: out, report, detection };
}
