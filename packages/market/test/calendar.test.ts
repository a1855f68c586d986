import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CmeCalendar, easterSunday, holidayRule, productForSymbol } from '../src/internal/calendar/index.js';

const utc = (iso: string): number => Date.parse(iso);
const equity = new CmeCalendar('equity');
const metals = new CmeCalendar('metals');

describe('CME Globex sessions', () => {
  it('opens Sunday 17:00 CT and halts 16:00–17:00 CT in winter (CST = UTC−6)', () => {
    const monday = equity.session('2026-03-02');
    expect(monday?.openMs).toBe(utc('2026-03-01T23:00:00Z'));
    expect(monday?.closeMs).toBe(utc('2026-03-02T22:00:00Z'));
    expect(equity.sessionOf(utc('2026-03-01T22:59:00Z'))).toBe(-1);
    expect(equity.sessionOf(utc('2026-03-01T23:00:00Z'))).toBe(20260302);
    expect(equity.sessionOf(utc('2026-03-05T21:59:00Z'))).toBe(20260305);
    expect(equity.isOpen(utc('2026-03-05T22:00:00Z'))).toBe(false);
    expect(equity.isOpen(utc('2026-03-05T22:59:00Z'))).toBe(false);
    expect(equity.sessionOf(utc('2026-03-05T23:00:00Z'))).toBe(20260306);
    // Friday closes at 16:00 CT and nothing trades until Sunday 17:00 CT.
    expect(equity.sessionOf(utc('2026-03-06T21:59:00Z'))).toBe(20260306);
    expect(equity.isOpen(utc('2026-03-06T22:00:00Z'))).toBe(false);
    expect(equity.isOpen(utc('2026-03-07T12:00:00Z'))).toBe(false);
  });

  it('follows the DST switch of 2026-03-08: the Sunday open is already 17:00 CDT = 22:00 UTC', () => {
    expect(equity.sessionOpenMs('2026-03-09')).toBe(utc('2026-03-08T22:00:00Z'));
    expect(equity.sessionCloseMs('2026-03-09')).toBe(utc('2026-03-09T21:00:00Z'));
    expect(equity.isOpen(utc('2026-03-09T21:00:00Z'))).toBe(false);
    expect(equity.sessionOf(utc('2026-03-09T22:00:00Z'))).toBe(20260310);
    // Week before: still CST.
    expect(equity.sessionCloseMs('2026-03-06')).toBe(utc('2026-03-06T22:00:00Z'));
    // Fall back on 2026-11-01: the Sunday open returns to 23:00 UTC.
    expect(equity.sessionOpenMs('2026-11-02')).toBe(utc('2026-11-01T23:00:00Z'));
    expect(equity.sessionCloseMs('2026-10-30')).toBe(utc('2026-10-30T21:00:00Z'));
  });

  it('counts minutes since the open and compares sessions', () => {
    expect(equity.minutesSinceSessionOpen(utc('2026-03-08T22:00:00Z'))).toBe(0);
    expect(equity.minutesSinceSessionOpen(utc('2026-03-09T20:59:00Z'))).toBe(1379);
    expect(equity.minutesSinceSessionOpen(utc('2026-03-09T21:30:00Z'))).toBe(-1);
    expect(equity.sameSession(utc('2026-03-09T20:59:00Z'), utc('2026-03-09T22:00:00Z'))).toBe(false);
    expect(equity.sameSession(utc('2026-03-08T22:00:00Z'), utc('2026-03-09T20:59:00Z'))).toBe(true);
    expect(equity.sameSession(utc('2026-03-07T12:00:00Z'), utc('2026-03-07T12:00:00Z'))).toBe(false);
  });

  it('knows regular hours: 08:30–15:00 CT for equity index', () => {
    expect(equity.isRegularHours(utc('2026-03-10T13:29:00Z'))).toBe(false);
    expect(equity.isRegularHours(utc('2026-03-10T13:30:00Z'))).toBe(true);
    expect(equity.isRegularHours(utc('2026-03-10T19:59:00Z'))).toBe(true);
    expect(equity.isRegularHours(utc('2026-03-10T20:00:00Z'))).toBe(false);
    expect(equity.isRegularHours(utc('2026-01-13T14:30:00Z'))).toBe(true);
    expect(equity.isRegularHours(utc('2026-01-13T14:29:00Z'))).toBe(false);
  });

  it('lists sessions in a range and finds the next one', () => {
    const sessions = equity.sessionsBetween(utc('2026-03-06T00:00:00Z'), utc('2026-03-10T00:00:00Z'));
    expect(sessions.map((s) => s.id)).toEqual([20260306, 20260309, 20260310]);
    expect(equity.nextSession(20260306).id).toBe(20260309);
    expect(equity.nextSession('2025-12-24').id).toBe(20251226);
  });
});

