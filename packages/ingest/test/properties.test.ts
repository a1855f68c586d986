import { calendarForSymbol, type Bars } from '@tribar/market';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillSessionGaps } from '../src/internal/clean/gaps.js';
import { resampleBars } from '../src/internal/resample/resample.js';

const calendar = calendarForSymbol('MES');
// Thursday 2026-03-05 18:00 UTC → Monday 2026-03-09 06:00 UTC: a halt, a weekend, the DST switch.
const WINDOW_START = Date.parse('2026-03-05T18:00:00Z');
const WINDOW_MINUTES = 3_600 + 900;

/** Random sorted distinct minutes in the window (some in halts and on the weekend), random OHLCV. */
const barsArbitrary = fc
  .uniqueArray(fc.integer({ min: 0, max: WINDOW_MINUTES }), { minLength: 1, maxLength: 400 })
  .chain((minutes) =>
    fc.tuple(
      fc.constant(minutes.sort((a, b) => a - b)),
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 0, max: 8 }),
          fc.integer({ min: 0, max: 8 }),
          fc.integer({ min: 1, max: 500 }),
        ),
        {
          minLength: minutes.length,
          maxLength: minutes.length,
        },
      ),
    ),
  )
  .map(([minutes, draws]): Bars => {
    const n = minutes.length;
    const bars: Bars = {
      symbol: 'MES',
      timestamp: Float64Array.from(minutes, (m) => WINDOW_START + m * 60_000),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      columns: {},
    };
    draws.forEach(([level, up, down, volume], i) => {
      const open = 5000 + level * 0.25;
      const close = 5000 + (level + up - down) * 0.25;
      bars.open[i] = open;
      bars.close[i] = close;
      bars.high[i] = Math.max(open, close) + up * 0.25;
      bars.low[i] = Math.min(open, close) - down * 0.25;
      bars.volume[i] = volume;
    });
    return bars;
  });

describe('resampleBars properties', () => {
  it('partitions the input into clock bins that never cross a session break', () => {
    fc.assert(
      fc.property(barsArbitrary, fc.constantFrom(2, 5, 7, 15, 60, 240), (bars, minutes) => {
        const out = resampleBars(bars, minutes);
        const counts = out.columns['sourceBars']!;
        let cursor = 0;
        for (let k = 0; k < out.timestamp.length; k++) {
          if (k > 0) expect(out.timestamp[k]!).toBeGreaterThan(out.timestamp[k - 1]!);
          const first = cursor;
          const last = cursor + counts[k]! - 1;
          const bin = Math.floor(bars.timestamp[first]! / (minutes * 60_000));
          const session = calendar.sessionOf(bars.timestamp[first]!);
          let high = -Infinity;
          let low = Infinity;
          let volume = 0;
          for (let i = first; i <= last; i++) {
            expect(Math.floor(bars.timestamp[i]! / (minutes * 60_000))).toBe(bin);
            expect(calendar.sessionOf(bars.timestamp[i]!)).toBe(session);
            high = Math.max(high, bars.high[i]!);
            low = Math.min(low, bars.low[i]!);
            volume += bars.volume[i]!;
          }
          expect(out.timestamp[k]!).toBeLessThanOrEqual(bars.timestamp[first]!);
          expect(out.timestamp[k]!).toBeGreaterThanOrEqual(bin * minutes * 60_000);
          expect([out.open[k], out.high[k], out.low[k], out.close[k], out.volume[k]]).toEqual([
            bars.open[first],
            high,
            low,
            bars.close[last],
            volume,
          ]);
          cursor = last + 1;
        }
        expect(cursor).toBe(bars.timestamp.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('fillSessionGaps properties', () => {
  it('keeps every input bar and only adds flat bars inside the session of the bar before them', () => {
    fc.assert(
      fc.property(barsArbitrary, fc.integer({ min: 0, max: 30 }), (bars, maxFillMinutes) => {
        const { bars: out, report } = fillSessionGaps(bars, { maxFillMinutes });
        const filled = out.columns['filled']!;
        expect(out.timestamp.length).toBe(bars.timestamp.length + report.filledBars);
        let source = 0;
        let run = 0;
        for (let j = 0; j < out.timestamp.length; j++) {
          if (j > 0) expect(out.timestamp[j]! - out.timestamp[j - 1]!).toBeGreaterThan(0);
          if (filled[j] === 0) {
            expect(out.timestamp[j]).toBe(bars.timestamp[source]);
            expect(out.close[j]).toBe(bars.close[source]);
            source++;
            run = 0;
            continue;
          }
          run++;
          expect(run).toBeLessThanOrEqual(maxFillMinutes);
          expect(out.timestamp[j]! - out.timestamp[j - 1]!).toBe(60_000);
          expect(out.volume[j]).toBe(0);
          expect(out.open[j]).toBe(bars.close[source - 1]);
          expect(out.high[j]).toBe(out.low[j]);
          // A filled bar shares the session of the real bar before it and comes before the next one.
          expect(calendar.sessionOf(out.timestamp[j]!)).toBe(calendar.sessionOf(bars.timestamp[source - 1]!));
          if (source < bars.timestamp.length) expect(out.timestamp[j]!).toBeLessThan(bars.timestamp[source]!);
        }
        expect(source).toBe(bars.timestamp.length);
      }),
      { numRuns: 150 },
    );
  });
});
