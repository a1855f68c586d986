/**
 * Wall-clock ↔ UTC conversion for one IANA zone without a timezone library.
 *
 * `Intl.DateTimeFormat` knows the tz database shipped with Node, so DST rules stay correct
 * without a table of our own. Formatting is slow (~µs), so offsets are cached per UTC hour:
 * every US DST transition happens on a whole hour, so an hour never straddles two offsets.
 */
const HOUR_MS = 3_600_000;

export class ZoneClock {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #offsetByHour = new Map<number, number>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC, in ms, at the instant `utcMs` (e.g. −6 h for Chicago in winter). */
  offsetMs(utcMs: number): number {
    const hour = Math.floor(utcMs / HOUR_MS);
    const cached = this.#offsetByHour.get(hour);
    if (cached !== undefined) return cached;
    const probe = hour * HOUR_MS;
    const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of this.#format.formatToParts(probe)) {
      if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
    }
    const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
    const offset = wall - probe;
    this.#offsetByHour.set(hour, offset);
    return offset;
  }

  /**
   * UTC ms of a local wall-clock time. Two passes because the offset depends on the answer;
   * for a wall time inside a spring-forward gap this returns the later reading, which never
   * matters here (CME boundaries sit at 08:15–17:00, far from the 02:00 switch).
   */
  wallToUtc(year: number, month: number, day: number, hour: number, minute: number): number {
    const wall = Date.UTC(year, month - 1, day, hour, minute);
    const first = wall - this.offsetMs(wall);
    const second = wall - this.offsetMs(first);
    return second;
  }

  /** Local minutes after midnight at `utcMs`. */
  minuteOfDay(utcMs: number): number {
    const local = utcMs + this.offsetMs(utcMs);
    const minute = Math.floor(local / 60_000) % 1440;
    return minute < 0 ? minute + 1440 : minute;
  }
}
