import type { OutlierReportFile } from '@tribar/artifacts';
import { calendarForSymbol, type Bars, type CmeCalendar } from '@tribar/market';
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
 *   consistent σ under normality), with median and MAD taken over a trailing window of the last
 *   `returnWindow` (60) eligible returns of the session ending at the bar, because the 1-minute volatility of
 *   index futures varies several-fold between overnight and the US open and one scale for the
 *   day would flag ordinary open-auction bars. The window ends at the bar so that no later bar
 *   takes part in the verdict (the clock hour used before took minutes after the bar, so noise
 *   at 22:06–22:59 could flip the flag of the 22:00 bar);
 * - range outlier: H − L > rangeAtr × ATR(14) of the session's bars before it (Wilder's
 *   smoothing, restarted each session so neither a weekend gap nor the quiet pre-halt minutes
 *   set the yardstick for the re-open).
 */

export type OutlierAction = OutlierReportFile['action'];

export interface OutlierOptions {
  returnZ: number;
  rangeAtr: number;
  sessions?: CmeCalendar;
  /** ATR period (Wilder), default 14. */
  atrPeriod?: number;
  /** Bars to leave alone (e.g. roll bars when rolls are not adjusted, or filled bars): 1 = skip. */
  skip?: Uint8Array;
  /**
   * Eligible one-bar returns in the trailing window whose median/MAD judge a bar (the bar's own
   * return and the ones before it in its session); default 60, at least 20.
   */
  returnWindow?: number;
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

/** Part of `clean-report.json`, so the contract's type. */
export type OutlierReport = OutlierReportFile;

const MAD_TO_SIGMA = 1.4826;
/** Fewest returns a robust location is taken from (and the smallest window allowed). */
const MIN_WINDOW_RETURNS = 20;
/** Default trailing window: 60 one-minute returns, the old clock hour's worth, but all before the bar. */
const DEFAULT_RETURN_WINDOW = 60;

/**
 * Median and MAD·1.4826 of the ascending values sorted[0, size), into `result`: the median is
 * read off, and the deviations from it, ascending on each side of it, are merged up to the
 * middle rank. The same numbers a selection over the window would give, in a third of its work
 * (this runs for every bar).
 */
function robustLocationSorted(sorted: Float64Array, size: number, result: Float64Array): void {
  const middle = size >> 1;
  const center = size % 2 === 1 ? (sorted[middle] as number) : 0.5 * ((sorted[middle - 1] as number) + (sorted[middle] as number));
  let right = middle;
  while (right > 0 && (sorted[right - 1] as number) >= center) right--;
  let left = right - 1;
  let previous = 0;
  let current = 0;
  for (let rank = 0; rank <= middle; rank++) {
    previous = current;
    const below = left >= 0 ? Math.abs((sorted[left] as number) - center) : Number.POSITIVE_INFINITY;
    const above = right < size ? Math.abs((sorted[right] as number) - center) : Number.POSITIVE_INFINITY;
    if (below <= above) {
      current = below;
      left--;
    } else {
      current = above;
      right++;
    }
  }
  result[0] = center;
  result[1] = MAD_TO_SIGMA * (size % 2 === 1 ? current : 0.5 * (previous + current));
}

/** Index in the ascending sorted[0, size) where `value` goes (before any equal value). */
function lowerBound(sorted: Float64Array, size: number, value: number): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function detectOutliers(bars: Bars, options: OutlierOptions): OutlierDetection {
  const sessionIds = sessionIdsOf(bars.timestamp, options.sessions ?? calendarForSymbol(bars.symbol));
  const judgement = judge(bars, options, sessionIds, true);
  const { kind, returnOutliers, rangeOutliers, flagged } = judgement;
  return { kind, returnOutliers, rangeOutliers, flagged, ...(judgement.detail as Detail) };
}

type Detail = Pick<OutlierDetection, 'logReturn' | 'center' | 'scale' | 'atrBefore'>;

/**
 * The verdict on every bar. Per-bar detail (four n-long arrays) is kept only when asked for:
 * acting on the verdict needs the center, σ and ATR of the flagged bars alone, and on this
 * hardware every fresh n-long array costs milliseconds in page faults.
 */
interface Judgement {
  kind: Uint8Array;
  returnOutliers: number;
  rangeOutliers: number;
  flagged: number;
  /** Center, σ and ATR-before of each flagged bar, in bar order. */
  flaggedCenter: number[];
  flaggedScale: number[];
  flaggedAtr: number[];
  detail: Detail | undefined;
}

function judge(bars: Bars, options: OutlierOptions, sessionIds: Int32Array, withDetail: boolean): Judgement {
  const n = bars.timestamp.length;
  const skip = options.skip;
  const closes = bars.close;
  const logReturn = new Float64Array(n);
  const eligible = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const sameSession = i > 0 && sessionIds[i] !== -1 && sessionIds[i] === sessionIds[i - 1];
    const reference = sameSession ? (closes[i - 1] as number) : (bars.open[i] as number);
    logReturn[i] = Math.log((closes[i] as number) / reference);
    eligible[i] = skip?.[i] === 1 || !Number.isFinite(logReturn[i]) ? 0 : 1;
  }

