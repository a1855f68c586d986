import { describe, expect, it } from 'vitest';
import { fillSessionGaps } from '../src/internal/clean/gaps.js';
import { barsFrom, iso, minuteBars } from './helpers/bars.js';
import { hasRealData, MES_1M, MGC_1M, readRealBars } from './helpers/real-data.js';

describe('fillSessionGaps', () => {
  it('fills a short gap inside a session with flat zero-volume bars at the previous close', () => {
    // 2026-03-10 14:00 UTC is mid-session (08:00 CDT); minutes 3, 4, 5 are missing.
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', [100, 101, 102, 103, 104, 105, 106, 107], { skip: [3, 4, 5] });
    const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    expect(report).toMatchObject({ filledGaps: 1, filledBars: 3, longGaps: 0 });
    expect(out.timestamp.length).toBe(8);
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
    expect(Array.from(out.columns['filled']!)).toEqual([0, 0, 0, 1, 1, 1, 0, 0]);
    expect(out.open[6]).toBe(102); // the real bar after the gap is untouched
    expect(bars.timestamp.length).toBe(5); // input not modified
  });

  it('leaves gaps longer than maxFillMinutes open and counts them', () => {
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { skip: [2, 3, 4, 5, 6, 7] });
    const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    expect(out.timestamp.length).toBe(4);
    expect(report).toMatchObject({ filledGaps: 0, longGaps: 1, longGapBars: 6 });
    expect(fillSessionGaps(bars, { maxFillMinutes: 6 }).report.filledBars).toBe(6);
    expect(fillSessionGaps(bars, { maxFillMinutes: 0 }).bars.timestamp.length).toBe(4);
  });

  it('never bridges the daily halt, a weekend or a holiday, however short the setting allows', () => {
    const halt = barsFrom('MES', [
      ['2026-03-05T21:59:00Z', 10, 10, 10, 10, 1], // last minute before the 16:00 CT halt (CST)
      ['2026-03-05T23:00:00Z', 11, 11, 11, 11, 1], // re-open
    ]);
    expect(fillSessionGaps(halt, { maxFillMinutes: 100_000 }).bars.timestamp.length).toBe(2);
    const weekend = barsFrom('MES', [
      ['2026-03-06T21:59:00Z', 12, 12, 12, 12, 1], // Friday close
      ['2026-03-08T22:00:00Z', 13, 13, 13, 13, 1], // Sunday open, after the DST switch
    ]);
    expect(fillSessionGaps(weekend, { maxFillMinutes: 100_000 }).report.filledBars).toBe(0);
    // Presidents' Day: equity stops 12:00 CT and reopens 17:00 CT for the next trade date.
    const holiday = barsFrom('MES', [
      ['2026-02-16T17:59:00Z', 1, 1, 1, 1, 1],
      ['2026-02-16T23:00:00Z', 2, 2, 2, 2, 1],
    ]);
    expect(fillSessionGaps(holiday, { maxFillMinutes: 10_000 }).report.filledBars).toBe(0);
  });

  it('carries a contract column into filled bars and zeroes event columns', () => {
    const bars = minuteBars('MES', '2026-03-10T14:00:00Z', [1, 2, 3, 4], { skip: [1, 2] });
    bars.columns['contract'] = Float64Array.from([202603, 202603]);
    bars.columns['outlier'] = Float64Array.from([1, 0]);
    const { bars: out } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    expect(Array.from(out.columns['contract']!)).toEqual([202603, 202603, 202603, 202603]);
    expect(Array.from(out.columns['outlier']!)).toEqual([1, 0, 0, 0]);
  });

  it('does not pad a session that starts late or ends early', () => {
    // The session opens at 23:00 UTC; data starts 23:03. Nothing is invented before it.
    const bars = minuteBars('MES', '2026-03-04T23:03:00Z', [1, 2, 3]);
    expect(fillSessionGaps(bars, { maxFillMinutes: 5 }).bars.timestamp.length).toBe(3);
  });
});

describe.skipIf(!hasRealData(MES_1M))('fillSessionGaps on the real TopstepX files', () => {
  it('fills the 2026-02-05 06:51–06:53 feed hole in both files and nothing else short', () => {
    for (const [file, symbol] of [
      [MES_1M, 'MES'],
      [MGC_1M, 'MGC'],
    ] as const) {
      const bars = readRealBars(file, symbol);
      const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
      expect(report.filledBars).toBe(3);
      expect(report.barsOutsideSessions).toBe(0);
      const filled = out.columns['filled']!;
      const times: string[] = [];
      for (let i = 0; i < filled.length; i++) if (filled[i] === 1) times.push(iso(out.timestamp[i]!));
      expect(times).toEqual(['2026-02-05T06:51:00.000Z', '2026-02-05T06:52:00.000Z', '2026-02-05T06:53:00.000Z']);
      // MGC's 18:01–19:44 hole on 2026-02-25 is 104 minutes: reported, not invented.
      expect(report.longGaps).toBe(symbol === 'MGC' ? 1 : 0);
      if (symbol === 'MGC') expect(report.longGapBars).toBe(104);
    }
  });
});
