/**
 * Timestamp parsing straight from bytes (UTF-8/ASCII), so a 5.7M-row CSV never turns a
 * cell into a JS string. Results are epoch milliseconds UTC; sub-millisecond digits are
 * truncated, because bars are stored as whole milliseconds.
 */
import { DataError } from '@tribar/core';
import { ZoneClock } from '@tribar/market';
import { quoteCell } from './quote.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/**
 * The bar times a file may hold: from 1992-01-01 (CME Globex, the first electronic session,
 * opened in June 1992) to the end of 2099. A bar outside them is a shifted or mis-scaled
 * timestamp (a zero epoch is 1970, ms read as s land in 50,000 AD), never real data, and was
 * silently accepted before; the reader rejects it as a bad row naming file, row and value.
 */
export const FIRST_BAR_MS = Date.UTC(1992, 0, 1);
export const END_BAR_MS = Date.UTC(2100, 0, 1);

/** True for a bar time outside 1992-01-01 … 2099-12-31 (NaN is a missing cell, not this). */
export function outsideBarEra(ms: number): boolean {
  return ms < FIRST_BAR_MS || ms >= END_BAR_MS;
}

/** The reason given for a bar time outside the plausible range. */
export function barEraReason(cell: string, ms: number): string {
  const when = Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
  return `${quoteCell(cell)} (${when}) is ${ms < FIRST_BAR_MS ? 'before 1992-01-01' : 'after 2099-12-31'}, outside the plausible range of bar times`;
}

export const BAR_ERA_HINT =
  'Bar times must fall in 1992-01-01 … 2099-12-31 UTC. A 1970 date is a zero or mis-scaled epoch; a far-future one a shifted or mis-scaled epoch (ms read as seconds): fix the export.';

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= 28) return true;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (DAYS_IN_MONTH[month - 1] as number);
}

const US_ZONE_ABBREVIATIONS: Record<string, string> = {
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
};

/**
 * Converts wall-clock times of one IANA zone to UTC. Offsets come from `Intl.DateTimeFormat`
 * (so DST rules are the platform's tz database) and are cached per wall-clock hour: every
 * transition in the zones futures trade in (America/*, Europe/*, Asia/*) falls on a whole hour.
 * Days without a transition share one cached offset.
 *
 * A wall time that occurs twice (the repeated hour in autumn) resolves to the first
 * occurrence in `toUtc`, and to the second where the rows say so in `toUtcAfter` (the
 * readers' path); a wall time that does not exist (the skipped hour in spring) is moved
 * forward by the gap. This is Temporal's `disambiguation: 'compatible'`; pandas' `tz_localize`
 * would raise instead, which rejects whole files for one hour of local-time exports.
 */
export class ZoneConverter {
  readonly zone: string;
  readonly isUtc: boolean;
  /** Core's zone clock (Intl-backed, cached per hour); undefined for UTC. */
  private readonly clock: ZoneClock | undefined;
  private readonly hourOffsets = new Map<number, number>();
  /** Per wall day: its offset when the whole day has one, NaN when a transition falls in it. */
  private readonly dayOffsets = new Map<number, number>();
  private lastHour = Number.NaN;
  private lastOffset = 0;

