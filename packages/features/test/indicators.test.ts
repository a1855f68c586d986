import { describe, expect, it } from 'vitest';
import { ADX, ATR, BollingerBands, CCI, EMA, MFI, OBV, RSI, SMA, StochasticOscillator, SuperTrend, WilliamsR } from 'trading-signals';
import { computeFeatures } from '../src/internal/compute.js';
import * as kernels from '../src/internal/kernels/index.js';
import { defaultConfig, randomBars } from './helpers.js';

// Known answers against the trading-signals package (test-only dependency). Where its seeding
// differs from the original's numba kernels (EMA seeded by the first price, TR on bar 0 = H − L),
// the values are compared after the recursion has forgotten its seed (> 40 time constants).

const config = defaultConfig();
const bars = randomBars('MES', 2500, 11);
const result = computeFeatures(bars, { config: config.features, symbols: ['MES'], barMinutes: 5, trainFraction: 0.7 });
const column = (name: string): Float64Array => {
  const j = result.specs.findIndex((s) => s.name === name);
  if (j < 0) throw new Error(`no feature ${name}`);
  return result.columns[j]!;
};
const candles = Array.from(bars.close, (close, i) => ({
  open: bars.open[i]!,
  high: bars.high[i]!,
  low: bars.low[i]!,
  close,
  volume: bars.volume[i]!,
}));
const n = candles.length;

function compare(actual: Float64Array, expected: readonly (number | null | undefined)[], from: number, digits: number): void {
  for (let i = from; i < n; i++) {
    const e = expected[i];
    if (e == null) throw new Error(`reference has no value at ${i}`);
    expect(actual[i], `index ${i}`).toBeCloseTo(e, digits);
  }
}

describe('indicators against trading-signals', () => {
  it('sma_20 = SMA(20) from its first value', () => {
    compare(column('sma_20'), new SMA(20).updates(Array.from(bars.close)), 19, 8);
    expect(column('sma_20')[18]).toBeNaN();
  });

  it('ema_21 = EMA(21) once the seed is forgotten', () => {
    compare(column('ema_21'), new EMA(21).updates(Array.from(bars.close)), 900, 8);
  });

  it('rsi_14 = RSI(14) exactly (both Wilder, SMA-seeded)', () => {
    compare(column('rsi_14'), new RSI(14).updates(Array.from(bars.close)), 14, 9);
    expect(column('rsi_14')[13]).toBeNaN();
  });

  it('atr_14 = ATR(14) once the seed is forgotten', () => {
    compare(column('atr_14'), new ATR(14).updates(candles), 600, 9);
  });

  it('cci_20 = CCI(20)', () => {
    compare(column('cci_20'), new CCI(20).updates(candles), 19, 7);
  });

  it('williams_r = WilliamsR(14) (no flat windows in this series)', () => {
    compare(column('williams_r'), new WilliamsR(14).updates(candles), 13, 9);
  });

  it('stoch_k = fast %K(14) and stoch_d its 3-bar mean', () => {
    const reference = new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 1, dPeriod: 3 }).updates(candles);
    compare(
      column('stoch_k'),
      reference.map((r) => r?.stochK),
      15,
      9,
    );
    compare(
      column('stoch_d'),
      reference.map((r) => r?.stochD),
      15,
      9,
    );
  });

  it('Bollinger bands: population-σ bands of trading-signals rescaled to the original ddof = 1', () => {
    const reference = new BollingerBands(20, 2).updates(Array.from(bars.close));
    const scale = Math.sqrt(20 / 19);
    compare(
      column('bb_middle'),
      reference.map((r) => r?.middle),
      19,
      8,
    );
    compare(
      column('bb_upper'),
      reference.map((r) => r && r.middle + (r.upper - r.middle) * scale),
      19,
      7,
    );
    const width = column('bb_width');
    const upper = column('bb_upper');
    const lower = column('bb_lower');
    const middle = column('bb_middle');
    for (let i = 19; i < n; i++) expect(width[i]).toBeCloseTo((upper[i]! - lower[i]!) / middle[i]!, 14);
  });

  it('ADX(14) and ±DI = trading-signals ADX once the seeds are forgotten (on untied moves)', () => {
    // trading-signals credits both +DM and −DM when the up and down moves tie; the original (and
    // Wilder) credits neither. Off the tick grid ties do not occur, so the two must then agree.
    const jitter = (x: Float64Array, k: number) => Float64Array.from(x, (v, i) => v + 1e-3 * Math.sin(i * k));
    const high = jitter(bars.high, 1.3);
    const low = jitter(bars.low, 2.1);
    const ours = kernels.adx(high, low, bars.close, 14);
    const adx = new ADX(14);
    const pdi: number[] = [];
    const mdi: number[] = [];
    const values = candles.map((c, i) => {
      const v = adx.update({ ...c, high: high[i]!, low: low[i]! }, false);
      pdi.push(adx.pdi ?? Number.NaN);
      mdi.push(adx.mdi ?? Number.NaN);
      return v;
    });
    compare(ours.adx, values, 1200, 6);
    compare(
      ours.plusDi,
      pdi.map((v) => v * 100),
      1200,
      6,
    );
    compare(
      ours.minusDi,
      mdi.map((v) => v * 100),
      1200,
      6,
    );
    expect(column('adx_14')[26]).toBeNaN();
    expect(column('adx_14')[27]).not.toBeNaN();
  });

  it('mfi_14 = MFI(14)', () => {
    compare(column('mfi_14'), new MFI(14).updates(candles), 14, 8);
  });

  it('obv = OBV', () => {
    compare(column('obv'), new OBV(2).updates(candles), 1, 9);
  });

  it('the Supertrend kernel = SuperTrend(10, 3) given the same ATR, and its direction takes both values', () => {
    const atr = Float64Array.from(new ATR(10).updates(candles), (v) => v ?? Number.NaN);
    const ours = kernels.supertrend(bars.high, bars.low, bars.close, atr, 3);
    const reference = new SuperTrend({ interval: 10, multiplier: 3 }).updates(candles);
    compare(
      ours.value,
      reference.map((r) => r?.supertrend),
      9,
      9,
    );
    const direction = column('supertrend_direction');
    const seen = new Set(Array.from(direction.subarray(10)));
    expect(seen).toEqual(new Set([1, -1]));
  });
});
