import { describe, expect, it } from 'vitest';
import { barsPerYear } from '../src/bars-per-year.js';
import { calmarRatio, returnMoments, sharpeRatio, sortinoRatio, tradesPerYear, tradeStats } from '../src/trade-stats.js';

describe('tradeStats', () => {
  // Net PnL 1.5, 3.5, 1.5, −4.5, 0.5 (points): 4 wins; gross profit 7, gross loss 4.5; total 2.5;
  // running sum 1.5, 5, 6.5, 2, 2.5 → deepest fall 6.5 → 2 = 4.5.
  it('matches the worked example', () => {
    expect(tradeStats([1.5, 3.5, 1.5, -4.5, 0.5])).toEqual({
      trades: 5,
      wins: 4,
      grossProfit: 7,
      grossLoss: 4.5,
      total: 2.5,
      average: 0.5,
      winRate: 0.8,
      profitFactor: 7 / 4.5,
      maxDrawdown: 4.5,
    });
  });

  it('counts a flat trade as a loss of 0, and an opening loss as drawdown', () => {
    // −2, 0, 3: wins 1 of 3; gross loss 2 (+0); running sum −2, −2, 1 → drawdown 0 → −2 = 2.
    expect(tradeStats([-2, 0, 3])).toMatchObject({
      trades: 3,
      wins: 1,
      winRate: 1 / 3,
      grossProfit: 3,
      grossLoss: 2,
      profitFactor: 1.5,
      maxDrawdown: 2,
      total: 1,
    });
  });

  it('gives 0 without trades and Infinity for a profit without a loss', () => {
    expect(tradeStats([])).toEqual({
      trades: 0,
      wins: 0,
      grossProfit: 0,
      grossLoss: 0,
      total: 0,
      average: 0,
      winRate: 0,
      profitFactor: 0,
      maxDrawdown: 0,
    });
    expect(tradeStats([2, 1])).toMatchObject({ winRate: 1, profitFactor: Infinity, maxDrawdown: 0, average: 1.5 });
    expect(tradeStats([0]).profitFactor).toBe(0);
  });
});

describe('Sharpe-family statistics', () => {
  // r = [1, −1, 2, 0, 3]: mean 1; deviations 0, −2, 1, −1, 2; Σd² = 10; sample var 10/4 = 2.5
  // SR = 1/√2.5 = √0.4 = 0.6324555320336759; × √252 = 10.039920318408907
  // Sortino: downside Σmin(r,0)² = 1 over 5 periods → dd = √0.2; 1/√0.2 = √5; × √252 = 35.4964786985977
  // population moments: m2 = 10/5 = 2; m3 = (0 − 8 + 1 − 1 + 8)/5 = 0 → skew 0; m4 = (0+16+1+1+16)/5 = 6.8 → kurt 6.8/4 = 1.7
  const r = [1, -1, 2, 0, 3];

  it('matches the worked example', () => {
    expect(sharpeRatio(r)).toBeCloseTo(Math.sqrt(0.4), 15);
    expect(sharpeRatio(r, 252)).toBeCloseTo(10.039920318408907, 12);
    expect(sortinoRatio(r, 252)).toBeCloseTo(35.4964786985977, 12);
    expect(returnMoments(r)).toEqual({ n: 5, mean: 1, std: Math.sqrt(2.5), skew: 0, kurtosis: expect.closeTo(1.7, 14) });
  });

  it('returns 0 for degenerate series, Infinity for a Sortino without downside', () => {
    expect(sharpeRatio([])).toBe(0);
    expect(sharpeRatio([2])).toBe(0);
    expect(sharpeRatio([1, 1, 1])).toBe(0);
    expect(sortinoRatio([1, 2])).toBe(Infinity);
    expect(sortinoRatio([0, 0])).toBe(0);
    expect(returnMoments([3, 3])).toEqual({ n: 2, mean: 3, std: 0, skew: 0, kurtosis: 3 });
  });

  it('computes Calmar', () => {
    expect(calmarRatio(30, 10)).toBe(3);
    expect(calmarRatio(5, 0)).toBe(Infinity);
    expect(calmarRatio(-5, 0)).toBe(0);
  });
});

describe('tradesPerYear', () => {
  it('annualises a trade count by the bars a year of the bar size', () => {
    // 252 × 1380 / 5 = 69,552 bars a year; 5 trades in 11 bars → 5 / (11 / 69,552) = 31,614.5454…
    expect(barsPerYear(5)).toBe(69552);
    expect(tradesPerYear(5, 11, 5)).toBeCloseTo(31614.545454545452, 8);
    // a per-trade Sharpe annualised by it: √0.4 × √(69,552 × 2 / 10) = √0.4 × √13,910.4
    expect(sharpeRatio([1, -1, 2, 0, 3], tradesPerYear(2, 10, 5))).toBeCloseTo(Math.sqrt(0.4) * Math.sqrt(13910.4), 9);
  });

  it('is 0 without trades or without a span', () => {
    expect(tradesPerYear(0, 100, 5)).toBe(0);
    expect(tradesPerYear(3, 0, 5)).toBe(0);
  });
});