  constructor(zone: string) {
    // The replaced system mapped US abbreviations to their DST-observing zones; Intl would
    // otherwise read 'EST' as fixed UTC−5 all year, an hour off for every summer bar.
    zone = US_ZONE_ABBREVIATIONS[zone.toUpperCase()] ?? zone;
    this.zone = zone;
    this.isUtc = /^(utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(zone);
    if (this.isUtc) return;
    try {
      this.clock = new ZoneClock(zone);
    } catch (error) {
      throw new DataError(
        `unknown time zone ${quoteCell(zone)}`,
        { field: 'data.timezone' },
        {
          cause: error,
          hint: "Use an IANA zone name such as 'America/Chicago' or 'UTC'.",
        },
      );
    }
  }

  /** Zone offset (local minus UTC, ms) in force at a UTC instant. */
  offsetAt(utcMs: number): number {
    return this.clock ? this.clock.offsetMs(utcMs) : 0;
  }

  /** UTC ms for a wall-clock time expressed as if it were UTC ms. */
  toUtc(wallMs: number): number {
    if (this.isUtc) return wallMs;
    const hour = Math.floor(wallMs / MS_PER_HOUR);
    if (hour !== this.lastHour) {
      this.lastHour = hour;
      this.lastOffset = this.offsetForHour(hour);
    }
    return wallMs - this.lastOffset;
  }

  /**
   * UTC ms of a wall time read after a row at `previousUtc`: as `toUtc`, except in the
   * repeated autumn hour, where a wall time whose first occurrence would lie before the
   * previous row (time going back) while its second lies after it is the second pass, and
   * maps to the later instant (Python's `fold=1`). Exact repeats of a row stay repeats.
   */
  toUtcAfter(wallMs: number, previousUtc: number): number {
    const utc = this.toUtc(wallMs);
    if (utc >= previousUtc || this.isUtc) return utc;
    const before = this.offsetAt(wallMs - MS_PER_DAY);
    const after = this.offsetAt(wallMs + MS_PER_DAY);
    if (before === after) return utc;
    const later = wallMs - Math.min(before, after);
    const ambiguous = this.offsetAt(later) === Math.min(before, after) && later !== utc;
    return ambiguous && later > previousUtc ? later : utc;
  }

  /**
   * A day whose first and last hour share an offset has no transition (zones change at most
   * once a day), so one pair of look-ups serves all its hours: eight Intl calls a day instead
   * of four an hour, which kept a 1M-row naive file from costing twice a UTC one.
   */
  private offsetForHour(hour: number): number {
    const day = Math.floor(hour / 24);
    let uniform = this.dayOffsets.get(day);
    if (uniform === undefined) {
      const first = this.cachedHourOffset(day * 24);
      const last = this.cachedHourOffset(day * 24 + 23);
      uniform = first === last ? first : Number.NaN;
      this.dayOffsets.set(day, uniform);
    }
    return Number.isNaN(uniform) ? this.cachedHourOffset(hour) : uniform;
  }

  private cachedHourOffset(hour: number): number {
    let offset = this.hourOffsets.get(hour);
    if (offset === undefined) {
      offset = this.offsetForWallHour(hour * MS_PER_HOUR);
      this.hourOffsets.set(hour, offset);
    }
    return offset;
  }

  private offsetForWallHour(wallMs: number): number {
    const before = this.offsetAt(wallMs - MS_PER_DAY);
    const after = this.offsetAt(wallMs + MS_PER_DAY);
    const beforeValid = this.offsetAt(wallMs - before) === before;
    const afterValid = this.offsetAt(wallMs - after) === after;
    if (beforeValid && afterValid) return Math.max(before, after);
    if (beforeValid) return before;
    if (afterValid) return after;
    return before;
  }
}

/** Reasons a cell is not a timestamp, reported in `DataError` messages. */
export const TIMESTAMP_FORMATS_HINT =
  'Expected ISO 8601 (2026-01-20T13:27:00Z, +01:00 offsets allowed), YYYY-MM-DD HH:MM[:SS[.fff]], YYYY/MM/DD, YYYYMMDD [HH:MM[:SS]], or epoch seconds/ms/µs/ns.';

/**
 * Parses timestamp cells. Stateful only for speed (the last date and zone offset are reused)
 * and for `sawNaive`/`sawAware`, which let the caller reject files that mix naive and
 * zoned cells: naive cells there have no trustworthy zone.
 */
export class TimestampParser {
  readonly zone: ZoneConverter;
  /** Set after each successful `parse`: whether the cell carried its own zone (or was epoch). */
  lastHadZone = false;
  /**
   * UTC ms of the last row the caller kept, which it sets: a naive time in the repeated
   * autumn hour that goes back from it is the hour's second pass (`ZoneConverter.toUtcAfter`).
   */
  previous = Number.NEGATIVE_INFINITY;
  private lastDateKey = -1;
  private lastDateMs = 0;

  constructor(zone: ZoneConverter) {
    this.zone = zone;
  }

  /** Epoch ms UTC of bytes[start, end), or NaN if the cell is not a timestamp. */
  parse(bytes: Uint8Array, start: number, end: number): number {
    const wall = this.parseWall(bytes, start, end, true);
    if (Number.isNaN(wall)) return wall;
    return this.lastHadZone ? wall : this.zone.toUtcAfter(wall, this.previous);
  }

  /** A naive wall time (ms as if UTC) → UTC ms, the repeated hour resolved by file order. */
  naiveToUtc(wallMs: number): number {
    return this.zone.toUtcAfter(wallMs, this.previous);
  }

