import { emptyBars, type Bars } from '@tribar/market';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countOffTick, repairBars } from '../src/internal/repair/repair.js';

type Row = [t: number, o: number, h: number, l: number, c: number, v: number];

function barsOf(rows: Row[], extra?: number[]): Bars {
  const bars = emptyBars('T', rows.length);
  rows.forEach(([t, o, h, l, c, v], i) => {
    bars.timestamp[i] = t;
    bars.open[i] = o;
    bars.high[i] = h;
    bars.low[i] = l;
    bars.close[i] = c;
    bars.volume[i] = v;
  });
  if (extra) bars.columns.flag = Float64Array.from(extra);
  return bars;
}

function rowsOf(bars: Bars): Row[] {
  return Array.from(bars.timestamp, (t, i) => [t, bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]] as Row);
}

describe('repairBars', () => {
  it('leaves clean bars unchanged and counts nothing', () => {
    const input = barsOf([
      [0, 10, 11, 9, 10.5, 5],
      [60, 10.5, 11, 10, 10.75, 6],
    ]);
    const { bars, report } = repairBars(input, { tickSize: 0.25 });
    expect(rowsOf(bars)).toEqual(rowsOf(input));
    expect(report).toMatchObject({ rowsIn: 2, rowsOut: 2, sorted: false, totalFixes: 0, warnings: [], tickSize: 0.25 });
    expect(Object.values(report.counts).every((count) => count === 0)).toBe(true);
  });

  it('applies the checks in the original order, each on the row as already fixed', () => {
    // high 8 < low 9: swapped to 9/8; then high 9 < open 10 → 10; then high 10 < close 12 → 12.
    const { bars, report } = repairBars(barsOf([[0, 10, 8, 9, 12, 1]]));
    expect(rowsOf(bars)).toEqual([[0, 10, 12, 8, 12, 1]]);
    expect(report.counts).toMatchObject({
      highLowSwapped: 1,
      highRaisedToOpen: 1,
      highRaisedToClose: 1,
      lowLoweredToOpen: 0,
      lowLoweredToClose: 0,
    });
    expect(report.totalFixes).toBe(3);
  });

  it('counts OHLC fixes on a row it then drops for a non-positive price, as the original did', () => {
    const { bars, report } = repairBars(
      barsOf([
        [0, -1, 5, 4, 4.5, 1],
        [60, 5, 6, 4, 5, 1],
      ]),
    );
    expect(report.counts.lowLoweredToOpen).toBe(1);
    expect(report.counts.nonPositivePriceRowsDropped).toBe(1);
    expect(rowsOf(bars)).toEqual([[60, 5, 6, 4, 5, 1]]);
  });

  it('drops NaN timestamps as missing and keeps extra columns aligned through sort, dedupe and drops', () => {
    const input = barsOf(
      [
        [120, 3, 3, 3, 3, 3],
        [Number.NaN, 9, 9, 9, 9, 9],
        [0, 1, 1, 1, 1, 1],
        [60, 2, 2, 2, 2, Number.NaN],
        [0, 7, 7, 7, 7, 7],
        [180, 0, 4, 4, 4, 4],
      ],
      [30, 90, 10, 20, 70, 40],
    );
    const { bars, report } = repairBars(input);
    expect(rowsOf(bars)).toEqual([
      [0, 1, 1, 1, 1, 1],
      [60, 2, 2, 2, 2, 0],
      [120, 3, 3, 3, 3, 3],
    ]);
    expect([...(bars.columns.flag as Float64Array)]).toEqual([10, 20, 30]);
    expect(report.counts).toMatchObject({
      nanPriceRowsDropped: 1,
      nanVolumeSetToZero: 1,
      outOfOrderRows: 2,
      duplicateTimestampsDropped: 1,
      nonPositivePriceRowsDropped: 1,
      // The row at 180 s (open 0) first has its low lowered to the open, then is dropped.
      lowLoweredToOpen: 1,
    });
    expect(report.sorted).toBe(true);
    expect(report.totalFixes).toBe(5);
  });

  it('counts off-tick rows for a tick size, tolerant of binary fractions', () => {
    const bars = barsOf([
      [0, 4500.1, 4500.3, 4499.9, 4500.2, 1],
      [60, 4500.15, 4500.3, 4499.9, 4500.2, 1],
    ]);
    expect(countOffTick(bars, 0.1)).toBe(1);
    expect(countOffTick(bars, 0.05)).toBe(0);
    expect(repairBars(bars, { tickSize: 0.1 }).report.warnings).toEqual(['1 row(s) have prices off the 0.1 tick grid (left unchanged)']);
    expect(() => repairBars(bars, { tickSize: 0 })).toThrow(/tickSize must be positive/);
  });

  it('never modifies its input, whichever rules fire', () => {
    const rows: Row[] = [
      [120, 10, 8, 9, 12, -1],
      [0, 10, 11, 9, 10.5, Number.NaN],
      [60, 10, 11, 12, 10.5, 5],
      [60, 1, 1, 1, 1, 1],
    ];
    const input = barsOf(rows, [1, 2, 3, 4]);
    const { bars } = repairBars(input);
    expect(rowsOf(input)).toEqual(rows);
    expect([...(input.columns.flag as Float64Array)]).toEqual([1, 2, 3, 4]);
    expect(rowsOf(bars)).toEqual([
      [0, 10, 11, 9, 10.5, 0],
      [60, 10, 12, 10, 10.5, 5],
      [120, 10, 12, 8, 12, 0],
    ]);
    // Without sorting or drops, changed columns are copies and unchanged ones shared.
    const clean = barsOf([[0, 10, 9, 8, 10, 1]]);
    const repaired = repairBars(clean).bars;
    expect(clean.high[0]).toBe(9);
    expect(repaired.high[0]).toBe(10);
    expect(repaired.open).toBe(clean.open);
  });

  it('rejects bars whose columns differ in length', () => {
    const bars = barsOf([[0, 1, 1, 1, 1, 1]]);
    bars.close = new Float64Array(2);
    expect(() => repairBars(bars)).toThrow(/differ in length/);
  });
});

