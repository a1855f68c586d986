import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseTimestampString, ZoneConverter } from '../src/internal/read/timestamp.js';

const ms = (iso: string): number => Date.parse(iso);

describe('timestamp formats → epoch ms (known answers)', () => {
  const cases: [string, number][] = [
    ['2026-01-20T13:27:00Z', 1_768_915_620_000],
    ['2026-01-20T13:27:00z', 1_768_915_620_000],
    ['2026-01-20T13:27:00', 1_768_915_620_000],
    ['2026-01-20 13:27:00', 1_768_915_620_000],
    ['2026-01-20 13:27', 1_768_915_620_000],
    ['2026-01-20T13:27:00.123Z', 1_768_915_620_123],
    ['2026-01-20 13:27:00.5', 1_768_915_620_500],
    ['2026-01-20T13:27:00.123456789Z', 1_768_915_620_123],
    ['2026-01-20T14:27:00+01:00', 1_768_915_620_000],
    ['2026-01-20T08:27:00-05:00', 1_768_915_620_000],
    ['2026-01-20T19:57:00+0630', 1_768_915_620_000],
    ['2026-01-20T15:27:00+02', 1_768_915_620_000],
    ['2026-01-20 13:27:00 +00:00', 1_768_915_620_000],
    ['2026/01/20 13:27:00.250', 1_768_915_620_250],
    ['2026-01-20', 1_768_867_200_000],
    ['20260120', 1_768_867_200_000],
    ['20260120 13:27:00', 1_768_915_620_000],
    ['20260120T13:27', 1_768_915_620_000],
    ['18000000', 18_000_000_000],
    ['"2026-01-20T13:27:00Z"', 1_768_915_620_000],
    ['  2026-01-20T13:27:00Z ', 1_768_915_620_000],
    ['1768915620', 1_768_915_620_000],
    ['1768915620.5', 1_768_915_620_500],
    ['1768915620123', 1_768_915_620_123],
    ['1768915620123456', 1_768_915_620_123],
    ['1768915620123456789', 1_768_915_620_123],
    ['2024-02-29T00:00:00Z', ms('2024-02-29T00:00:00Z')],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseTimestampString(text)).toBe(expected);
  });

  it('matches Date.parse on the first rows of the real MES file format', () => {
    expect(parseTimestampString('2026-01-20T13:27:00Z')).toBe(ms('2026-01-20T13:27:00Z'));
    expect(parseTimestampString('2026-04-08T23:29:00Z')).toBe(ms('2026-04-08T23:29:00Z'));
  });

  it.each([
    '',
    'abc',
    '2026-13-01T00:00:00Z',
    '2026-02-30 10:00',
    '2023-02-29',
    '2026-01-20T25:00:00Z',
    '2026-01-20T13:7',
    '2026-01-20X13:27:00',
    '2026-01-20T13:27:00+1',
    '12:30',
    '1.2.3',
    '0x10',
  ])('rejects %j', (text) => {
    expect(parseTimestampString(text)).toBeNaN();
  });

  it('days from civil agrees with Date.UTC over four centuries', () => {
    for (let year = 1900; year <= 2300; year += 7) {
      for (const [month, day] of [
        [1, 1],
        [2, 28],
        [3, 1],
        [12, 31],
      ] as const) {
        expect(daysFromCivil(year, month, day) * 86_400_000).toBe(Date.UTC(year, month - 1, day));
      }
    }
  });
});

describe('naive times in a configured zone', () => {
  const chicago = new ZoneConverter('America/Chicago');
  const parse = (text: string): number => parseTimestampString(text, chicago);

  it('uses CST (UTC−6) before and CDT (UTC−5) after the March 2026 change (Sunday 8 March, 02:00)', () => {
    expect(parse('2026-03-07 17:00')).toBe(ms('2026-03-07T23:00:00Z'));
    expect(parse('2026-03-08 01:59')).toBe(ms('2026-03-08T07:59:00Z'));
    expect(parse('2026-03-08 03:00')).toBe(ms('2026-03-08T08:00:00Z'));
    expect(parse('2026-03-08 17:00')).toBe(ms('2026-03-08T22:00:00Z'));
  });

  it('moves a wall time inside the skipped hour forward by the gap', () => {
    expect(parse('2026-03-08 02:30')).toBe(ms('2026-03-08T08:30:00Z'));
  });

  it('resolves the repeated November hour to its first occurrence (CDT)', () => {
    expect(parse('2026-11-01 00:59')).toBe(ms('2026-11-01T05:59:00Z'));
    expect(parse('2026-11-01 01:30')).toBe(ms('2026-11-01T06:30:00Z'));
    expect(parse('2026-11-01 02:00')).toBe(ms('2026-11-01T08:00:00Z'));
  });

  it('keeps explicit offsets and epochs as they are', () => {
    expect(parse('2026-03-08T03:00:00Z')).toBe(ms('2026-03-08T03:00:00Z'));
    expect(parse('2026-03-08T03:00:00+01:00')).toBe(ms('2026-03-08T02:00:00Z'));
    expect(parse('1772942400')).toBe(1_772_942_400_000);
  });

  it('agrees with Intl for every hour of 2026 in Chicago, London and Sydney', () => {
    for (const zone of ['America/Chicago', 'Europe/London', 'Australia/Sydney']) {
      const converter = new ZoneConverter(zone);
      const format = new Intl.DateTimeFormat('sv-SE', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
        // Each UTC instant's local wall time must map back to it, except in a repeated hour's second pass.
        const wall = format.format(new Date(t));
        const back = parseTimestampString(wall, converter);
        if (back !== t) expect(back).toBe(t - 3_600_000);
      }
    }
  });

  it('reads US zone abbreviations as the DST-observing zones, as the original did', () => {
    expect(new ZoneConverter('CST').zone).toBe('America/Chicago');
    expect(parseTimestampString('2026-07-01 12:00', 'EST')).toBe(ms('2026-07-01T16:00:00Z'));
    expect(parseTimestampString('2026-01-01 12:00', 'pst')).toBe(ms('2026-01-01T20:00:00Z'));
  });

  it('names an unknown zone', () => {
    expect(() => new ZoneConverter('Mars/Olympus')).toThrow(/unknown time zone 'Mars\/Olympus'/);
  });
});