  /** A date-only cell (YYYY-MM-DD or YYYY/MM/DD or YYYYMMDD) as wall-clock ms of its midnight. */
  parseDateOnly(bytes: Uint8Array, start: number, end: number): number {
    start = trimStart(bytes, start, end);
    end = trimEnd(bytes, start, end);
    if (end - start === 8) {
      const key = digits(bytes, start, 8);
      if (key < 0) return Number.NaN;
      return this.dateMs(key);
    }
    if (end - start !== 10) return Number.NaN;
    return this.parseDatePrefix(bytes, start);
  }

  /**
   * A time-of-day cell (HH:MM[:SS[.fff]], optional zone) as ms after midnight; sets
   * `lastHadZone` and returns the offset in `timeOffsetMs` when the cell carries a zone.
   */
  timeOffsetMs = 0;
  parseTimeOfDay(bytes: Uint8Array, start: number, end: number): number {
    start = trimStart(bytes, start, end);
    end = trimEnd(bytes, start, end);
    this.timeOffsetMs = 0;
    this.lastHadZone = false;
    return this.parseClock(bytes, start, end);
  }

  private parseWall(bytes: Uint8Array, start: number, end: number, allowEpoch: boolean): number {
    start = trimStart(bytes, start, end);
    end = trimEnd(bytes, start, end);
    this.lastHadZone = false;
    const length = end - start;
    if (length === 0) return Number.NaN;
    const c4 = length > 4 ? (bytes[start + 4] as number) : 0;
    if (length >= 10 && (c4 === 0x2d || c4 === 0x2f)) {
      const dayMs = this.parseDatePrefix(bytes, start);
      if (Number.isNaN(dayMs)) return dayMs;
      if (length === 10) return dayMs;
      const separator = bytes[start + 10] as number;
      if (separator !== 0x54 && separator !== 0x20 && separator !== 0x74) return Number.NaN;
      this.timeOffsetMs = 0;
      const clock = this.parseClock(bytes, start + 11, end);
      if (Number.isNaN(clock)) return clock;
      return dayMs + clock - this.timeOffsetMs;
    }
    // YYYYMMDD[ HH:MM[:SS]]: eight digits read as a date, not as epoch seconds in 1970, when
    // they form a valid date from 1900 on (bar data before 1971 has no epoch-seconds export).
    if (
      (length === 8 || (length >= 14 && (bytes[start + 8] === 0x20 || bytes[start + 8] === 0x54))) &&
      (bytes[start] === 0x31 || bytes[start] === 0x32)
    ) {
      const key = digits(bytes, start, 8);
      const dayMs = key >= 19_000_101 ? this.dateMs(key) : Number.NaN;
      if (!Number.isNaN(dayMs)) {
        if (length === 8) return dayMs;
        this.timeOffsetMs = 0;
        const clock = this.parseClock(bytes, start + 9, end);
        return Number.isNaN(clock) ? clock : dayMs + clock - this.timeOffsetMs;
      }
    }
    if (!allowEpoch) return Number.NaN;
    const epoch = parseEpoch(bytes, start, end);
    if (!Number.isNaN(epoch)) this.lastHadZone = true;
    return epoch;
  }

  private parseDatePrefix(bytes: Uint8Array, start: number): number {
    const sep = bytes[start + 4];
    if (bytes[start + 7] !== sep) return Number.NaN;
    const year = digits(bytes, start, 4);
    const month = digits(bytes, start + 5, 2);
    const day = digits(bytes, start + 8, 2);
    if (year < 0 || month < 0 || day < 0) return Number.NaN;
    return this.dateMs(year * 10_000 + month * 100 + day);
  }

  private dateMs(key: number): number {
    if (key === this.lastDateKey) return this.lastDateMs;
    const year = Math.floor(key / 10_000);
    const month = Math.floor(key / 100) % 100;
    const day = key % 100;
    if (!isValidDate(year, month, day)) return Number.NaN;
    this.lastDateKey = key;
    this.lastDateMs = daysFromCivil(year, month, day) * MS_PER_DAY;
    return this.lastDateMs;
  }

