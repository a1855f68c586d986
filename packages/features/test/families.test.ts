import { Rng } from '@tribar/core';
import { calendarForSymbol, type Bars } from '@tribar/market';
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../src/internal/compute.js';
import { alignCloses, crossPairs } from '../src/internal/families/cross-asset.js';
import { higherTimeframeBars } from '../src/internal/families/multi-timeframe.js';
import { chooseFracDiffOrder, ffdWeights, fracDiff } from '../src/internal/kernels/fracdiff.js';
import * as kernels from '../src/internal/kernels/index.js';
import { adfCriticalValue5, adfTest } from '@tribar/quant';
import { arr, defaultConfig, randomBars } from './helpers.js';

const MIN = 60_000;
const config = defaultConfig({ features: { fracdiff: { d: 0.4 } } });

function features(bars: Bars, partners: Bars[] = [], symbols = [bars.symbol, ...partners.map((p) => p.symbol)]) {
  const out = computeFeatures(bars, {
    config: config.features,
    symbols,
    barMinutes: 5,
    trainFraction: 0.7,
    partners: new Map(partners.map((p) => [p.symbol, p])),
  });
  return (name: string): Float64Array => {
    const j = out.specs.findIndex((s) => s.name === name);
    if (j < 0) throw new Error(`no feature ${name}`);
    return out.columns[j]!;
  };
}

function barsOf(
  symbol: string,
  timestamp: number[],
  close: number[],
  extra: Partial<Record<'open' | 'high' | 'low' | 'volume', number[]>> = {},
): Bars {
  return {
    symbol,
    timestamp: arr(timestamp),
    open: arr(extra.open ?? close),
    high: arr(extra.high ?? close),
    low: arr(extra.low ?? close),
    close: arr(close),
    volume: arr(extra.volume ?? close.map(() => 1)),
    columns: {},
  };
}

describe('returns, ratios and temporal encodings by hand', () => {
  const t0 = Date.UTC(2024, 0, 2, 14, 35); // Tuesday 14:35 UTC = 08:35 CT
  const bars = barsOf('MES', [t0, t0 + 5 * MIN, t0 + 10 * MIN], [100, 110, 99], {
    open: [99, 100, 110],
    high: [101, 112, 110],
    low: [98, 99, 99],
  });
  const get = features(bars);
  it('returns and ratios', () => {
    expect(get('return_1')[1]).toBeCloseTo(0.1, 15);
    expect(get('log_return_1')[2]).toBeCloseTo(Math.log(99 / 110), 15);
    expect(get('hl_ratio')[0]).toBe(101 / 98);
    expect(get('co_ratio')[1]).toBe(1.1);
    expect(get('range_pct')[1]).toBe(13 / 110);
    expect(get('roc_5')[2]).toBeNaN();
  });
  it('UTC hour, minute, weekday (Monday = 0) and the original session buckets', () => {
    expect(get('hour_sin')[0]).toBeCloseTo(Math.sin((2 * Math.PI * 14) / 24), 15);
    expect(get('minute_cos')[0]).toBeCloseTo(Math.cos((2 * Math.PI * 35) / 60), 15);
    expect(get('dayofweek_sin')[0]).toBeCloseTo(Math.sin((2 * Math.PI * 1) / 7), 15);
    expect([get('session_asia')[0], get('session_london')[0], get('session_ny')[0]]).toEqual([0, 1, 0]);
  });
  it('CME session: regular hours from 08:30 CT, minutes since the 17:00 CT open the day before', () => {
    expect(get('is_rth')[0]).toBe(1);
    // The 2 January 2024 session opened on 1 January at 17:00 CST = 23:00 UTC: 15 h 35 min earlier.
    expect(get('minutes_since_session_open')[0]).toBe(15 * 60 + 35);
    expect(get('session_progress')[0]).toBeCloseTo(935 / 1380, 12);
    const early = features(barsOf('MES', [Date.UTC(2024, 0, 2, 14, 25)], [1]));
    expect(early('is_rth')[0]).toBe(0);
  });
});

