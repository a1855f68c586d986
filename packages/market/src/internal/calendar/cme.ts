import { UsageError } from '@tribar/core';
import { addCalendarDays, holidayRule, weekday, type CmeProduct, type HolidayRule } from './holidays.js';
import { ZoneClock } from './timezone.js';

/**
 * The CME Globex trading calendar in America/Chicago: a session opens at 17:00 CT on the
 * calendar day before its trading date (Sunday for Monday) and closes at 16:00 CT, so the
 * daily 16:00–17:00 halt and the Friday 16:00 → Sunday 17:00 weekend fall between sessions.
 * Holidays close a session early or remove it (see holidays.ts).
 *
 * A session is identified by its trading date as the number `yyyymmdd` (20260309). On a
 * holiday with an early close the session keeps the holiday's date, though CME books those
 * trades to the next trade date: what matters here is the uninterrupted interval, which is
 * what gap filling and resampling must not cross.
 */

export interface Session {
  /** Trading date `yyyymmdd`. */
  readonly id: number;
  /** First minute of trading, UTC ms. */
  readonly openMs: number;
  /** End of trading (exclusive), UTC ms: the last one-minute bar starts one minute earlier. */
  readonly closeMs: number;
  /** Regular (pit) hours inside the session, UTC ms [start, end); empty when start >= end. */
  readonly regularStartMs: number;
  readonly regularEndMs: number;
  /** Name of the holiday that shortened the session, if any. */
  readonly holiday: string | undefined;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const OPEN_CT = 17 * 60;
const CLOSE_CT = 16 * 60;

/** Regular trading hours in CT minutes: the cash-equity day, and COMEX gold's former pit hours. */
const REGULAR_HOURS: Record<CmeProduct, [number, number]> = {
  equity: [8 * 60 + 30, 15 * 60],
  metals: [7 * 60 + 20, 12 * 60 + 30],
};

/** Metals (COMEX) symbols that follow the metals holiday schedule; everything else is equity-like. */
const METALS = new Set(['GC', 'MGC', 'SI', 'SIL', 'HG', 'MHG', 'PL', 'PA', 'QO', 'QI', '1OZ']);

/** The holiday schedule a symbol follows: metals for COMEX contracts, equity index otherwise. */
export function productForSymbol(symbol: string): CmeProduct {
  return METALS.has(symbol.toUpperCase()) ? 'metals' : 'equity';
}

/** `yyyymmdd` of the UTC calendar date containing `utcMs`. */
function utcDateOf(utcMs: number): number {
  const t = new Date(utcMs);
  return t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
}

/** Parse `YYYY-MM-DD` or a `yyyymmdd` number into `yyyymmdd`. */
export function toTradingDate(date: string | number): number {
  if (typeof date === 'number') return date;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new UsageError(`expected a date as YYYY-MM-DD, got '${date}'`);
  return Number(match[1]) * 10000 + Number(match[2]) * 100 + Number(match[3]);
}

/** `YYYY-MM-DD` of a `yyyymmdd` trading date. */
export function formatTradingDate(date: number): string {
  const text = String(date);
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

export class CmeCalendar {
  readonly product: CmeProduct;
  readonly #clock = new ZoneClock('America/Chicago');
  /** Sessions by trading date; `null` marks a date without a session. Built once per date. */
  readonly #sessions = new Map<number, Session | null>();
  /** Last session found by `sessionAt`: consecutive bars almost always share it. */
  #last: Session | undefined;

  constructor(product: CmeProduct = 'equity') {
    this.product = product;
  }

  /** The session of a trading date (`yyyymmdd` or `YYYY-MM-DD`), or undefined when the market does not trade that date. */
  session(tradingDate: number | string): Session | undefined {
    const date = toTradingDate(tradingDate);
    let session = this.#sessions.get(date);
    if (session === undefined) {
      session = this.#build(date);
      this.#sessions.set(date, session);
    }
    return session ?? undefined;
  }

  #build(date: number): Session | null {
    const year = Math.floor(date / 10000);
    const month = Math.floor(date / 100) % 100;
    const day = date % 100;
    const dow = weekday(year, month, day);
    if (dow === 0 || dow === 6) return null;
    const rule: HolidayRule | undefined = holidayRule(date, this.product);
    if (rule?.kind === 'closed') return null;
    const closeMinute = rule?.kind === 'earlyClose' ? rule.closeMinuteCt : CLOSE_CT;
    const previous = addCalendarDays(date, -1);
    const openMs = this.#wall(previous, OPEN_CT);
    const closeMs = this.#wall(date, closeMinute);
    const [regularStart, regularEnd] = REGULAR_HOURS[this.product];
    const regularStartMs = this.#wall(date, regularStart);
    const regularEndMs = Math.min(this.#wall(date, regularEnd), closeMs);
    return { id: date, openMs, closeMs, regularStartMs, regularEndMs, holiday: rule?.name };
  }

  #wall(date: number, minuteCt: number): number {
    return this.#clock.wallToUtc(
      Math.floor(date / 10000),
      Math.floor(date / 100) % 100,
      date % 100,
      Math.floor(minuteCt / 60),
      minuteCt % 60,
    );
  }

