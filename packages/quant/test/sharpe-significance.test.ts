import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../src/normal.js';
import { deflatedSharpeRatio, expectedMaxSharpe, minTrackRecordLength, probabilisticSharpeRatio } from '../src/sharpe-significance.js';
import { returnMoments, sharpeRatio } from '../src/trade-stats.js';

describe('normal distribution', () => {
  it('matches known values to 1e-9 or better', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(normalCdf(-1.96)).toBeCloseTo(0.024997895148220435, 15);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 15);
    // Tail keeps relative accuracy: Φ(−5) = 2.866515718791933e-7, Φ(−10) = 7.61985302416047e-24.
    expect(normalCdf(-5) / 2.866515718791933e-7).toBeCloseTo(1, 9);
    expect(normalCdf(-10) / 7.61985302416047e-24).toBeCloseTo(1, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 11);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect([normalQuantile(0), normalQuantile(1), normalQuantile(1.5)]).toEqual([-Infinity, Infinity, NaN]);
  });

  it('inverts the CDF', () => {
    for (let p = 0.0005; p < 1; p += 0.0371) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
  });
});

describe('PSR and DSR', () => {
  // The Sharpe ratio and the moments are @tribar/quant's (tested there); r = [1, −1, 2, 0, 3] has
  // SR = √0.4, skew 0, kurtosis 1.7: 1 − 0·SR + (1.7 − 1)/4·0.4 = 1.07; z = √0.4·√4/√1.07; Φ(z) = 0.8893041171218268
  it('matches the worked example', () => {
    const r = [1, -1, 2, 0, 3];
    const m = returnMoments(r);
    expect(probabilisticSharpeRatio(sharpeRatio(r), m.n, m.skew, m.kurtosis)).toBeCloseTo(0.8893041171218268, 12);
    expect(probabilisticSharpeRatio(Math.sqrt(0.4), 5, 0, 1.7)).toBeCloseTo(0.8893041171218268, 12);
  });

  // SR = 0.1 per period, n = 101, γ3 = −0.5, γ4 = 5:
  // 1 − γ3·SR + (γ4 − 1)/4·SR² = 1 + 0.05 + 1·0.01 = 1.06; σ(SR) = √(1.06/100) = 0.10295630140987
  // PSR(0) = Φ(0.1/0.1029563) = Φ(0.9712858623572642) = 0.8342970265275427
  it('computes PSR (Bailey & López de Prado 2012)', () => {
    expect(probabilisticSharpeRatio(0.1, 101, -0.5, 5)).toBeCloseTo(0.8342970265275427, 12);
    // Against its own value the probability is one half.
    expect(probabilisticSharpeRatio(0.1, 101, -0.5, 5, 0.1)).toBe(0.5);
    expect(probabilisticSharpeRatio(0.1, 1, 0, 3)).toBeNaN();
  });

  // DSR, same SR/n/γ3/γ4, N = 10 trials:
  // Φ⁻¹(1 − 1/10) = 1.2815515655446004; Φ⁻¹(1 − 1/(10e)) = Φ⁻¹(0.963212055882856) = 1.7892417645816283
  // with V = 0.0025 (trials' SR variance, σ = 0.05):
  //   SR* = 0.05·(0.4227843351·1.2815515655 + 0.5772156649·1.7892417646) = 0.05·(0.5418199 + 1.0327783) = 0.0787299150672875
  //   DSR = Φ((0.1 − 0.0787299)/0.1029563) = Φ(0.206592) = 0.5818362642742517
  // without V, V = 1.06/100 = 0.0106: SR* = √0.0106·1.5745982 = 0.16211481731282235; DSR = Φ(−0.603...) = 0.27315042974002535
  it('computes DSR (Bailey & López de Prado 2014)', () => {
    expect(expectedMaxSharpe(10, 0.0025)).toBeCloseTo(0.0787299150672875, 12);
    expect(deflatedSharpeRatio(0.1, 101, -0.5, 5, 10, 0.0025)).toBeCloseTo(0.5818362642742517, 11);
    expect(deflatedSharpeRatio(0.1, 101, -0.5, 5, 10)).toBeCloseTo(0.27315042974002535, 11);
    // One trial: no deflation, DSR = PSR(0).
    expect(deflatedSharpeRatio(0.1, 101, -0.5, 5, 1)).toBe(probabilisticSharpeRatio(0.1, 101, -0.5, 5));
  });

  it('deflates more as trials grow', () => {
    let previous = 1;
    for (const trials of [1, 2, 5, 10, 100, 1000]) {
      const dsr = deflatedSharpeRatio(0.1, 101, 0, 3, trials, 0.0025);
      expect(dsr).toBeLessThan(previous);
      previous = dsr;
    }
  });
});

describe('minTrackRecordLength', () => {
  it('hand-computed: SR 0.1 per period, normal returns → 1 + 1.005·(1.6449/0.1)² = 272.907 periods', () => {
    expect(minTrackRecordLength(0.1, 0, 3)).toBeCloseTo(272.907117136589, 9);
    // Negative skew and fat tails need a longer record: spread 1 + 0.2 + 1.25·0.04 = 1.25, against SR* = 0.05.
    expect(minTrackRecordLength(0.2, -1, 6, 0.05)).toBeCloseTo(1 + 1.25 * (1.6448536269514722 / 0.15) ** 2, 9);
  });

  it('is the record length at which PSR reaches the confidence, and infinite at or below the benchmark', () => {
    for (const [sr, skew, kurtosis] of [
      [0.05, 0, 3],
      [0.3, -0.8, 7],
      [0.12, 0.5, 2.5],
    ] as const) {
      const n = minTrackRecordLength(sr, skew, kurtosis, 0, 0.9);
      expect(probabilisticSharpeRatio(sr, n, skew, kurtosis)).toBeCloseTo(0.9, 12);
    }
    expect(minTrackRecordLength(0, 0, 3)).toBe(Infinity);
    expect(minTrackRecordLength(0.1, 0, 3, 0.2)).toBe(Infinity);
  });
});