describe('volume and VWAP by hand', () => {
  it('VWAP resets at 00:00 UTC and at the CME session open, and is NaN while volume is 0', () => {
    const day = Date.UTC(2024, 0, 3);
    const ts = [day - 10 * MIN, day - 5 * MIN, day, day + 5 * MIN];
    const get = features(barsOf('MES', ts, [10, 20, 30, 40], { volume: [1, 3, 0, 2] }));
    const vwap = get('vwap');
    expect(vwap[1]).toBe((10 + 60) / 4);
    expect(vwap[2]).toBeNaN();
    expect(vwap[3]).toBe(40);
    expect(get('price_to_session_vwap')[3]).toBeCloseTo(40 / ((10 + 60 + 80) / 6) - 1, 14);
    expect(Array.from(get('obv'))).toEqual([0, 3, 3, 5]);
  });
});

describe('range-based volatility by hand', () => {
  it('Parkinson, Garman–Klass, Rogers–Satchell and Yang–Zhang on constant bars', () => {
    const n = 40;
    const ts = Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 2, 15) + i * 5 * MIN);
    const get = features(
      barsOf('MES', ts, Array(n).fill(101), { open: Array(n).fill(100), high: Array(n).fill(102), low: Array(n).fill(99) }),
    );
    const hl = Math.log(102 / 99);
    const co = Math.log(101 / 100);
    const af = Math.sqrt(252 * 78);
    expect(get('parkinson_vol')[19]).toBeCloseTo(Math.sqrt((hl * hl) / (4 * Math.LN2)) * af, 12);
    expect(get('gk_vol')[19]).toBeCloseTo(Math.sqrt(0.5 * hl * hl - (2 * Math.LN2 - 1) * co * co) * af, 12);
    const rs = Math.log(102 / 101) * Math.log(102 / 100) + Math.log(99 / 101) * Math.log(99 / 100);
    expect(get('rs_vol')[19]).toBeCloseTo(Math.sqrt(rs) * af, 12);
    // Constant gaps and bodies: both sample variances are 0, so Yang–Zhang = √((1 − k)·RS).
    const k = 0.34 / (1.34 + 21 / 19);
    expect(get('yz_vol')[20]).toBeCloseTo(Math.sqrt((1 - k) * rs) * af, 12);
    expect(get('yz_vol')[19]).toBeNaN();
  });
});

describe('regime and trend by hand', () => {
  it('trend_regime follows C vs sma_50 vs sma_200; Supertrend turns up in a rally and down in a sell-off', () => {
    const n = 600;
    const ts = Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 2, 0) + i * 5 * MIN);
    const close = Array.from({ length: n }, (_, i) => (i < 300 ? 100 + i : 400 - (i - 300) * 2));
    const get = features(barsOf('MES', ts, close, { high: close.map((c) => c + 1), low: close.map((c) => c - 1) }));
    expect(get('trend_regime')[198]).toBeNaN();
    expect(get('trend_regime')[250]).toBe(1);
    expect(get('trend_regime')[590]).toBe(-1);
    expect(get('supertrend_direction')[250]).toBe(1);
    expect(get('supertrend_direction')[590]).toBe(-1);
    expect(get('adx_strong_trend')[250]).toBe(1);
  });
});