  /**
   * The session trading at `utcMs`, or undefined when the market is closed. A session for
   * trading date D spans D−1 22:00/23:00 UTC to D 21:00/22:00 UTC, so only the UTC date and
   * the next one can hold it.
   */
  sessionAt(utcMs: number): Session | undefined {
    if (!Number.isFinite(utcMs)) return undefined;
    const last = this.#last;
    if (last !== undefined && utcMs >= last.openMs && utcMs < last.closeMs) return last;
    const utcDate = utcDateOf(utcMs);
    for (const date of [addCalendarDays(utcDate, 1), utcDate]) {
      const session = this.session(date);
      if (session !== undefined && utcMs >= session.openMs && utcMs < session.closeMs) {
        this.#last = session;
        return session;
      }
    }
    return undefined;
  }

  /** Trading date (`yyyymmdd`) of the session trading at `utcMs`, or -1 when closed. */
  sessionOf(utcMs: number): number {
    return this.sessionAt(utcMs)?.id ?? -1;
  }

  isOpen(utcMs: number): boolean {
    return this.sessionAt(utcMs) !== undefined;
  }

  /** UTC ms of a trading date's open, or NaN when that date has no session. */
  sessionOpenMs(tradingDate: number | string): number {
    return this.session(tradingDate)?.openMs ?? Number.NaN;
  }

  /** UTC ms of a trading date's close (exclusive), or NaN when that date has no session. */
  sessionCloseMs(tradingDate: number | string): number {
    return this.session(tradingDate)?.closeMs ?? Number.NaN;
  }

  /** Whole minutes since the open of the session trading at `utcMs`, or -1 when closed. */
  minutesSinceSessionOpen(utcMs: number): number {
    const session = this.sessionAt(utcMs);
    return session === undefined ? -1 : Math.floor((utcMs - session.openMs) / MINUTE_MS);
  }

  /** Both instants trade in the same session (false if either is outside every session). */
  sameSession(aMs: number, bMs: number): boolean {
    const a = this.sessionAt(aMs);
    return a !== undefined && bMs >= a.openMs && bMs < a.closeMs;
  }

  /** Inside regular hours: 08:30–15:00 CT for equity index, 07:20–12:30 CT for metals. */
  isRegularHours(utcMs: number): boolean {
    const session = this.sessionAt(utcMs);
    return session !== undefined && utcMs >= session.regularStartMs && utcMs < session.regularEndMs;
  }

  /**
   * Bulk `sessionOf` for a column of bar times (any order, sorted is fastest): the trading date
   * `yyyymmdd` per bar, -1 outside every session. One calendar lookup per session, not per bar.
   */
  sessionIds(timestamps: Float64Array): Int32Array {
    const out = new Int32Array(timestamps.length);
    let open = Number.POSITIVE_INFINITY;
    let close = Number.NEGATIVE_INFINITY;
    let id = -1;
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i] as number;
      if (t < open || t >= close) {
        const session = this.sessionAt(t);
        if (session === undefined) {
          out[i] = -1;
          continue;
        }
        open = session.openMs;
        close = session.closeMs;
        id = session.id;
      }
      out[i] = id;
    }
    return out;
  }

  /** Bulk `minutesSinceSessionOpen`: whole minutes since the bar's session opened, -1 outside sessions. */
  minutesSinceOpen(timestamps: Float64Array): Float64Array {
    const out = new Float64Array(timestamps.length);
    let open = Number.POSITIVE_INFINITY;
    let close = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i] as number;
      if (t < open || t >= close) {
        const session = this.sessionAt(t);
        if (session === undefined) {
          out[i] = -1;
          continue;
        }
        open = session.openMs;
        close = session.closeMs;
      }
      out[i] = Math.floor((t - open) / MINUTE_MS);
    }
    return out;
  }

  /** The next trading date after `tradingDate` that has a session. */
  nextSession(tradingDate: number | string): Session {
    let date = toTradingDate(tradingDate);
    for (let step = 0; step < 14; step++) {
      date = addCalendarDays(date, 1);
      const session = this.session(date);
      if (session) return session;
    }
    throw new UsageError(`no CME session within two weeks after ${formatTradingDate(toTradingDate(tradingDate))}`);
  }

  /** Sessions overlapping [startMs, endMs), in time order. */
  sessionsBetween(startMs: number, endMs: number): Session[] {
    const out: Session[] = [];
    if (!(endMs > startMs)) return out;
    for (let date = utcDateOf(startMs); ; date = addCalendarDays(date, 1)) {
      const session = this.session(date);
      if (session && session.openMs >= endMs) break;
      if (session && session.closeMs > startMs) out.push(session);
      // Sessions open at most one day before their date, so past endMs + a day nothing overlaps.
      if (Date.UTC(Math.floor(date / 10000), (Math.floor(date / 100) % 100) - 1, date % 100) > endMs + DAY_MS) break;
    }
    return out;
  }
}

const shared: Partial<Record<CmeProduct, CmeCalendar>> = {};

/** A shared calendar per product: sessions are cached, so reuse beats rebuilding. */
export function cmeCalendar(product: CmeProduct = 'equity'): CmeCalendar {
  return (shared[product] ??= new CmeCalendar(product));
}

/** The calendar a symbol trades on (metals holidays for COMEX symbols). */
export function calendarForSymbol(symbol: string): CmeCalendar {
  return cmeCalendar(productForSymbol(symbol));
}
