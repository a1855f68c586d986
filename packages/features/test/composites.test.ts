import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../src/internal/compute.js';
import * as kernels from '../src/internal/kernels/index.js';
import { defaultConfig, randomBars } from './helpers.js';

// Known answers for the features built from other series: each recomputed here from its definition
// (original-system.md §4.2) with the kernels, value by value.

const config = defaultConfig({ features: { fracdiff: { d: 0.4 } } });
const bars = randomBars('MES', 1500, 21);
const result = computeFeatures(bars, { config: config.features, symbols: ['MES'], barMinutes: 5, trainFraction: 0.7 });
const get = (name: string): Float64Array => {
  const j = result.specs.findIndex((s) => s.name === name);
  if (j < 0) throw new Error(`no feature ${name}`);
  return result.columns[j]!;
};
const { close, high, low } = bars;
const n = close.length;
const AF = Math.sqrt(252 * 78);

describe('composite features from their definitions', () => {
  it('MACD line, signal and histogram; crossings flagged on the bar after they happen', () => {
    const line = get('macd_line');
    const ema12 = kernels.ema(close, 12);
    const ema26 = kernels.ema(close, 26);
    const signal = kernels.ema(line, 9);
    expect(line[24]).toBeNaN();
    expect(get('macd_signal')[32]).toBeNaN();
    let ups = 0;
    for (let i = 33; i < n; i++) {
      expect(line[i]).toBe(ema12[i]! - ema26[i]!);
      expect(get('macd_signal')[i]).toBe(signal[i]);
      expect(get('macd_hist')[i]).toBe(line[i]! - signal[i]!);
      if (i >= 35) {
        const up = line[i - 1]! > signal[i - 1]! && line[i - 2]! <= signal[i - 2]! ? 1 : 0;
        const down = line[i - 1]! < signal[i - 1]! && line[i - 2]! >= signal[i - 2]! ? 1 : 0;
        expect(get('macd_cross_up')[i]).toBe(up);
        expect(get('macd_cross_down')[i]).toBe(down);
        ups += up;
      }
    }
    expect(ups).toBeGreaterThan(5);
    expect(get('macd_cross_up')[34]).toBeNaN();
  });

  it('RSI and stochastic thresholds read the previous bar', () => {
    const rsi = get('rsi_14');
    const k = get('stoch_k');
    for (let i = 16; i < n; i++) {
      expect(get('rsi_overbought')[i]).toBe(rsi[i - 1]! > 70 ? 1 : 0);
      expect(get('rsi_oversold')[i]).toBe(rsi[i - 1]! < 30 ? 1 : 0);
      expect(get('stoch_overbought')[i]).toBe(k[i - 1]! > 80 ? 1 : 0);
      expect(get('stoch_oversold')[i]).toBe(k[i - 1]! < 20 ? 1 : 0);
    }
  });

  it('ROC, ATR %, Keltner channel and the ATR deviation', () => {
    const ema20 = kernels.ema(close, 20);
    const atr20 = kernels.atr(high, low, close, 20);
    const atr14 = kernels.atr(high, low, close, 14);
    for (let i = 20; i < n; i++) {
      expect(get('roc_10')[i]).toBeCloseTo((100 * (close[i]! - close[i - 10]!)) / close[i - 10]!, 12);
      expect(get('atr_pct_14')[i]).toBeCloseTo((100 * atr14[i]!) / close[i]!, 12);
      expect(get('kc_upper')[i]).toBe(ema20[i]! + 2 * atr20[i]!);
      expect(get('kc_position')[i]).toBeCloseTo((close[i]! - (ema20[i]! - 2 * atr20[i]!)) / (4 * atr20[i]!), 10);
      expect(get('close_kc_atr_dev')[i]).toBeCloseTo((close[i]! - ema20[i]!) / atr20[i]!, 10);
    }
    expect(get('kc_upper')[19]).toBeNaN();
  });

  it('historical volatility and the volatility regime against its 100-bar median', () => {
    const logReturns = Float64Array.from(close, (c, i) => (i === 0 ? Number.NaN : Math.log(c / close[i - 1]!)));
    const hvol = get('hvol_20');
    for (const i of [20, 500, 1499]) {
      const w = Array.from(logReturns.subarray(i - 19, i + 1));
      const mean = w.reduce((s, v) => s + v, 0) / 20;
      expect(hvol[i]).toBeCloseTo(Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / 19) * AF, 10);
    }
    const regime = get('volatility_regime');
    expect(regime[118]).toBeNaN();
    let high = 0;
    for (let i = 119; i < n; i++) {
      const sorted = Array.from(hvol.subarray(i - 99, i + 1)).sort((a, b) => a - b);
      const median = (sorted[49]! + sorted[50]!) / 2;
      expect(regime[i]).toBe(hvol[i]! > median ? 1 : 0);
      high += regime[i]!;
    }
    expect(high / (n - 119)).toBeGreaterThan(0.3);
    expect(high / (n - 119)).toBeLessThan(0.7);
  });

  it('Bollinger position and z-score', () => {
    const { mean, std } = kernels.rollingMeanStd(close, 20, 1);
    for (let i = 19; i < n; i++) {
      expect(get('bb_position')[i]).toBeCloseTo((close[i]! - (mean[i]! - 2 * std[i]!)) / (4 * std[i]!), 10);
      expect(get('close_bb_zscore')[i]).toBeCloseTo((close[i]! - mean[i]!) / std[i]!, 10);
    }
  });
});
