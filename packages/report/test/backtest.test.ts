import { describe, expect, it } from 'vitest';
import { barsPerYear } from '@tribar/quant';
import { annualisedSharpe, backtestMetrics, countCode, oracleTrades } from '../src/backtest.js';

// Twelve bars worked by hand. Row 0 is a train row (never entered); row 4 falls inside the
// trade opened at row 3 (one position at a time); row 8 is invalid (−99); row 11's label ends
// past the data. Five trades remain, net of a 0.5-point round trip:
//   row 1 long  → 2 : (103 − 101) − 0.5 =  1.5
//   row 3 short → 5 : (102 −  98) − 0.5 =  3.5
//   row 5 long  → 6 : (100 −  98) − 0.5 =  1.5
//   row 6 short → 8 : (100 − 104) − 0.5 = −4.5
//   row 9 short → 10: (101 − 100) − 0.5 =  0.5
const close = [100, 101, 103, 102, 99, 98, 100, 104, 104, 101, 100, 100];
const label = [1, 1, 0, -1, 1, 1, -1, 0, -99, -1, 0, 1];
const endIndex = [2, 2, 3, 5, 7, 6, 8, 9, -1, 10, 11, 12];
const split = [0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
const cost = { roundTripPrice: 0.5, tickSize: 0.25, tickValue: 1.25 };

describe('oracleTrades', () => {
  const trades = oracleTrades({ close, label, endIndex, split }, cost);

  it('enters on test rows with a ±1 label, exits at the label end, never overlaps', () => {
    expect(trades.map((t) => [t.entryIndex, t.exitIndex, t.side])).toEqual([
      [1, 2, 1],
      [3, 5, -1],
      [5, 6, 1],
      [6, 8, -1],
      [9, 10, -1],
    ]);
  });

  it('nets the round-trip cost in points, ticks and USD per contract', () => {
    expect(trades.map((t) => t.pnlPoints)).toEqual([1.5, 3.5, 1.5, -4.5, 0.5]);
    expect(trades.map((t) => t.pnlTicks)).toEqual([6, 14, 6, -18, 2]);
    expect(trades.map((t) => t.pnlUsd)).toEqual([7.5, 17.5, 7.5, -22.5, 2.5]);
    expect(trades[3]?.netReturn).toBeCloseTo(-4.5 / 100, 12);
  });

  it('without split codes every row may be entered', () => {
    expect(oracleTrades({ close, label, endIndex }, cost)[0]).toMatchObject({ entryIndex: 0, exitIndex: 2, pnlPoints: 2.5 });
  });
});

describe('backtestMetrics on the five trades', () => {
  const trades = oracleTrades({ close, label, endIndex, split }, cost);
  const spanBars = countCode(split, 2, close.length);
  const metrics = backtestMetrics(trades, { spanBars, barMinutes: 5 });

  it('counts trades, wins and the profit factor', () => {
    expect(spanBars).toBe(11);
    expect(metrics).toMatchObject({
      trades: 5,
      wins: 4,
      winRate: 0.8,
      totalPoints: 2.5,
      totalTicks: 10,
      totalUsd: 12.5,
      averageUsd: 2.5,
      averageBarsHeld: 1.4,
    });
    // gross profit 1.5 + 3.5 + 1.5 + 0.5 = 7, gross loss 4.5
    expect(metrics.profitFactor).toBeCloseTo(7 / 4.5, 12);
  });

  it('measures the drawdown of the cumulative PnL (1.5, 5, 6.5, 2, 2.5: peak 6.5 → 2)', () => {
    expect(metrics.maxDrawdownPoints).toBeCloseTo(4.5, 12);
    expect(metrics.maxDrawdownUsd).toBeCloseTo(22.5, 12);
  });

  it('annualises the per-trade Sharpe by √(trades per year)', () => {
    // 252 × 1380 / 5 = 69,552 bars a year; 5 trades in 11 bars → 31,614.545… trades a year.
    expect(barsPerYear(5)).toBe(69552);
    expect(metrics.tradesPerYear).toBeCloseTo(31614.545454545452, 6);
    // per-trade returns 1.5/101, 3.5/102, 1.5/98, −4.5/100, 0.5/101: mean 0.0048844, sd (n−1) 0.0298433
    expect(metrics.sharpe).toBeCloseTo(0.1636668961831196 * Math.sqrt(31614.545454545452), 8);
    expect(metrics.sharpe).toBeCloseTo(29.1007590758, 6);
  });
});

describe('metric edge cases', () => {
  it('has no profit factor without a loss and no Sharpe below two trades', () => {
    const one = oracleTrades({ close: [1, 2], label: [1, 0], endIndex: [1, 1] }, { roundTripPrice: 0, tickSize: 1, tickValue: 1 });
    const metrics = backtestMetrics(one, { spanBars: 2, barMinutes: 5 });
    expect(metrics).toMatchObject({ trades: 1, winRate: 1, profitFactor: null, sharpe: null, maxDrawdownPoints: 0 });
    expect(backtestMetrics([], { spanBars: 0, barMinutes: 5 })).toMatchObject({
      trades: 0,
      winRate: null,
      sharpe: null,
      tradesPerYear: null,
    });
  });

  it('the drawdown starts its peak at zero; Sharpe is null for a constant series', () => {
    // Long 100 → 99 (−1), long 99 → 97 (−2), long 97 → 101 (+4), short 101 → 102 (−1): running sum
    // −1, −3, 1, 0, so the deepest fall is 0 → −3 = 3 points (the later 1 → 0 is only 1).
    const trades = oracleTrades(
      { close: [100, 99, 97, 101, 102], label: [1, 1, 1, -1, 0], endIndex: [1, 2, 3, 4, 4] },
      { roundTripPrice: 0, tickSize: 0.5, tickValue: 5 },
    );
    expect(trades.map((t) => t.pnlPoints)).toEqual([-1, -2, 4, -1]);
    expect(backtestMetrics(trades, { spanBars: 5, barMinutes: 5 })).toMatchObject({
      maxDrawdownPoints: 3,
      maxDrawdownUsd: 30,
      totalPoints: 0,
      wins: 1,
      profitFactor: 1,
    });
    expect(annualisedSharpe([0.01, 0.01, 0.01], 100)).toBeNull();
  });
});