  // The location and scale that judge bar i come from the last `window` eligible one-bar
  // returns up to and including bar i, never from a later bar: a decision about bar i must be
  // the same whether or not the bars after it exist (issue 13, "Look-ahead and causality").
  const window = Math.max(MIN_WINDOW_RETURNS, Math.floor(options.returnWindow ?? DEFAULT_RETURN_WINDOW));
  const ring = new Float64Array(window);
  const sorted = new Float64Array(window); // the window's returns, ascending
  const location = new Float64Array(2);
  let ringSize = 0;
  let ringNext = 0;
  // A flat window (MAD 0: most recent returns equal) keeps the last positive scale seen.
  let lastScale = 0;
  let center = 0;
  let scale = 0;

  const detail: Detail | undefined = withDetail
    ? { logReturn, center: new Float64Array(n), scale: new Float64Array(n), atrBefore: new Float64Array(n) }
    : undefined;
  const flaggedCenter: number[] = [];
  const flaggedScale: number[] = [];
  const flaggedAtr: number[] = [];
  const period = options.atrPeriod ?? 14;
  const tickSize = options.tickSize;
  const returnZ = options.returnZ;
  const rangeAtr = options.rangeAtr;
  const kind = new Uint8Array(n);
  let atr = Number.NaN;
  let seedSum = 0;
  let seedCount = 0;
  let lastGoodClose = Number.NaN;
  let returnOutliers = 0;
  let rangeOutliers = 0;
  let flagged = 0;
  for (let i = 0; i < n; i++) {
    // The window restarts each session: the quiet minutes before a halt or a weekend would
    // otherwise judge the busy re-open (as the ATR below restarts for the same reason).
    if (!(i > 0 && sessionIds[i] !== -1 && sessionIds[i] === sessionIds[i - 1])) {
      ringSize = 0;
      ringNext = 0;
    }
    if (eligible[i] === 1) {
      const value = logReturn[i] as number;
      if (ringSize === window) {
        // Evict the oldest return from the sorted copy.
        const at = lowerBound(sorted, ringSize, ring[ringNext] as number);
        sorted.copyWithin(at, at + 1, ringSize);
        ringSize--;
      }
      const at = lowerBound(sorted, ringSize, value);
      sorted.copyWithin(at + 1, at, ringSize);
      sorted[at] = value;
      ringSize++;
      ring[ringNext] = value;
      ringNext = ringNext + 1 === window ? 0 : ringNext + 1;
      if (ringSize >= MIN_WINDOW_RETURNS) {
        robustLocationSorted(sorted, ringSize, location);
        center = location[0] as number;
        if ((location[1] as number) > 0) lastScale = location[1] as number;
        scale = lastScale;
      }
    }
    const high = bars.high[i] as number;
    const low = bars.low[i] as number;
    const close = closes[i] as number;
    const sameSession = i > 0 && sessionIds[i] !== -1 && sessionIds[i] === sessionIds[i - 1];
    if (!sameSession) {
      // The ATR restarts each session: the last quiet minutes before a halt say nothing about
      // the busy re-open, so the first `period` bars of a session get no range test.
      atr = Number.NaN;
      seedSum = 0;
      seedCount = 0;
      lastGoodClose = Number.NaN;
    }
    // A price tick is the finest move the market can show, so it bounds σ from below.
    const tickScale = tickSize ? tickSize / close : 0;
    const sigma = Math.max(scale, tickScale);
    if (detail) {
      detail.center[i] = center;
      detail.scale[i] = sigma;
      detail.atrBefore[i] = atr;
    }
    let bits = 0;
    // Warm-up: no return test until the window holds MIN_WINDOW_RETURNS returns.
    const warm = ringSize >= MIN_WINDOW_RETURNS;
    if (eligible[i] === 1) {
      const limit = returnZ * sigma;
      if (!warm) {
        // Too few returns yet for a robust scale: only the range test speaks.
      } else if (sameSession && !Number.isNaN(lastGoodClose)) {
        // Judge the move from the last good close, so the bar after a bad print (its mirror
        // image) is not flagged too; but if the bar is in line with the bar just before it,
        // the level really moved and it is accepted, so a genuine jump cannot cascade.
        // Usually the last good close is the previous close, whose log return is already known.
        const fromGood = lastGoodClose === closes[i - 1] ? (logReturn[i] as number) : Math.log(close / lastGoodClose);
        let judged = fromGood;
        if (Math.abs(fromGood - center) > limit) {
          const fromPrevious = Math.log(close / (closes[i - 1] as number));
          if (Math.abs(fromPrevious - center) > limit) bits |= RETURN_OUTLIER;
          else judged = fromPrevious;
        }
        // Only the detail shows the return each bar was judged on (the window already holds
        // the one-bar return).
        if (detail) logReturn[i] = judged;
      } else if (sigma > 0 && Math.abs((logReturn[i] as number) - center) > limit) {
        bits |= RETURN_OUTLIER;
      }
      if (atr > 0 && high - low > rangeAtr * atr) bits |= RANGE_OUTLIER;
      if (bits !== 0) {
        kind[i] = bits;
        if (bits & RETURN_OUTLIER) returnOutliers++;
        if (bits & RANGE_OUTLIER) rangeOutliers++;
        flagged++;
        flaggedCenter.push(center);
        flaggedScale.push(sigma);
        flaggedAtr.push(atr);
      }
    }
    if ((bits & RETURN_OUTLIER) === 0) lastGoodClose = close;
    if (bits !== 0 || skip?.[i] === 1) continue; // a bad print must not inflate the ATR that judges the next bars
    const previousClose = closes[i - 1] as number;
    const trueRange = sameSession ? Math.max(high, previousClose) - Math.min(low, previousClose) : high - low;
    if (seedCount < period) {
      seedSum += trueRange;
      seedCount++;
      if (seedCount === period) atr = seedSum / period;
    } else {
      atr += (trueRange - atr) / period;
    }
  }
  return { kind, returnOutliers, rangeOutliers, flagged, flaggedCenter, flaggedScale, flaggedAtr, detail };
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
  const sessionIds = sessionIdsOf(bars.timestamp, options.sessions ?? calendarForSymbol(bars.symbol));
  const judgement = judge(bars, options, sessionIds, true);
  const { kind, returnOutliers, rangeOutliers, flagged } = judgement;
  const { bars: out, report } = act(bars, action, options, judgement, sessionIds, false);
  return { bars: out, report, detection: { kind, returnOutliers, rangeOutliers, flagged, ...(judgement.detail as Detail) } };
}