describe('cross-asset features for any pair', () => {
  it('pairs default to every pair of configured symbols in order', () => {
    expect(crossPairs(['ES', 'GC', 'CL'], null)).toEqual([
      ['ES', 'GC'],
      ['ES', 'CL'],
      ['GC', 'CL'],
    ]);
  });
  it('aligns a partner by exact bar start, optionally carrying at most maxFill of time', () => {
    const partner = barsOf('B', [0, 10, 20], [1, 2, 3]);
    expect(Array.from(alignCloses(arr([0, 5, 10, 25, 40]), partner, 0))).toEqual([1, NaN, 2, NaN, NaN]);
    expect(Array.from(alignCloses(arr([0, 5, 10, 25, 40]), partner, 5))).toEqual([1, 1, 2, 3, NaN]);
  });
  it('a partner that is twice the own returns: correlation 1, beta 0.5, relative strength −Σ own returns', () => {
    const a = randomBars('ES', 300, 3);
    const b: Bars = { ...a, symbol: 'NQ', close: a.close.slice() };
    for (let i = 1; i < a.close.length; i++) b.close[i] = b.close[i - 1]! * (1 + 2 * (a.close[i]! / a.close[i - 1]! - 1));
    const get = features(a, [b]);
    expect(get('es_nq_correlation_20')[100]).toBeCloseTo(1, 10);
    expect(get('es_nq_beta')[100]).toBeCloseTo(0.5, 10);
    let sum = 0;
    for (let i = 80; i < 100; i++) sum += a.close[i]! / a.close[i - 1]! - 1;
    expect(get('es_nq_relative_strength')[100]).toBeCloseTo(-sum, 12);
    expect(get('es_nq_correlation_20')[20]).toBeNaN();
    expect(get('es_nq_correlation_20')[21]).not.toBeNaN();
    expect(get('es_nq_spread_zscore')[38]).toBeNaN();
    expect(Number.isFinite(get('es_nq_spread_zscore')[39]!)).toBe(true);
  });
});

describe('multi-timeframe bars', () => {
  it('builds clock-aligned buckets and uses one only once it has closed', () => {
    const t = Date.UTC(2024, 0, 2, 15, 5); // 15:05 UTC: the 15:00 bucket holds 15:05 and 15:10
    const ts = arr([0, 1, 2, 3, 4, 5].map((i) => t + i * 5 * MIN));
    const close = arr([1, 2, 3, 4, 5, 6]);
    const hb = higherTimeframeBars(ts, { open: close, high: close, low: close, close }, 15, 5, undefined);
    expect(Array.from(hb.close)).toEqual([2, 5, 6]);
    expect(Array.from(hb.high)).toEqual([2, 5, 6]);
    expect(Array.from(hb.open)).toEqual([1, 3, 6]);
    // Bar 15:10 closes at 15:15, completing the first bucket; the 15:15 bucket completes at bar 15:25.
    expect(Array.from(hb.available)).toEqual([-1, 0, 0, 0, 1, 1]);
  });
  it('splits buckets at the CME session close (16:00 CT) so none spans the daily halt', () => {
    const close16 = Date.UTC(2024, 0, 2, 22, 0); // 16:00 CST
    const ts = arr([close16 - 10 * MIN, close16 - 5 * MIN, close16 + 60 * MIN, close16 + 65 * MIN]);
    const x = arr([1, 2, 3, 4]);
    const clockOnly = higherTimeframeBars(ts, { open: x, high: x, low: x, close: x }, 240, 5, undefined);
    expect(clockOnly.close.length).toBe(1); // one 20:00–24:00 UTC bucket across the halt
    const hb = higherTimeframeBars(ts, { open: x, high: x, low: x, close: x }, 240, 5, calendarForSymbol('MES'));
    expect(Array.from(hb.close)).toEqual([2, 4]);
    expect(hb.end[0]).toBe(close16);
    // The session's last bucket is complete when its last bar closes at 16:00 CT.
    expect(Array.from(hb.available)).toEqual([-1, 0, 0, 0]);
  });
});