describe('repairBars invariants over random input', () => {
  const price = fc.oneof(
    fc.double({ min: -5, max: 100, noNaN: true }),
    fc.constant(Number.NaN),
    fc.integer({ min: 1, max: 400 }).map((k) => k / 4),
  );
  const row = fc.tuple(
    fc.integer({ min: 0, max: 40 }),
    price,
    price,
    price,
    price,
    fc.oneof(fc.integer({ min: -5, max: 50 }), fc.constant(Number.NaN)),
  );

  it('output is strictly increasing, OHLC-consistent, positive, with non-negative volume, and the counts add up', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const input = barsOf(rows.map(([t, o, h, l, c, v]) => [t * 60_000, o, h, l, c, v]));
        const { bars, report } = repairBars(input, { tickSize: 0.25 });
        const n = bars.timestamp.length;
        for (let i = 0; i < n; i++) {
          if (i > 0) expect(bars.timestamp[i]).toBeGreaterThan(bars.timestamp[i - 1] as number);
          const [o, h, l, c, v] = [bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]] as number[];
          expect(l).toBeGreaterThan(0);
          expect(h).toBeGreaterThanOrEqual(Math.max(o as number, c as number));
          expect(l).toBeLessThanOrEqual(Math.min(o as number, c as number));
          expect(v).toBeGreaterThanOrEqual(0);
        }
        const { counts } = report;
        expect(report.rowsIn - report.rowsOut).toBe(
          counts.nanPriceRowsDropped + counts.duplicateTimestampsDropped + counts.nonPositivePriceRowsDropped,
        );
        // Repair is idempotent: a second pass finds nothing to fix.
        expect(repairBars(bars, { tickSize: 0.25 }).report.totalFixes).toBe(0);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