describe('CME holidays 2024–2027', () => {
  it('closes early on Presidents’ Day 2026: 12:00 CT equity, 13:30 CT metals', () => {
    expect(equity.sessionCloseMs('2026-02-16')).toBe(utc('2026-02-16T18:00:00Z'));
    expect(metals.sessionCloseMs('2026-02-16')).toBe(utc('2026-02-16T19:30:00Z'));
    expect(equity.session('2026-02-16')?.holiday).toBe("Presidents' Day");
    expect(equity.sessionOpenMs('2026-02-17')).toBe(utc('2026-02-16T23:00:00Z'));
  });

  it('computes Easter and closes Good Friday, except the 2026 equity short session', () => {
    expect(easterSunday(2024)).toEqual([3, 31]);
    expect(easterSunday(2025)).toEqual([4, 20]);
    expect(easterSunday(2026)).toEqual([4, 5]);
    expect(easterSunday(2027)).toEqual([3, 28]);
    for (const date of ['2024-03-29', '2025-04-18', '2027-03-26']) {
      expect(equity.session(date)).toBeUndefined();
      expect(metals.session(date)).toBeUndefined();
    }
    expect(equity.sessionOpenMs('2026-04-03')).toBe(utc('2026-04-02T22:00:00Z'));
    expect(equity.sessionCloseMs('2026-04-03')).toBe(utc('2026-04-03T13:15:00Z'));
    expect(metals.session('2026-04-03')).toBeUndefined();
  });

  it('matches the full closures and early closes of 2024–2027', () => {
    const closed = ['2024-01-01', '2025-01-01', '2026-01-01', '2027-01-01', '2024-12-25', '2025-12-25', '2026-12-25', '2027-12-24'];
    for (const date of closed) expect(equity.session(date), date).toBeUndefined();
    const earlyNoon = [
      '2024-01-15',
      '2025-01-20',
      '2026-01-19',
      '2027-01-18', // MLK
      '2024-02-19',
      '2025-02-17',
      '2027-02-15', // Presidents'
      '2024-05-27',
      '2025-05-26',
      '2026-05-25',
      '2027-05-31', // Memorial
      '2024-06-19',
      '2025-06-19',
      '2026-06-19',
      '2027-06-18', // Juneteenth (2027 observed Friday)
      '2024-07-04',
      '2025-07-04',
      '2026-07-03',
      '2027-07-05', // Independence (observed)
      '2024-09-02',
      '2025-09-01',
      '2026-09-07',
      '2027-09-06', // Labor
      '2024-11-28',
      '2025-11-27',
      '2026-11-26',
      '2027-11-25', // Thanksgiving
    ];
    for (const date of earlyNoon) {
      const rule = holidayRule(Number(date.replaceAll('-', '')), 'equity');
      expect(rule?.kind === 'earlyClose' && rule.closeMinuteCt, date).toBe(12 * 60);
    }
    // 12:15 CT on the Friday after Thanksgiving and on Christmas Eve (CST: 18:15 UTC).
    expect(equity.sessionCloseMs('2025-11-28')).toBe(utc('2025-11-28T18:15:00Z'));
    expect(equity.sessionCloseMs('2024-12-24')).toBe(utc('2024-12-24T18:15:00Z'));
    expect(metals.sessionCloseMs('2024-12-24')).toBe(utc('2024-12-24T18:45:00Z'));
    // After a full closure the next session opens the evening of the holiday.
    expect(equity.sessionOpenMs('2024-12-26')).toBe(utc('2024-12-25T23:00:00Z'));
    expect(equity.sessionOf(utc('2024-12-25T12:00:00Z'))).toBe(-1);
  });

  it('picks the metals schedule for COMEX symbols', () => {
    expect(productForSymbol('MGC')).toBe('metals');
    expect(productForSymbol('MES')).toBe('equity');
  });
});

