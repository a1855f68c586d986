import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import * as kernels from '../src/internal/kernels/index.js';
import { arr } from './helpers.js';

const {
  rollingMeanStd,
  rollingMax,
  rollingMin,
  rollingSum,
  rollingMedian,
  rollingCorrBeta,
  rollingMeanAbsDev,
  ema,
  atr,
  rsi,
  wilderMean,
  trueRange,
} = kernels;

function noisy(n: number, seed: number, nanEvery = 0): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n);
  let level = 100;
  for (let i = 0; i < n; i++) {
    level += rng.normal();
    out[i] = nanEvery > 0 && i % nanEvery === 7 ? Number.NaN : level;
  }
  return out;
}

function window(x: Float64Array, i: number, p: number): number[] | undefined {
  if (i < p - 1) return undefined;
  const w = Array.from(x.subarray(i - p + 1, i + 1));
  return w.some(Number.isNaN) ? undefined : w;
}

const mean = (w: number[]) => w.reduce((s, v) => s + v, 0) / w.length;

function expectClose(actual: Float64Array, expected: (i: number) => number | undefined, digits = 9): void {
  for (let i = 0; i < actual.length; i++) {
    const e = expected(i);
    if (e === undefined || Number.isNaN(e)) expect(actual[i], `index ${i}`).toBeNaN();
    else expect(actual[i], `index ${i}`).toBeCloseTo(e, digits);
  }
}

describe('rolling kernels agree with naive windows (NaN anywhere in a window gives NaN)', () => {
  const x = noisy(600, 1, 97);
  const y = noisy(600, 2, 131);
  for (const p of [1, 3, 20]) {
    it(`mean, std (ddof 1), sum, max, min, median, MAD for p = ${p}`, () => {
      const { mean: m, std } = rollingMeanStd(x, p, 1);
      expectClose(m, (i) => {
        const w = window(x, i, p);
        return w && mean(w);
      });
      expectClose(std, (i) => {
        const w = window(x, i, p);
        if (!w || p < 2) return undefined;
        const mu = mean(w);
        return Math.sqrt(w.reduce((s, v) => s + (v - mu) ** 2, 0) / (p - 1));
      });
      expectClose(rollingSum(x, p), (i) => window(x, i, p)?.reduce((s, v) => s + v, 0));
      expectClose(
        rollingMax(x, p),
        (i) => {
          const w = window(x, i, p);
          return w && Math.max(...w);
        },
        12,
      );
      expectClose(
        rollingMin(x, p),
        (i) => {
          const w = window(x, i, p);
          return w && Math.min(...w);
        },
        12,
      );
      expectClose(
        rollingMedian(x, p),
        (i) => {
          const w = window(x, i, p)?.sort((a, b) => a - b);
          if (!w) return undefined;
          return p % 2 ? w[p >> 1] : (w[p / 2 - 1]! + w[p / 2]!) / 2;
        },
        12,
      );
      expectClose(rollingMeanAbsDev(x, m, p), (i) => {
        const w = window(x, i, p);
        if (!w) return undefined;
        const mu = mean(w);
        return mean(w.map((v) => Math.abs(v - mu)));
      });
    });
  }

  it('correlation and beta of y on x', () => {
    const p = 20;
    const { corr, beta } = rollingCorrBeta(y, x, p);
    for (let i = 0; i < x.length; i++) {
      const wx = window(x, i, p);
      const wy = window(y, i, p);
      if (!wx || !wy) {
        expect(corr[i]).toBeNaN();
        continue;
      }
      const mx = mean(wx);
      const my = mean(wy);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let j = 0; j < p; j++) {
        sxy += (wx[j]! - mx) * (wy[j]! - my);
        sxx += (wx[j]! - mx) ** 2;
        syy += (wy[j]! - my) ** 2;
      }
      expect(beta[i]).toBeCloseTo(sxy / sxx, 9);
      expect(corr[i]).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 9);
    }
  });

  it('a flat window has exactly zero std (so z-scores are NaN, not 1e13)', () => {
    const flat = arr([1, 2, 3, 5, 5, 5, 5, 5, 7]);
    const { std } = rollingMeanStd(flat, 4, 1);
    expect(std[6]).toBe(0);
    expect(std[7]).toBe(0);
    expect(std[8]).toBeGreaterThan(0);
  });

  it('zero variance gives NaN correlation and beta, not the original 0.0', () => {
    const { corr, beta } = rollingCorrBeta(arr([1, 2, 3, 4]), arr([2, 2, 2, 2]), 3);
    expect(corr[3]).toBeNaN();
    expect(beta[3]).toBeNaN();
  });
});

describe('recursive kernels by hand (original numba definitions, §4.3)', () => {
  it('EMA is seeded by the mean of the first p values', () => {
    const out = ema(arr([1, 2, 3, 4, 5]), 3);
    expect(Array.from(out.subarray(0, 2)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(2))).toEqual([2, 3, 4]);
  });

  it('EMA skips leading NaN (MACD signal on the MACD line)', () => {
    const out = ema(arr([Number.NaN, Number.NaN, 2, 4, 6, 8]), 2);
    expect(out[3]).toBe(3);
    expect(out[4]).toBeCloseTo(5, 12);
    expect(out[5]).toBeCloseTo(7, 12);
  });

  it('true range and Wilder ATR start at bar 1', () => {
    const high = arr([10, 12, 13, 12]);
    const low = arr([9, 10, 11, 8]);
    const close = arr([9.5, 11, 12, 9]);
    const tr = trueRange(high, low, close);
    expect(Array.from(tr.subarray(1))).toEqual([2.5, 2, 4]);
    const a = atr(high, low, close, 2);
    expect(a[1]).toBeNaN();
    expect(a[2]).toBe(2.25);
    expect(a[3]).toBe((2.25 + 4) / 2);
    expect(wilderMean(tr, 2)[3]).toBe(a[3]);
  });

  it('RSI is 100 with no losses and 50 with equal average gain and loss', () => {
    expect(rsi(arr([1, 2, 3, 4]), 3)[3]).toBe(100);
    const out = rsi(arr([10, 11, 10, 11, 10]), 2);
    expect(out[2]).toBe(50);
    expect(out[3]).toBe(100 - 100 / (1 + (0.5 * 1 + 1) / 2 / ((0.5 * 1 + 0) / 2)));
  });
});

describe('ADX on flat stretches', () => {
  it('skips an undefined DX instead of poisoning every later value', () => {
    const n = 80;
    const high = new Float64Array(n).fill(101);
    const low = new Float64Array(n).fill(99);
    const close = new Float64Array(n).fill(100);
    // Flat for the first 40 bars (no directional movement: DX undefined), then a steady rise.
    for (let i = 40; i < n; i++) {
      high[i] = 101 + (i - 39);
      low[i] = 99 + (i - 39);
      close[i] = 100 + (i - 39);
    }
    const { adx: values, plusDi } = kernels.adx(high, low, close, 14);
    expect(values[27]).toBeNaN();
    expect(plusDi[20]).toBe(0);
    expect(values[41]).toBe(100);
    expect(values[79]).toBe(100);
  });
});
