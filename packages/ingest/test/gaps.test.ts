import { calendarForSymbol, type Bars } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import { fillOwnedSessionGaps, fillSessionGaps } from '../src/internal/clean/gaps.js';
import { barsFrom, iso, minuteBars } from './helpers/bars.js';
import { hasRealData, MES_1M, MGC_1M, readRealBars } from './helpers/real-data.js';

describe('fillSessionGaps', () => {
  it('fills a short gap inside a session with flat zero-volume bars at the previous close', () => {
    // 2026-03-10 14:00 UTC is mid-session (08:00 CDT); minutes 3, 4, 5 are missing.
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', [100, 101, 102, 103, 104, 105, 106, 107], { skip: [3, 4, 5] });
    const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    // The hole, and the five minutes after the data's last bar (its session is still open).
    expect(report).toMatchObject({ filledGaps: 2, filledBars: 8, longGaps: 0 });
    expect(out.timestamp.length).toBe(13);
    expect(Array.from(out.timestamp, iso).slice(2, 7)).toEqual([
      '2026-03-10T14:02:00.000Z',
      '2026-03-10T14:03:00.000Z',
      '2026-03-10T14:04:00.000Z',
      '2026-03-10T14:05:00.000Z',
      '2026-03-10T14:06:00.000Z',
    ]);
    for (const i of [3, 4, 5]) {
      expect([out.open[i], out.high[i], out.low[i], out.close[i], out.volume[i]]).toEqual([102, 102, 102, 102, 0]);
    }
    expect(Array.from(out.columns['filled']!)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect(iso(out.timestamp[12]!)).toBe('2026-03-10T14:12:00.000Z');
    expect(out.close[12]).toBe(107);
    expect(out.open[6]).toBe(102); // the real bar after the gap is untouched
    expect(bars.timestamp.length).toBe(5); // input not modified
  });

  it('fills the first maxFillMinutes of a longer hole, leaves the rest open and counts it', () => {
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { skip: [2, 3, 4, 5, 6, 7] });
    const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    // Minutes 2–6 filled at minute 1's close, minute 7 open; five more after the last bar.
    expect(Array.from(out.timestamp, (t) => (t - bars.timestamp[0]!) / 60_000)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14]);
    expect(Array.from(out.close.subarray(0, 8))).toEqual([1, 2, 2, 2, 2, 2, 2, 9]);
    expect(report).toMatchObject({ filledGaps: 2, filledBars: 10, longGaps: 1, longGapBars: 1 });
    expect(fillSessionGaps(bars, { maxFillMinutes: 6 }).report).toMatchObject({ filledBars: 12, longGaps: 0, longGapBars: 0 });
    expect(fillSessionGaps(bars, { maxFillMinutes: 0 }).bars.timestamp.length).toBe(4);
    expect(fillSessionGaps(bars, { maxFillMinutes: 0 }).report).toMatchObject({ filledBars: 0, longGaps: 1, longGapBars: 6 });
  });

  it('never bridges the daily halt, a weekend or a holiday, however short the setting allows', () => {
    // Nothing between the two bars; after the last one only its own session's minutes (capped).
    const filledBetween = (bars: Bars, maxFillMinutes: number): number => {
      const { bars: out } = fillSessionGaps(bars, { maxFillMinutes });
      return Array.from(out.timestamp).filter((t) => t > bars.timestamp[0]! && t < bars.timestamp[1]!).length;
    };
    const halt = barsFrom('MES', [
      ['2026-03-05T21:59:00Z', 10, 10, 10, 10, 1], // last minute before the 16:00 CT halt (CST)
      ['2026-03-05T23:00:00Z', 11, 11, 11, 11, 1], // re-open
    ]);
    expect(filledBetween(halt, 100_000)).toBe(0);
    // The re-opened session runs to 16:00 CT the next day: 23 hours of minutes after 23:00 UTC.
    expect(fillSessionGaps(halt, { maxFillMinutes: 100_000 }).report).toMatchObject({
      filledGaps: 1,
      filledBars: 23 * 60 - 1,
      longGaps: 0,
    });
    const weekend = barsFrom('MES', [
      ['2026-03-06T21:59:00Z', 12, 12, 12, 12, 1], // Friday close
      ['2026-03-08T22:00:00Z', 13, 13, 13, 13, 1], // Sunday open, after the DST switch
    ]);
    expect(filledBetween(weekend, 100_000)).toBe(0);
    expect(fillSessionGaps(weekend, { maxFillMinutes: 100_000 }).report).toMatchObject({ longGaps: 0, missingSessions: 0 });
    // Presidents' Day: equity stops 12:00 CT and reopens 17:00 CT for the next trade date.
    const holiday = barsFrom('MES', [
      ['2026-02-16T17:59:00Z', 1, 1, 1, 1, 1],
      ['2026-02-16T23:00:00Z', 2, 2, 2, 2, 1],
    ]);
    expect(filledBetween(holiday, 10_000)).toBe(0);
    expect(fillSessionGaps(holiday, { maxFillMinutes: 10_000 }).report).toMatchObject({ longGaps: 0, missingSessions: 0 });
  });

  it('carries a contract column into filled bars and zeroes event columns', () => {
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', [1, 2, 3, 4], { skip: [1, 2] });
    bars.columns['contract'] = Float64Array.from([202603, 202603]);
    bars.columns['outlier'] = Float64Array.from([1, 0]);
    const { bars: out } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    expect(Array.from(out.columns['contract']!)).toEqual(new Array(9).fill(202603));
    expect(Array.from(out.columns['outlier']!)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('does not pad a session before its first bar, nor past its close', () => {
    // The session opens at 23:00 UTC; data starts 23:03. Nothing is invented before it.
    const bars = minuteBars('MES', '2026-03-04T23:03:00Z', [1, 2, 3]);
    const { bars: out } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    expect(iso(out.timestamp[0]!)).toBe('2026-03-04T23:03:00.000Z');
    expect(out.timestamp.length).toBe(8);
    // Two minutes before the 16:00 CT close (21:00 UTC in CDT): only 20:59 is still open.
    const closing = minuteBars('MES', '2026-03-10T20:57:00Z', [1, 2]);
    expect(Array.from(fillSessionGaps(closing, { maxFillMinutes: 5 }).bars.timestamp, iso)).toEqual([
      '2026-03-10T20:57:00.000Z',
      '2026-03-10T20:58:00.000Z',
      '2026-03-10T20:59:00.000Z',
    ]);
  });
});

describe('fillOwnedSessionGaps', () => {
  it('shares the arrays it is given when nothing is filled, and copies when something is', () => {
    // The last five minutes before the 16:00 CT close (CDT): nothing missing, nothing after.
    const closing = minuteBars('MES', '2026-03-10T20:55:00Z', [1, 2, 3, 4, 5]);
    const ids = calendarForSymbol('MES').sessionIds(closing.timestamp);
    const { bars: same, report } = fillOwnedSessionGaps(closing, { maxFillMinutes: 5 }, ids);
    expect(report.filledBars).toBe(0);
    expect(same.timestamp).toBe(closing.timestamp);
    expect(same.close).toBe(closing.close);
    expect(Array.from(same.columns['filled']!)).toEqual([0, 0, 0, 0, 0]);
    // Two minutes earlier the session is still open after the last bar: two filled, a copy.
    const early = minuteBars('MES', '2026-03-10T20:53:00Z', [1, 2, 3, 4, 5]);
    const { bars: copied } = fillOwnedSessionGaps(early, { maxFillMinutes: 5 }, calendarForSymbol('MES').sessionIds(early.timestamp));
    expect(copied.timestamp).not.toBe(early.timestamp);
    expect(Array.from(copied.columns['filled']!)).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(early.timestamp.length).toBe(5);
  });
});

describe.skipIf(!hasRealData(MES_1M))('fillSessionGaps on the real TopstepX files', () => {
  it("fills the 2026-02-05 06:51–06:53 feed hole in both files, the first five minutes of MGC's long hole and five after MES's end", () => {
    for (const [file, symbol] of [
      [MES_1M, 'MES'],
      [MGC_1M, 'MGC'],
    ] as const) {
      const bars = readRealBars(file, symbol);
      const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
      expect(report.filledBars).toBe(8);
      expect(report.barsOutsideSessions).toBe(0);
      const filled = out.columns['filled']!;
      const times: string[] = [];
      for (let i = 0; i < filled.length; i++) if (filled[i] === 1) times.push(iso(out.timestamp[i]!));
      const minutes = (from: string, count: number) => Array.from({ length: count }, (_, k) => iso(Date.parse(from) + k * 60_000));
      // MES ends 2026-04-08 23:29, 30 minutes into a session: five minutes follow it. MGC's
      // 18:01–19:44 hole on 2026-02-25 is 104 minutes: its first five filled, 99 reported open.
      const extra = symbol === 'MES' ? minutes('2026-04-08T23:30:00Z', 5) : minutes('2026-02-25T18:01:00Z', 5);
      const feedHole = minutes('2026-02-05T06:51:00Z', 3);
      expect(times).toEqual([...feedHole, ...extra]);
      expect(report.longGaps).toBe(symbol === 'MGC' ? 1 : 0);
      expect(report.longGapBars).toBe(symbol === 'MGC' ? 99 : 0);
      expect(report.missingSessions).toBe(0);
    }
  });
});
