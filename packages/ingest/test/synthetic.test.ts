import { defaultConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { calendarForSymbol, ZoneClock, type Bars } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import {
  generateSyntheticMarket,
  syntheticOptions,
  equicorrelationCholesky,
  type SyntheticMarketOptions,
} from '../src/internal/synthetic/generate.js';

function options(overrides: Partial<SyntheticMarketOptions> = {}): SyntheticMarketOptions {
  const config = defaultConfig();
  return { ...syntheticOptions(config), startDate: '2026-01-04', days: 70, ...overrides };
}

const bytesOf = (bars: Bars[]): Buffer =>
  Buffer.concat(
    bars.flatMap((b) =>
      [b.timestamp, b.open, b.high, b.low, b.close, b.volume].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
    ),
  );

/** Log returns of consecutive bars in the same session, keyed by the later bar's time. */
function sessionReturns(bars: Bars): Map<number, number> {
  const calendar = calendarForSymbol(bars.symbol);
  const out = new Map<number, number>();
  for (let i = 1; i < bars.close.length; i++) {
    const t = bars.timestamp[i]!;
    if (t - bars.timestamp[i - 1]! !== 60_000 || !calendar.sameSession(bars.timestamp[i - 1]!, t)) continue;
    out.set(t, Math.log(bars.close[i]! / bars.close[i - 1]!));
  }
  return out;
}

function correlation(a: Map<number, number>, b: Map<number, number>): number {
  let n = 0,
    sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (const [t, x] of a) {
    const y = b.get(t);
    if (y === undefined) continue;
    n++;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const cov = sab / n - (sa / n) * (sb / n);
  return cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
}

describe('synthetic CME market', () => {
  const market = generateSyntheticMarket(options(), new Rng(7));

  it('is reproducible from the seed, byte for byte, and changes with it', () => {
    const again = generateSyntheticMarket(options(), new Rng(7));
    expect(bytesOf(again).equals(bytesOf(market))).toBe(true);
    const other = generateSyntheticMarket(options(), new Rng(8));
    expect(bytesOf(other).equals(bytesOf(market))).toBe(false);
  });

  it('fills exactly the minutes its CME calendar is open, no halts, weekends or holidays', () => {
    expect(market.map((b) => b.symbol)).toEqual(['MES', 'MGC']);
    for (const bars of market) {
      const calendar = calendarForSymbol(bars.symbol);
      const start = Date.parse('2026-01-04T00:00:00Z');
      let openMinutes = 0;
      for (let t = start; t < start + 70 * 86_400_000; t += 60_000) if (calendar.isOpen(t)) openMinutes++;
      expect(bars.timestamp.length).toBe(openMinutes);
      for (let i = 0; i < bars.timestamp.length; i++) {
        if (!calendar.isOpen(bars.timestamp[i]!))
          throw new Error(`${bars.symbol} bar at a closed minute ${new Date(bars.timestamp[i]!).toISOString()}`);
        if (i > 0 && !(bars.timestamp[i]! > bars.timestamp[i - 1]!)) throw new Error('timestamps not increasing');
      }
      // Presidents' Day 2026: equity stops at 12:00 CT, metals at 13:30 CT.
      const lastOnHoliday = Array.from(bars.timestamp)
        .filter((t) => calendar.sessionOf(t) === 20260216)
        .at(-1);
      expect(new Date(lastOnHoliday!).toISOString()).toBe(bars.symbol === 'MES' ? '2026-02-16T17:59:00.000Z' : '2026-02-16T19:29:00.000Z');
    }
  });

  it('keeps OHLC consistent, prices on the tick grid and volumes whole and positive', () => {
    for (const bars of market) {
      const tick = bars.symbol === 'MES' ? 0.25 : 0.1;
      for (let i = 0; i < bars.close.length; i++) {
        const [o, h, l, c, v] = [bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!];
        if (!(l <= Math.min(o, c) && h >= Math.max(o, c) && l > 0)) throw new Error(`OHLC broken at ${i}: ${o} ${h} ${l} ${c}`);
        for (const p of [o, h, l, c]) {
          const steps = p / tick;
          if (Math.abs(steps - Math.round(steps)) > 1e-9) throw new Error(`${p} off the ${tick} grid`);
          // The stored double is the decimal spelling of the price (what a CSV would carry).
          if (Number(p.toFixed(2)) !== p) throw new Error(`${p} is not a clean decimal`);
        }
        if (!(Number.isInteger(v) && v >= 1)) throw new Error(`volume ${v} at ${i}`);
      }
    }
    expect(market[0]!.close[0]).toBeGreaterThan(4900);
    expect(market[1]!.close[0]).toBeGreaterThan(1950);
  });

  it('correlates one-minute returns at the configured level', () => {
    const [mesDefault, mgcDefault] = market;
    expect(correlation(sessionReturns(mesDefault!), sessionReturns(mgcDefault!))).toBeCloseTo(0.15, 1);
    const [mes, mgc] = generateSyntheticMarket(options({ correlation: 0.6 }), new Rng(11));
    expect(Math.abs(correlation(sessionReturns(mes!), sessionReturns(mgc!)) - 0.6)).toBeLessThan(0.04);
    const [mesNeg, mgcNeg] = generateSyntheticMarket(options({ correlation: -0.3 }), new Rng(12));
    expect(Math.abs(correlation(sessionReturns(mesNeg!), sessionReturns(mgcNeg!)) + 0.3)).toBeLessThan(0.04);
  });

  it('has a U-shaped intraday volatility and volume over regular hours', () => {
    const clock = new ZoneClock('America/Chicago');
    for (const bars of market) {
      const sums = { first: [0, 0, 0], midday: [0, 0, 0], last: [0, 0, 0] };
      const returns = sessionReturns(bars);
      for (let i = 0; i < bars.timestamp.length; i++) {
        const t = bars.timestamp[i]!;
        const r = returns.get(t);
        if (r === undefined) continue;
        const m = clock.minuteOfDay(t);
        const bucket = m >= 510 && m < 570 ? sums.first : m >= 660 && m < 780 ? sums.midday : m >= 840 && m < 900 ? sums.last : undefined;
        if (!bucket) continue;
        bucket[0]! += r * r;
        bucket[1]! += 1;
        bucket[2]! += bars.volume[i]!;
      }
      const vol = (b: number[]) => Math.sqrt(b[0]! / b[1]!);
      const volume = (b: number[]) => b[2]! / b[1]!;
      expect(vol(sums.first)).toBeGreaterThan(1.2 * vol(sums.midday));
      expect(vol(sums.last)).toBeGreaterThan(1.2 * vol(sums.midday));
      expect(volume(sums.first)).toBeGreaterThan(volume(sums.midday));
      expect(volume(sums.last)).toBeGreaterThan(volume(sums.midday));
    }
  });

  it('generates a year of minutes for MES and MGC by default (timings: bench/market.bench.ts)', () => {
    const year = generateSyntheticMarket(defaultConfig(), new Rng(42));
    expect(year.map((bars) => bars.symbol)).toEqual(['MES', 'MGC']);
    expect(year[0]!.timestamp.length).toBeGreaterThan(340_000);
  });

  it('rejects settings it cannot honour', () => {
    expect(() => equicorrelationCholesky(3, -0.6)).toThrow(/impossible/);
    const config = defaultConfig();
    expect(() => generateSyntheticMarket({ ...config, symbols: ['ZZ'] }, new Rng(1))).toThrow(/data.synthetic.symbols.ZZ/);
  });
});
