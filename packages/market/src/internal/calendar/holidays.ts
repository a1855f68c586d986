/**
 * CME Globex holiday schedule for equity-index and metals futures, as rules rather than a
 * list, so any year resolves; the known-answer tests pin 2024–2027 against CME's notices.
 *
 * CME's pattern on US holidays: New Year, Good Friday and Christmas are full closures;
 * the other federal holidays (MLK, Presidents', Memorial, Juneteenth, Independence, Labor,
 * Thanksgiving) trade a shortened Globex session that stops at 12:00 CT for equity index
 * and 13:30 CT for metals (the real 2026-02-16 files stop at 17:59 and 19:29 UTC). The day
 * after Thanksgiving and Christmas Eve close at 12:15 CT (equity) / 12:45 CT (metals).
 * Exceptions CME announces case by case live in `SPECIAL_SESSIONS`.
 */

/** Which holiday schedule applies: CME publishes different early closes per asset class. */
export type CmeProduct = 'equity' | 'metals';

/** What a trading date looks like on the holiday calendar. */
export type HolidayRule = { kind: 'closed'; name: string } | { kind: 'earlyClose'; name: string; closeMinuteCt: number };

const minutes = (hour: number, minute: number): number => hour * 60 + minute;

const EARLY_CLOSE: Record<CmeProduct, number> = { equity: minutes(12, 0), metals: minutes(13, 30) };
const HALF_DAY_CLOSE: Record<CmeProduct, number> = { equity: minutes(12, 15), metals: minutes(12, 45) };

/**
 * Announced exceptions, keyed `yyyymmdd`. 2026-04-03 is Good Friday and also the day of the
 * March employment report, so CME opened equity index for an abbreviated session ending
 * 08:15 CT (the real MES file's last Friday bar starts 13:14 UTC); metals stayed closed.
 */
const SPECIAL_SESSIONS: Record<number, Partial<Record<CmeProduct, HolidayRule>>> = {
  20260403: { equity: { kind: 'earlyClose', name: 'Good Friday (employment report)', closeMinuteCt: minutes(8, 15) } },
};

/** Day of week of a calendar date, 0 = Sunday. */
export function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Day of the month of the n-th (1-based) given weekday, or of the last one when n = -1. */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  if (n > 0) {
    const first = weekday(year, month, 1);
    return 1 + ((dow - first + 7) % 7) + 7 * (n - 1);
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = weekday(year, month, lastDay);
  return lastDay - ((last - dow + 7) % 7);
}

/** Gregorian Easter Sunday (Meeus/Jones/Butcher algorithm) as [month, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

/** `yyyymmdd` of a date shifted by whole days (handles month and year ends). */
export function addCalendarDays(date: number, days: number): number {
  const t = new Date(Date.UTC(Math.floor(date / 10000), (Math.floor(date / 100) % 100) - 1, (date % 100) + days));
  return t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
}

const ymd = (year: number, month: number, day: number): number => year * 10000 + month * 100 + day;

/** A fixed-date holiday moved to Friday when it falls on Saturday, Monday when on Sunday. */
function observed(year: number, month: number, day: number): number {
  const dow = weekday(year, month, day);
  const date = ymd(year, month, day);
  if (dow === 6) return addCalendarDays(date, -1);
  if (dow === 0) return addCalendarDays(date, 1);
  return date;
}

/** Holidays of one year as `yyyymmdd` → rule, for one product. */
function buildYear(year: number, product: CmeProduct): Map<number, HolidayRule> {
  const rules = new Map<number, HolidayRule>();
  const closed = (date: number, name: string) => rules.set(date, { kind: 'closed', name });
  const early = (date: number, name: string) => rules.set(date, { kind: 'earlyClose', name, closeMinuteCt: EARLY_CLOSE[product] });
  const halfDay = (date: number, name: string) => rules.set(date, { kind: 'earlyClose', name, closeMinuteCt: HALF_DAY_CLOSE[product] });

  // New Year on a Saturday is not moved back into December by CME (2022 traded on Dec 31).
  if (weekday(year, 1, 1) !== 6) closed(observed(year, 1, 1), "New Year's Day");
  early(ymd(year, 1, nthWeekday(year, 1, 1, 3)), 'Martin Luther King Jr. Day');
  early(ymd(year, 2, nthWeekday(year, 2, 1, 3)), "Presidents' Day");
  const [easterMonth, easterDay] = easterSunday(year);
  closed(addCalendarDays(ymd(year, easterMonth, easterDay), -2), 'Good Friday');
  early(ymd(year, 5, nthWeekday(year, 5, 1, -1)), 'Memorial Day');
  early(observed(year, 6, 19), 'Juneteenth');
  early(observed(year, 7, 4), 'Independence Day');
  early(ymd(year, 9, nthWeekday(year, 9, 1, 1)), 'Labor Day');
  const thanksgiving = ymd(year, 11, nthWeekday(year, 11, 4, 4));
  early(thanksgiving, 'Thanksgiving');
  halfDay(addCalendarDays(thanksgiving, 1), 'Day after Thanksgiving');
  const christmas = observed(year, 12, 25);
  const christmasEve = ymd(year, 12, 24);
  if (christmas !== christmasEve && weekday(year, 12, 24) % 6 !== 0) halfDay(christmasEve, 'Christmas Eve');
  closed(christmas, 'Christmas');

  for (const [date, special] of Object.entries(SPECIAL_SESSIONS)) {
    const rule = special[product];
    if (rule && Math.floor(Number(date) / 10000) === year) rules.set(Number(date), rule);
  }
  return rules;
}

const cache: Record<CmeProduct, Map<number, Map<number, HolidayRule>>> = { equity: new Map(), metals: new Map() };

/** The holiday rule for a trading date (`yyyymmdd`), or undefined on an ordinary day. */
export function holidayRule(date: number, product: CmeProduct): HolidayRule | undefined {
  const year = Math.floor(date / 10000);
  const byYear = cache[product];
  let rules = byYear.get(year);
  if (!rules) {
    rules = buildYear(year, product);
    byYear.set(year, rules);
  }
  return rules.get(date);
}
