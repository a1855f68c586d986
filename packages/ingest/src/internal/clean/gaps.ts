import type { GapReportFile } from '@tribar/artifacts';
import { calendarForSymbol, type Bars, type CmeCalendar } from '@tribar/market';
import { sessionIdsOf } from './session-ids.js';

/**
 * Calendar-aware gap filling. The original (original-system.md §3, step 4) reindexed to a
 * continuous one-minute grid and forward-filled *every* column with limit=30: each overnight
 * halt, weekend and holiday got 30 invented bars copying the last real bar, volume included,
 * so a Friday close traded again for half an hour on Friday night with real-looking volume.
 *
 * Here a gap is filled only when both neighbours are in the same CME session (so halts,
 * weekends and holidays are never bridged, and a session that starts late or ends early is
 * not padded), the gap is a whole number of missing minutes, and there are at most
 * `maxFillMinutes` of them. A filled bar is flat at the previous close (O = H = L = C), has
 * volume 0 (nothing traded), and carries `filled` = 1.
 */

export interface FillGapsOptions {
  maxFillMinutes: number;
  sessions?: CmeCalendar;
  /** Bar length, ms (default one minute). */
  barMs?: number;
  /** Extra columns whose value carries into filled bars (state, not events); others get 0. */
  carryColumns?: readonly string[];
}

/** Part of `clean-report.json`, so the contract's type. */
export type GapReport = GapReportFile;

export function fillSessionGaps(bars: Bars, options: FillGapsOptions): { bars: Bars; report: GapReport } {
  return fillGaps(bars, options, false, sessionIdsOf(bars.timestamp, options.sessions ?? calendarForSymbol(bars.symbol)));
}

/**
 * `fillSessionGaps` for bars the caller owns and gives up (cleanBars' own copy), with the
 * session ids it already has for their timestamps: when no gap is filled the result shares
 * their arrays instead of copying every column.
 */
export function fillOwnedSessionGaps(bars: Bars, options: FillGapsOptions, sessionIds: Int32Array): { bars: Bars; report: GapReport } {
  return fillGaps(bars, options, true, sessionIds);
}

function fillGaps(bars: Bars, options: FillGapsOptions, owned: boolean, sessionIds: Int32Array): { bars: Bars; report: GapReport } {
  const barMs = options.barMs ?? 60_000;
  const n = bars.timestamp.length;
  const report: GapReport = { filledGaps: 0, filledBars: 0, longGaps: 0, longGapBars: 0, irregularSteps: 0, barsOutsideSessions: 0 };
  // First pass: how many bars each gap gets, so the output is allocated once.
  const insertAfter = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (sessionIds[i] === -1) report.barsOutsideSessions++;
    if (i === 0 || sessionIds[i] === -1 || sessionIds[i] !== sessionIds[i - 1]) continue;
    const step = (bars.timestamp[i] as number) - (bars.timestamp[i - 1] as number);
    if (step === barMs) continue;
    const missing = step / barMs - 1;
    if (!Number.isInteger(missing)) {
      report.irregularSteps++;
      continue;
    }
    if (missing > options.maxFillMinutes * (60_000 / barMs)) {
      report.longGaps++;
      report.longGapBars += missing;
      continue;
    }
    insertAfter[i - 1] = missing;
    report.filledGaps++;
    report.filledBars += missing;
  }

  const total = n + report.filledBars;
  const carry = new Set(options.carryColumns ?? ['contract']);
  const names = Object.keys(bars.columns).filter((name) => name !== 'filled');
  const sourceFilled = bars.columns['filled'];
  if (owned && total === n) {
    // Nothing to insert and the caller gives the arrays up: the same rows, no copy.
    const columns: Record<string, Float64Array> = {};
    for (const name of names) columns[name] = bars.columns[name] as Float64Array;
    columns['filled'] = sourceFilled ?? new Float64Array(n);
    const { timestamp, open, high, low, close, volume } = bars;
    return { bars: { symbol: bars.symbol, timestamp, open, high, low, close, volume, columns }, report };
  }
  const out: Bars = {
    symbol: bars.symbol,
    timestamp: new Float64Array(total),
    open: new Float64Array(total),
    high: new Float64Array(total),
    low: new Float64Array(total),
    close: new Float64Array(total),
    volume: new Float64Array(total),
    columns: {},
  };
  const filled = new Float64Array(total);
  const sources = names.map((name) => bars.columns[name] as Float64Array);
  const targets = names.map((name) => (out.columns[name] = new Float64Array(total)));
  const carries = names.map((name) => carry.has(name));
  // Real rows are copied in runs between gaps (a memcpy per column, not a loop per value).
  const from: Float64Array[] = [bars.timestamp, bars.open, bars.high, bars.low, bars.close, bars.volume, ...sources];
  const to: Float64Array[] = [out.timestamp, out.open, out.high, out.low, out.close, out.volume, ...targets];
  if (sourceFilled) {
    from.push(sourceFilled);
    to.push(filled);
  }
  let runStart = 0;
  let j = 0;
  const copyRun = (runEnd: number): void => {
    for (let c = 0; c < from.length; c++) (to[c] as Float64Array).set((from[c] as Float64Array).subarray(runStart, runEnd), j);
    j += runEnd - runStart;
    runStart = runEnd;
  };
  for (let i = 0; i < n; i++) {
    const missing = insertAfter[i] as number;
    if (missing === 0) continue;
    copyRun(i + 1);
    const price = bars.close[i] as number;
    const start = bars.timestamp[i] as number;
    for (let m = 1; m <= missing; m++) {
      out.timestamp[j] = start + m * barMs;
      out.open[j] = price;
      out.high[j] = price;
      out.low[j] = price;
      out.close[j] = price;
      out.volume[j] = 0;
      filled[j] = 1;
      for (let c = 0; c < sources.length; c++) {
        (targets[c] as Float64Array)[j] = carries[c] ? ((sources[c] as Float64Array)[i] as number) : 0;
      }
      j++;
    }
  }
  copyRun(n);
  out.columns['filled'] = filled;
  return { bars: out, report };
}
