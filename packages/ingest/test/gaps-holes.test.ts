import { defaultConfig } from '@tribar/config';
import type { Bars } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import { cleanBars, cleanOptionsFromConfig } from '../src/internal/clean/clean.js';
import { fillSessionGaps, LONG_HOLE_SESSIONS, longHoleWarning } from '../src/internal/clean/gaps.js';
import { barsFrom, rowsWhere } from './helpers/bars.js';
import { hasRealData, MES_1M, readRealBars } from './helpers/real-data.js';

/**
 * Holes in the data are counted, not hidden: whole CME sessions without a bar between the first
 * and the last bar (`missingSessions`, the longest run in `longestHole`), and every session
 * minute left without a bar (`longGaps`, `longGapBars`). A three-month hole used to report
 * `longGaps: 0`: only holes inside one session were looked at.
 */

/** `bars` without the rows in [fromIso, toIso). */
function withoutRange(bars: Bars, fromIso: string, toIso: string): Bars {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  return rowsWhere(bars, (t) => t < from || t >= to);
}

describe('missing sessions and long holes', () => {
  it('counts whole sessions between two bars, not the weekend or a holiday between them', () => {
    // Friday 2026-03-06 close → Thursday 2026-03-12: Monday to Wednesday (3 sessions) have no bar.
    const bars = barsFrom('MES', [
      ['2026-03-06T21:59:00Z', 1, 1, 1, 1, 1],
      ['2026-03-11T22:00:00Z', 2, 2, 2, 2, 1], // the open of the 2026-03-12 session (CDT)
    ]);
    const { report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    expect(report).toMatchObject({
      missingSessions: 3,
      longestHole: { sessions: 3, start: '2026-03-08T22:00:00.000Z', end: '2026-03-11T21:00:00.000Z' },
      longGaps: 1,
      longGapBars: 3 * 23 * 60,
    });
    expect(longHoleWarning('MES', report)).toBeUndefined();
    // Good Friday 2026-04-03 is no COMEX session (equity index traded until 08:15 CT that day,
    // the employment report): for MGC, Thursday's close to Monday's open misses nothing.
    const easter = barsFrom('MGC', [
      ['2026-04-02T20:59:00Z', 1, 1, 1, 1, 1],
      ['2026-04-05T22:00:00Z', 2, 2, 2, 2, 1],
    ]);
    expect(fillSessionGaps(easter, { maxFillMinutes: 5 }).report).toMatchObject({ missingSessions: 0, longestHole: null, longGaps: 0 });
  });

  it('a hole starting and ending inside sessions: its start, the missing sessions and its end are left open and counted', () => {
    // 10:00 CT on Tuesday 2026-03-10 to 09:00 CT on Monday 2026-03-16 (CDT).
    const bars = barsFrom('MES', [
      ['2026-03-10T14:59:00Z', 1, 1, 1, 1, 1],
      ['2026-03-16T14:00:00Z', 2, 2, 2, 2, 1],
    ]);
    const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes: 5 });
    // After the first bar: 15:00–21:00 is 360 minutes, 5 filled, 355 open; Wednesday to Friday
    // missing (3 × 1380); Monday's session from Sunday 22:00 to 14:00 is 960 minutes.
    expect(report).toMatchObject({ filledBars: 10, longGaps: 1, longGapBars: 355 + 3 * 1380 + 960, missingSessions: 3 });
    expect(out.timestamp.length).toBe(12);
  });
});

describe.skipIf(!hasRealData(MES_1M))('a hole cut out of the real MES file', () => {
  const mes = readRealBars(MES_1M, 'MES');
  const options = cleanOptionsFromConfig(defaultConfig(), 'MES');

  it("the whole file: no session missing (a holiday's short session is a session, with bars)", () => {
    const { report } = cleanBars(mes, options);
    expect(report.gaps).toMatchObject({ missingSessions: 0, longestHole: null, longGaps: 0, longGapBars: 0 });
    expect(longHoleWarning('MES', report.gaps)).toBeUndefined();
  });

  it('five weeks without bars: 24 missing sessions, the hole named, a warning', () => {
    // The last bar before is Friday 2026-01-30 21:59 (the close); bars return 2026-03-06 15:30
    // UTC, 990 minutes into that day's session.
    const bars = withoutRange(mes, '2026-02-01T00:00:00Z', '2026-03-06T15:30:00Z');
    const { report } = cleanBars(bars, options);
    expect(report.gaps).toMatchObject({
      missingSessions: 24,
      longestHole: { sessions: 24, start: '2026-02-01T23:00:00.000Z', end: '2026-03-05T22:00:00.000Z' },
      // One hole: 23 sessions of 1380 minutes, Presidents' Day's of 1140 (12:00 CT close), and
      // the first 990 minutes of 2026-03-06's session.
      longGaps: 1,
      longGapBars: 23 * 1380 + 1140 + 990,
    });
    const warning = longHoleWarning('MES', report.gaps);
    expect(warning?.fields).toEqual({
      symbol: 'MES',
      start: '2026-02-01T23:00:00.000Z',
      end: '2026-03-05T22:00:00.000Z',
      sessions: 24,
      missingSessions: 24,
    });
    expect(warning?.message).toMatch(/^MES: no bars for 24 whole sessions, 2026-02-01T23:00:00.000Z to 2026-03-05T22:00:00.000Z/);
  });

  it('a hole from mid-session to mid-session, and the limit of the warning', () => {
    // From 2026-02-10 15:00 UTC (09:00 CT) to 2026-02-20 16:00 UTC: the rest of the 02-10
    // session (420 minutes, 5 of them filled), 7 sessions (02-16 Presidents' Day: 1140), and
    // 1020 minutes of the 02-20 session.
    const bars = withoutRange(mes, '2026-02-10T15:00:00Z', '2026-02-20T16:00:00Z');
    const { report } = cleanBars(bars, options);
    expect(report.gaps).toMatchObject({ missingSessions: 7, longGaps: 1, longGapBars: 415 + 6 * 1380 + 1140 + 1020 });
    expect(report.gaps.filledBars).toBe(3 + 5 + 5); // the feed hole, this hole's start, the data's end
    expect(longHoleWarning('MES', report.gaps)?.fields['sessions']).toBe(7);
    // Exactly LONG_HOLE_SESSIONS missing is no warning.
    const short = cleanBars(withoutRange(mes, '2026-02-10T15:00:00Z', '2026-02-18T16:00:00Z'), options).report.gaps;
    expect(short.missingSessions).toBe(LONG_HOLE_SESSIONS);
    expect(longHoleWarning('MES', short)).toBeUndefined();
  });
});