/**
 * `handleOutliers` for cleanBars: the bars are its own roll-adjusted copy, given up, so they
 * are flagged and rebuilt in place (no copy of every column), `sessionIds` are the ones it
 * already has for these timestamps, and no per-bar detail is kept.
 */
export function handleOwnedOutliers(
  bars: Bars,
  action: OutlierAction,
  options: OutlierOptions,
  sessionIds: Int32Array,
): { bars: Bars; report: OutlierReport } {
  return act(bars, action, options, judge(bars, options, sessionIds, false), sessionIds, true);
}

function act(
  bars: Bars,
  action: OutlierAction,
  options: OutlierOptions,
  judgement: Judgement,
  sessionIds: Int32Array,
  owned: boolean,
): { bars: Bars; report: OutlierReport } {
  const n = bars.timestamp.length;
  const kind = judgement.kind;
  const report: OutlierReport = {
    action,
    returnOutliers: judgement.returnOutliers,
    rangeOutliers: judgement.rangeOutliers,
    flagged: judgement.flagged,
    dropped: 0,
    winsorized: 0,
  };
  if (action === 'drop') {
    const keep = new Uint8Array(n);
    for (let i = 0; i < n; i++) keep[i] = kind[i] === 0 ? 1 : 0;
    report.dropped = judgement.flagged;
    return { bars: selectRows(bars, keep), report };
  }
  const out = owned ? { ...bars, columns: { ...bars.columns } } : copyBars(bars);
  const flags = new Float64Array(n);
  for (let i = 0; i < n; i++) flags[i] = kind[i] === 0 ? 0 : 1;
  out.columns['outlier'] = flags;
  if (action === 'flag') return { bars: out, report };

  const round = tickRounder(options.tickSize);
  let f = 0; // index of the current flagged bar in the judgement's flagged-bar lists
  for (let i = 0; i < n; i++) {
    const bits = kind[i] as number;
    if (bits === 0) continue;
    let open = out.open[i] as number;
    let close = out.close[i] as number;
    if (bits & RETURN_OUTLIER) {
      const sameSession = i > 0 && sessionIds[i] !== -1 && sessionIds[i] === sessionIds[i - 1];
      // The previous close is read from `out`, so a run of bad bars is rebuilt from cleaned data.
      const reference = sameSession ? (out.close[i - 1] as number) : open;
      const limit = options.returnZ * (judgement.flaggedScale[f] as number);
      const centerReturn = judgement.flaggedCenter[f] as number;
      const clipped = Math.min(centerReturn + limit, Math.max(centerReturn - limit, Math.log(close / reference)));
      close = round(reference * Math.exp(clipped));
      // The open stays unless it is itself beyond the clipped move.
      open = Math.min(Math.max(open, Math.min(reference, close)), Math.max(reference, close));
    }
    const atr = judgement.flaggedAtr[f] as number;
    f++;
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
  return { bars: out, report };
}