// Real TopstepX files (see /work/shared/data/README.md): never copied into the repo.
const dataDir = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data');
const realFiles = [
  { file: 'mes_1m_20260120_20260408.csv', calendar: equity },
  { file: 'mgc_1m_20260121_20260326.csv', calendar: metals },
];

describe.skipIf(!existsSync(join(dataDir, realFiles[0]!.file)))('CME calendar against real one-minute bars', () => {
  for (const { file, calendar } of realFiles) {
    it(`places every bar of ${file} in an open session, and every session break at a halt`, () => {
      const lines = readFileSync(join(dataDir, file), 'utf8').trim().split('\n').slice(1);
      const times = lines.map((line) => Date.parse(line.slice(0, line.indexOf(','))));
      let outside = 0;
      let breaksAtOpen = 0;
      let breaks = 0;
      for (let i = 0; i < times.length; i++) {
        const t = times[i]!;
        if (!calendar.isOpen(t)) outside++;
        if (i > 0 && !calendar.sameSession(times[i - 1]!, t)) {
          breaks++;
          if (calendar.minutesSinceSessionOpen(t) === 0) breaksAtOpen++;
        }
      }
      expect(outside).toBe(0);
      expect(breaks).toBeGreaterThan(40);
      expect(breaksAtOpen).toBe(breaks);
    });
  }
});

describe('CME calendar properties', () => {
  // An independent reading of the rules from Intl's Chicago wall clock, for ordinary days.
  const chicago = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hourCycle: 'h23', weekday: 'short', hour: 'numeric' });
  const expectedOpen = (t: number): boolean => {
    const parts = Object.fromEntries(chicago.formatToParts(t).map((p) => [p.type, p.value]));
    const hour = Number(parts['hour']);
    switch (parts['weekday']) {
      case 'Sat':
        return false;
      case 'Sun':
        return hour >= 17;
      case 'Fri':
        return hour < 16;
      default:
        return hour !== 16;
    }
  };

  it('agrees with the plain weekly rule at every minute of 2026 outside holiday weeks', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    let checked = 0;
    for (let t = start; t < start + 365 * 86_400_000; t += 7 * 60_000) {
      const session = equity.sessionAt(t);
      const near = [0, 1, 2].map((d) => Number(new Date(t + (d - 1) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')));
      if (near.some((date) => holidayRule(date, 'equity'))) continue;
      expect(session !== undefined, new Date(t).toISOString()).toBe(expectedOpen(t));
      checked++;
    }
    expect(checked).toBeGreaterThan(60_000);
  });

  it('keeps sessions disjoint, ordered and at most 23 hours long', () => {
    const sessions = metals.sessionsBetween(Date.parse('2024-01-01T00:00:00Z'), Date.parse('2028-01-01T00:00:00Z'));
    expect(sessions.length).toBeGreaterThan(1000);
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i]!;
      expect(s.closeMs - s.openMs).toBeLessThanOrEqual(23 * 3_600_000);
      expect(s.closeMs).toBeGreaterThan(s.openMs);
      if (i > 0) expect(s.openMs).toBeGreaterThanOrEqual(sessions[i - 1]!.closeMs + 3_600_000);
    }
  });

  it('answers closed for instants that are not numbers', () => {
    expect(equity.sessionOf(Number.NaN)).toBe(-1);
    expect(equity.isOpen(Number.POSITIVE_INFINITY)).toBe(false);
  });
});

describe('bulk session columns', () => {
  it('match the per-instant answers, in and out of sessions', () => {
    const times = Float64Array.from(
      [
        '2026-03-05T21:58:00Z',
        '2026-03-05T21:59:00Z',
        '2026-03-05T22:30:00Z',
        '2026-03-05T23:00:00Z',
        '2026-03-05T23:07:00Z',
        '2026-03-07T12:00:00Z',
        '2026-03-08T22:00:00Z',
      ],
      Date.parse,
    );
    expect(Array.from(equity.sessionIds(times))).toEqual([20260305, 20260305, -1, 20260306, 20260306, -1, 20260309]);
    expect(Array.from(equity.minutesSinceOpen(times))).toEqual([1378, 1379, -1, 0, 7, -1, 0]);
    for (const t of times) expect(equity.sessionIds(Float64Array.of(t))[0]).toBe(equity.sessionOf(t));
  });
});