  /** HH:MM[:SS[.f+]] then optional Z / ±HH[:MM] / ±HHMM; leaves the zone offset in `timeOffsetMs`. */
  private parseClock(bytes: Uint8Array, start: number, end: number): number {
    if (end - start < 5 || bytes[start + 2] !== 0x3a) return Number.NaN;
    const hour = digits(bytes, start, 2);
    const minute = digits(bytes, start + 3, 2);
    if (hour < 0 || minute < 0 || hour > 24 || minute > 59) return Number.NaN;
    let ms = hour * MS_PER_HOUR + minute * MS_PER_MINUTE;
    let i = start + 5;
    if (i < end && bytes[i] === 0x3a) {
      const second = digits(bytes, i + 1, 2);
      if (second < 0 || second > 60 || i + 3 > end) return Number.NaN;
      ms += second * 1000;
      i += 3;
      if (i < end && (bytes[i] === 0x2e || bytes[i] === 0x2c)) {
        i++;
        let scale = 100;
        const fractionStart = i;
        while (i < end) {
          const d = (bytes[i] as number) - 0x30;
          if (d < 0 || d > 9) break;
          if (scale >= 1) ms += d * scale;
          scale /= 10;
          i++;
        }
        if (i === fractionStart) return Number.NaN;
        ms = Math.floor(ms);
      }
    }
    if (hour === 24 && ms !== 24 * MS_PER_HOUR) return Number.NaN;
    if (i === end) return ms;
    if (bytes[i] === 0x20) i++;
    const z = bytes[i] as number;
    if ((z === 0x5a || z === 0x7a) && i + 1 === end) {
      this.lastHadZone = true;
      return ms;
    }
    if (z !== 0x2b && z !== 0x2d) return Number.NaN;
    const sign = z === 0x2b ? 1 : -1;
    const rest = end - i - 1;
    const offsetHours = digits(bytes, i + 1, 2);
    let offsetMinutes = 0;
    if (rest === 5 && bytes[i + 3] === 0x3a) offsetMinutes = digits(bytes, i + 4, 2);
    else if (rest === 4) offsetMinutes = digits(bytes, i + 3, 2);
    else if (rest !== 2) return Number.NaN;
    if (offsetHours < 0 || offsetMinutes < 0 || offsetHours > 18 || offsetMinutes > 59) return Number.NaN;
    this.lastHadZone = true;
    this.timeOffsetMs = sign * (offsetHours * MS_PER_HOUR + offsetMinutes * MS_PER_MINUTE);
    return ms;
  }
}

/** Non-negative integer of exactly `count` ASCII digits at `start`, or -1. */
function digits(bytes: Uint8Array, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = (bytes[i] as number) - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

function isPadding(c: number | undefined): boolean {
  return c === 0x20 || c === 0x22 || c === 0x09 || c === 0x0d;
}

// Two functions rather than one returning a pair: a tuple per cell would allocate per row.
function trimStart(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isPadding(bytes[start])) start++;
  return start;
}

function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  while (end > start && isPadding(bytes[end - 1])) end--;
  return end;
}

/**
 * Epoch number → ms, the unit chosen by the integer part's digit count: ≤ 11 digits are
 * seconds (to year 5138), 12–14 ms, 15–17 µs, 18–19 ns. Digits below a millisecond are
 * split off before conversion because a 19-digit ns count is not exact as a double.
 */
function parseEpoch(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (bytes[i] === 0x2d) {
    negative = true;
    i++;
  }
  const intStart = i;
  while (i < end && (bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x39) i++;
  const intEnd = i;
  const intDigits = intEnd - intStart;
  if (intDigits === 0 || intDigits > 19) return Number.NaN;
  let fraction = 0;
  if (i < end && bytes[i] === 0x2e) {
    i++;
    let scale = 0.1;
    while (i < end && (bytes[i] as number) >= 0x30 && (bytes[i] as number) <= 0x39) {
      fraction += ((bytes[i] as number) - 0x30) * scale;
      scale /= 10;
      i++;
    }
  }
  if (i !== end) return Number.NaN;
  const dropDigits = intDigits <= 11 ? -3 : intDigits <= 14 ? 0 : intDigits <= 17 ? 3 : 6;
  let ms: number;
  if (dropDigits <= 0) {
    ms = digitsValue(bytes, intStart, intEnd) * 1000 + Math.floor(fraction * 1000 + 1e-9);
    if (dropDigits === 0) ms = digitsValue(bytes, intStart, intEnd) + Math.floor(fraction);
  } else {
    ms = digitsValue(bytes, intStart, intEnd - dropDigits);
  }
  return negative ? -ms : ms;
}

function digitsValue(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + ((bytes[i] as number) - 0x30);
  return value;
}

const encoder = new TextEncoder();

/** Convenience for tests and small string columns: parse one timestamp string. */
export function parseTimestampString(text: string, zone: ZoneConverter | string = 'UTC'): number {
  const converter = typeof zone === 'string' ? new ZoneConverter(zone) : zone;
  const bytes = encoder.encode(text);
  return new TimestampParser(converter).parse(bytes, 0, bytes.length);
}
