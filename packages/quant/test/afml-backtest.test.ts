import { describe, expect, it } from 'vitest';
import { averageHoldingPeriod, betsConcentration, betTiming, drawdownList, herfindahlIndex } from '../src/afml-backtest.js';

describe('drawdownList (AFML snippet 14.4)', () => {
  it('gives the issue known answer: drawdowns 20, 30, 10', () => {
    const dd = drawdownList([100, 110, 90, 100, 120, 130, 100, 120, 140, 130]);
    expect(Array.from(dd.amount)).toEqual([20, 30, 10]);
    // hwm 110 (i=1) → min 90; hwm 130 (i=5) → min 100; hwm 140 (i=8) → min 130.
    expect(Array.from(dd.peakIndex)).toEqual([1, 5, 8]);
    expect(Array.from(dd.troughIndex)).toEqual([2, 6, 9]);
    expect(dd.fraction[0]).toBeCloseTo(20 / 110, 15);
    expect(dd.fraction[1]).toBeCloseTo(30 / 130, 15);
    expect(dd.fraction[2]).toBeCloseTo(10 / 140, 15);
    // The book's time under water: between successive drawdown high-water marks, 5 − 1 and 8 − 5.
    expect(Array.from(dd.timeUnderWater)).toEqual([4, 3]);
  });

  it('dates the marks with a time axis and skips marks without a drawdown', () => {
    const dd = drawdownList([1, 2, 3, 2, 4, 5, 1], [0, 10, 20, 30, 40, 50, 60]);
    expect(Array.from(dd.amount)).toEqual([1, 4]);
    expect(Array.from(dd.timeUnderWater)).toEqual([30]);
    expect(drawdownList([1, 2, 3]).amount.length).toBe(0);
    expect(drawdownList([]).timeUnderWater.length).toBe(0);
  });
});

describe('herfindahlIndex and betsConcentration (snippet 14.3)', () => {
  it('normalises Σw² to 0 (even) … 1 (one bet)', () => {
    // w = 1/6, 2/6, 3/6: Σw² = 14/36; (14/36 − 1/3) / (2/3) = 1/12.
    expect(herfindahlIndex([1, 2, 3])).toBeCloseTo(1 / 12, 15);
    expect(herfindahlIndex([5, 5, 5, 5])).toBeCloseTo(0, 15);
    expect(herfindahlIndex([0, 0, 7])).toBeCloseTo(1, 15);
    expect(herfindahlIndex([1, 2])).toBeNaN();
  });

  it('splits positive and negative returns and counts bets per month', () => {
    const jan = Date.UTC(2024, 0, 5);
    const feb = Date.UTC(2024, 1, 5);
    const apr = Date.UTC(2024, 3, 5);
    const c = betsConcentration([1, 2, 3, -1, -1, -2, 0], [jan, jan, jan, jan, feb, apr, apr]);
    // Positive (≥ 0): 1, 2, 3, 0 → w = 1/6, 2/6, 3/6, 0: (14/36 − 1/4) / (3/4) = 5/27.
    expect(c.positive).toBeCloseTo(5 / 27, 15);
    // Negative: −1, −1, −2 → w = ¼, ¼, ½: (3/8 − 1/3) / (2/3) = 1/16.
    expect(c.negative).toBeCloseTo(1 / 16, 15);
    // Counts Jan 4, Feb 1, Mar 0, Apr 2 (sum 7): Σw² = 21/49; (21/49 − 1/4) / (3/4) = 5/21.
    expect(c.time).toBeCloseTo(5 / 21, 15);
    expect(betsConcentration([1, 2, 3]).time).toBeNaN();
  });
});

describe('betTiming (snippet 14.1)', () => {
  it('marks flattenings, flips and the last bar', () => {
    // flat at 3, flip at 6 (0 → −1 at 5 is an entry, not a flip), flat at 8; last bar 9.
    expect(Array.from(betTiming([0, 1, 2, 0, 0, -1, 1, 1, 0, 1]))).toEqual([3, 6, 8, 9]);
    expect(Array.from(betTiming([1, 1, 0]))).toEqual([2]);
    expect(Array.from(betTiming([]))).toEqual([]);
  });
});

describe('averageHoldingPeriod (snippet 14.2)', () => {
  it('pairs exits with the average entry time', () => {
    // Entries at t=1 (1 contract) and t=2 (1 more): average entry 1.5; both closed at 3 → 1.5.
    expect(averageHoldingPeriod([0, 1, 2, 0])).toBeCloseTo(1.5, 15);
    // 2 contracts from t=1, flip at t=3 closes 2 held 2; −1 from t=3 closed at t=6 held 3: (4 + 3) / 3.
    expect(averageHoldingPeriod([0, 2, -1, 0], [0, 1, 3, 6])).toBeCloseTo(7 / 3, 15);
    // Partial exit: 2 contracts at t=1, one sold at t=4 (held 3), the other at t=5 (held 4): 3.5.
    expect(averageHoldingPeriod([0, 2, 2, 2, 1, 0])).toBeCloseTo(3.5, 15);
    expect(averageHoldingPeriod([0, 1, 1])).toBeNaN();
  });
});