describe('multi-timeframe features by hand', () => {
  it('15-minute features at bar i come from the last 15-minute bucket closed by bar i', () => {
    // 200 bars from Tuesday 00:00 UTC stay inside one CME session, so buckets are 3 bars each.
    const bars = randomBars('MES', 200, 8, { startMs: Date.UTC(2024, 0, 2, 0, 0) });
    expect(bars.timestamp[199]! - bars.timestamp[0]!).toBe(199 * 5 * MIN);
    const get = features(bars);
    const closes = Float64Array.from({ length: 66 }, (_, k) => bars.close[3 * k + 2]!);
    const rsi = kernels.rsi(closes, 14);
    for (let i = 0; i < 198; i++) {
      const k = Math.floor((i + 1) / 3) - 1;
      const ret = get('tf15m_log_return_1')[i]!;
      if (k < 1) expect(ret).toBeNaN();
      else expect(ret).toBeCloseTo(Math.log(closes[k]! / closes[k - 1]!), 14);
      if (k >= 0) expect(Object.is(get('tf15m_rsi_14')[i], rsi[k])).toBe(true);
    }
    expect(get('tf15m_rsi_14')[3 * 15 - 2]).toBeNaN();
    expect(get('tf15m_rsi_14')[3 * 15 - 1]).not.toBeNaN();
  });
});

describe('fractional differentiation and ADF', () => {
  it('FFD weights follow w_k = −w_{k−1}(d − k + 1)/k and are cut at the threshold', () => {
    expect(Array.from(ffdWeights(0.5, 0.05, 100))).toEqual([1, -0.5, -0.125, -0.0625]);
    expect(Array.from(ffdWeights(1, 1e-4, 100))).toEqual([1, -1]);
    expect(ffdWeights(0, 1e-4, 100).length).toBe(1);
    expect(Array.from(fracDiff(arr([1, 2, 4, 8]), arr([1, -1])))).toEqual([NaN, 1, 2, 4]);
    // The eight-wide blocked loop and the tail agree with a plain dot product, value by value.
    const x = Float64Array.from({ length: 37 }, (_, i) => Math.sin(i) + i / 7);
    const w = ffdWeights(0.4, 1e-3, 100);
    const out = fracDiff(x, w);
    for (let t = 0; t < x.length; t++) {
      if (t < w.length - 1) expect(out[t]).toBeNaN();
      else {
        let s = 0;
        for (let k = w.length - 1; k >= 0; k--) s += w[k]! * x[t - k]!;
        expect(Object.is(out[t], s), `t = ${t}`).toBe(true);
      }
    }
  });
  it('MacKinnon 5 % critical value with a constant tends to −2.86', () => {
    expect(adfCriticalValue5(1e9)).toBeCloseTo(-2.86154, 5);
    expect(adfCriticalValue5(100)).toBeCloseTo(-2.86154 - 0.028903 - 0.0004234 - 0.00004004, 8);
  });
  it('a random walk fails ADF and white noise passes', () => {
    const rng = new Rng(12);
    let failures = 0;
    for (let rep = 0; rep < 10; rep++) {
      const walk = new Float64Array(4000);
      const noise = new Float64Array(4000);
      let level = 0;
      for (let i = 0; i < walk.length; i++) {
        level += rng.normal();
        walk[i] = level;
        noise[i] = rng.normal();
      }
      if (adfTest(walk, 1).stationary) failures++;
      const white = adfTest(noise, 1);
      expect(white.stationary).toBe(true);
      expect(white.statistic).toBeLessThan(-30);
    }
    expect(failures).toBeLessThanOrEqual(1);
  });
  it('chooses d > 0 for a random walk of log prices, and d = 0 for a stationary series', () => {
    const rng = new Rng(3);
    const walk = new Float64Array(20000);
    let level = Math.log(4500);
    for (let i = 0; i < walk.length; i++) walk[i] = level += rng.normal(0, 0.001);
    const options = { threshold: 1e-4, maxWidth: 2000, step: 0.05, lags: 1 };
    const choice = chooseFracDiffOrder(walk, options);
    expect(choice.d).toBeGreaterThan(0);
    expect(choice.adf?.stationary).toBe(true);
    const stationary = Float64Array.from({ length: 5000 }, () => rng.normal());
    expect(chooseFracDiffOrder(stationary, options).d).toBe(0);
  });
});
