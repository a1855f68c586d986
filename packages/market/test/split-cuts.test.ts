import { describe, expect, it } from 'vitest';
import { calendarCuts, countBefore } from '../src/internal/split-cuts.js';

const minutes = (...values: number[]) => Float64Array.from(values, (m) => m * 60_000);

describe('calendarCuts', () => {
  it('cuts the pooled timestamps of all symbols at the ratio quantiles', () => {
    // 10 bars pooled: A at 0..5, B at 2..5 → sorted [0,1,2,2,3,3,4,4,5,5]; 70 % → index 7 (4), 85 % → index 8 (5).
    const cuts = calendarCuts([minutes(0, 1, 2, 3, 4, 5), minutes(2, 3, 4, 5)], { train: 0.7, val: 0.15, test: 0.15 });
    expect(cuts).toEqual({ trainEnd: 4 * 60_000, valEnd: 5 * 60_000 });
  });

  it('gives every symbol the same instants, whatever its own length', () => {
    const a = minutes(...Array.from({ length: 100 }, (_, i) => i));
    const b = minutes(...Array.from({ length: 20 }, (_, i) => 80 + i));
    const { trainEnd } = calendarCuts([a, b], { train: 0.5, val: 0.25, test: 0.25 });
    expect(trainEnd).toBe(60 * 60_000);
    expect(countBefore(a, trainEnd)).toBe(60);
    expect(countBefore(b, trainEnd)).toBe(0);
  });

  it('rejects empty input and ratios that do not sum to 1', () => {
    expect(() => calendarCuts([], { train: 0.7, val: 0.15, test: 0.15 })).toThrow(/at least one bar/);
    expect(() => calendarCuts([minutes(1)], { train: 0.7, val: 0.2, test: 0.15 })).toThrow(/sum to 1/);
  });
});

describe('countBefore', () => {
  it('counts bars strictly before the cut', () => {
    const t = minutes(1, 2, 2, 3);
    expect([0, 1, 2, 3, 4].map((m) => countBefore(t, m * 60_000))).toEqual([0, 0, 1, 3, 4]);
  });
});
