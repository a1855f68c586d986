import type { GapReportFile } from '@tribar/artifacts';
import { calendarForSymbol, type Bars, type CmeCalendar, type Session } from '@tribar/market';
import { sessionIdsOf } from './session-ids.js';

/**
 * Calendar-aware gap filling. The original (original-system.md §3, step 4) reindexed to a
 * continuous one-minute grid and forward-filled *every* column with limit=30: each overnight
 * halt, weekend and holiday got 30 invented bars copying the last real bar, volume included,
 * so a Friday close traded again for half an hour on Friday night with real-looking volume.
 *
 * Here only minutes inside the CME session of the last real bar are filled (so halts,
 * weekends and holidays are never bridged, and a session that starts late is not padded),
 * and only the first `maxFillMinutes` missing minutes after a real bar. A filled bar is flat
 * at the previous close (O = H = L = C), has volume 0 (nothing traded), and carries
 * `filled` = 1.
 *
 * Causal: whether minute m gets a filled bar depends only on the bars at or before m (the
 * last real bar before m, and its session's hours). Until issue 13 a hole was filled only
 * when the *next* bar came within `maxFillMinutes`, so a bar after a cut decided whether the
 * minutes before the cut had bars. Now every hole gets its first `maxFillMinutes` minutes
 * filled and the rest is left open and counted; a session's last bar (and the data's) is
 * followed by filled minutes while its session is open, as a live feed that stopped would be.
 *
 * Honest holes: the minutes of sessions left without a bar between the first and the last bar
 * are counted (`longGaps`, `longGapBars`), and so are whole sessions without a bar
 * (`missingSessions`, the longest run of them in `longestHole`): a three-month hole in a file
 * used to report `longGaps: 0`.
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

/** A hole of more whole sessions than this is warned about (see `longHoleWarning`). */
export const LONG_HOLE_SESSIONS = 5;

/**
 * The warning a clean report's longest hole deserves (more than `LONG_HOLE_SESSIONS` whole
 * sessions without a bar), as logger fields and message, or undefined.
 */
export function longHoleWarning(symbol: string, report: GapReport): { fields: Record<string, unknown>; message: string } | undefined {
  const hole = report.longestHole;
  if (!hole || hole.sessions <= LONG_HOLE_SESSIONS) return undefined;
  return {
    fields: { symbol, start: hole.start, end: hole.end, sessions: hole.sessions, missingSessions: report.missingSessions },
    message: `${symbol}: no bars for ${hole.sessions} whole sessions, ${hole.start} to ${hole.end}; a split may span the hole`,
  };
}

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

/** Grid steps of `barMs` from `from` that lie strictly before `to` (k ≥ 1 with from + k·barMs < to). */
function stepsBefore(from: number, to: number, barMs: number): number {
  return Math.max(0, Math.ceil((to - from) / barMs) - 1);
}

function fillGaps(bars: Bars, options: FillGapsOptions, owned: boolean, sessionIds: Int32Array): { bars: Bars; report: GapReport } {
  const barMs = options.barMs ?? 60_000;
  const n = bars.timestamp.length;
  const calendar = options.sessions ?? calendarForSymbol(bars.symbol);
  const maxBars = Math.floor(options.maxFillMinutes * (60_000 / barMs));
  const report: GapReport = {
    filledGaps: 0,
    filledBars: 0,
    longGaps: 0,
    longGapBars: 0,
    irregularSteps: 0,
    barsOutsideSessions: 0,
    missingSessions: 0,
    longestHole: null,
  };
  // First pass: how many bars follow each real bar, so the output is allocated once.
  const insertAfter = new Int32Array(n);
  // The session of the last bar inside one, its close, and the session minutes after its last
  // bar left without one (the first part of a hole that goes on into a later session).
  let sessionId = -1;
  let closeMs = Number.NaN;
  let hole = 0;
  for (let i = 0; i < n; i++) {
    const id = sessionIds[i] as number;
    if (id === -1) {
      report.barsOutsideSessions++;
      continue;
    }
    const t = bars.timestamp[i] as number;
    if (id !== sessionId) {
      if (sessionId !== -1) hole += sessionsBetween(calendar, sessionId, id, t, barMs, report);
      if (hole > 0) {
        report.longGaps++;
        report.longGapBars += hole;
      }
      hole = 0;
      sessionId = id;
      closeMs = calendar.sessionCloseMs(id);
    }
    const last = i + 1 === n;
    const next = last ? Number.POSITIVE_INFINITY : (bars.timestamp[i + 1] as number);
    const sameSession = !last && sessionIds[i + 1] === id;
    if (sameSession) {
      const step = next - t;
      if (step === barMs) continue;
      if (!Number.isInteger(step / barMs)) report.irregularSteps++;
    }
    // The minutes after this bar, before the next one, while its session is open: the first
    // maxBars are filled whatever comes later, the rest are left open.
    const free = stepsBefore(t, Math.min(next, closeMs), barMs);
    const count = Math.min(free, maxBars);
    if (count > 0) {
      insertAfter[i] = count;
      report.filledGaps++;
      report.filledBars += count;
    }
    if (!sameSession)
      hole = last ? 0 : free - count; // the data's end is no hole
    else if (free > count) {
      report.longGaps++;
      report.longGapBars += free - count;
    }
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

/**
 * From a bar in session `fromId` to the next bar in a session, at `next` in the later session
 * `toId`: the bar steps of the whole sessions in between (none of them has a bar: counted in
 * `missingSessions`, the longest run kept as `longestHole`) and of `toId`'s start before `next`.
 */
function sessionsBetween(calendar: CmeCalendar, fromId: number, toId: number, next: number, barMs: number, report: GapReport): number {
  let steps = 0;
  let missing = 0;
  let first: Session | undefined;
  let session = calendar.nextSession(fromId);
  let lastMissing = session;
  while (session.id < toId) {
    first ??= session;
    lastMissing = session;
    missing++;
    steps += stepsBefore(session.openMs - barMs, session.closeMs, barMs);
    session = calendar.nextSession(session.id);
  }
  steps += stepsBefore(calendar.sessionOpenMs(toId) - barMs, next, barMs);
  if (first !== undefined) {
    report.missingSessions = (report.missingSessions ?? 0) + missing;
    if (!report.longestHole || missing > report.longestHole.sessions) {
      report.longestHole = {
        sessions: missing,
        start: new Date(first.openMs).toISOString(),
        end: new Date(lastMissing.closeMs).toISOString(),
      };
    }
  }
  return steps;
}
