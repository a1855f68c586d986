import { describe, expect, it } from 'vitest';
import { Rng } from '@tribar/core';
import { SCALING_CATEGORIES } from '@tribar/artifacts';
import { checkLeakage } from '../src/internal/leakage.js';
import {
  DEFAULT_SCALING_OPTIONS,
  fitScaler,
  inverseTransform,
  logFor,
  scalerFor,
  transform,
  trainRows,
  type FeatureScaleSpec,
  type ScalingOptions,
} from '../src/internal/scaler.js';

const f = (name: string, category: FeatureScaleSpec['category'], flag = false): FeatureScaleSpec => ({ name, category, flag });
const opts = (over: Partial<ScalingOptions> = {}): ScalingOptions => ({ ...DEFAULT_SCALING_OPTIONS, ...over });
const one = (name: string, values: number[], category: FeatureScaleSpec['category'], options = opts()) => {
  const state = fitScaler({ [name]: Float64Array.from(values) }, [f(name, category)], options);
  return { state, feature: state.features[0]! };
};
const apply = (state: ReturnType<typeof fitScaler>, name: string, values: number[]) =>
  Array.from(transform(state, { [name]: values })[name]!);

describe('scaler kinds by category', () => {
  it('follows the registry category, never the name', () => {
    const robust = opts();
    const kinds = Object.fromEntries(SCALING_CATEGORIES.map((c) => [c, scalerFor(f('x', c), robust)]));
    expect(kinds).toEqual({
      returns: 'none',
      oscillator: 'minmax',
      price_level: 'robust',
      volatility: 'robust',
      volume: 'robust',
      temporal: 'none',
      binary: 'none',
      unbounded: 'robust',
    });
    // A non-robust default replaces the scaler of every scaled category (the original's rule).
    expect(scalerFor(f('x', 'oscillator'), opts({ defaultScaler: 'standard' }))).toBe('standard');
    expect(scalerFor(f('x', 'volume'), opts({ defaultScaler: 'minmax' }))).toBe('minmax');
    expect(scalerFor(f('x', 'returns'), opts({ defaultScaler: 'standard' }))).toBe('none');
    // A name that the original would have matched ('rsi…' → oscillator) means nothing here.
    expect(scalerFor(f('rsi_like_price', 'price_level'), robust)).toBe('robust');
    expect(scalerFor(f('sma_flag', 'volatility', true), robust)).toBe('none');
    expect(logFor(f('p', 'price_level'), robust)).toBe(true);
    expect(logFor(f('v', 'volume'), robust)).toBe(true);
    expect(logFor(f('v', 'volume'), opts({ logPriceAndVolume: false }))).toBe(false);
    expect(logFor(f('a', 'volatility'), robust)).toBe(false);
  });
});

describe('known answers', () => {
  it('robust: median and the 25–75 spread (linear interpolation)', () => {
    const { state, feature } = one('atr', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'volatility');
    expect(feature).toMatchObject({ scaler: 'robust', log: false, center: 5.5, scale: 4.5, clip: true });
    expect(feature.train).toMatchObject({ median: 5.5, q25: 3.25, q75: 7.75, min: 1, max: 10, mean: 5.5, finite: 10 });
    expect(apply(state, 'atr', [10, 1, 5.5])).toEqual([1, -1, 0]);
  });

  it('robust with other quantiles', () => {
    const { feature } = one('atr', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'volatility', opts({ robustQuantiles: [10, 90] }));
    expect(feature.scale).toBeCloseTo(9.1 - 1.9, 12);
  });

  it('standard: mean and population std', () => {
    const { state, feature } = one('z', [2, 4, 4, 4, 5, 5, 7, 9], 'unbounded', opts({ defaultScaler: 'standard' }));
    expect(feature).toMatchObject({ scaler: 'standard', center: 5, scale: 2 });
    expect(feature.train.std).toBe(2);
    expect(apply(state, 'z', [9, 1])).toEqual([2, -2]);
    expect(feature.scaledTrain.mean).toBeCloseTo(0, 12);
    expect(feature.scaledTrain.std).toBeCloseTo(1, 12);
  });

  it('minmax for oscillators under the robust default', () => {
    const { state, feature } = one('rsi', [20, 70, 45, 80], 'oscillator');
    expect(feature).toMatchObject({ scaler: 'minmax', center: 20, scale: 60 });
    expect(apply(state, 'rsi', [20, 50, 80, 110])).toEqual([0, 0.5, 1, 1.5]);
    expect(feature.scaledTrain).toMatchObject({ min: 0, max: 1 });
  });

  it('log1p with a train-only shift when the train minimum is ≤ 0', () => {
    const { state, feature } = one('obv', [-2, 0, 3], 'volume');
    expect(feature).toMatchObject({ log: true, logShift: 3, scaler: 'robust' });
    const [a, b, c] = [Math.log(2), Math.log(4), Math.log(7)];
    expect(feature.center).toBeCloseTo(b, 14);
    expect(feature.scale).toBeCloseTo((b + c) / 2 - (a + b) / 2, 14);
    expect(apply(state, 'obv', [0])[0]).toBeCloseTo(0, 14);
    // A value below −shift would be log1p of < 0: floored at log1p(0) instead of NaN.
    const below = apply(state, 'obv', [-10])[0]!;
    expect(Number.isFinite(below)).toBe(true);
  });

  it('no shift when every train value is positive; stats stay raw', () => {
    const { feature } = one('sma_10', [4000, 4100, 4200], 'price_level');
    expect(feature.logShift).toBe(0);
    expect(feature.center).toBeCloseTo(Math.log1p(4100), 12);
    expect(feature.train.median).toBe(4100);
  });

  it('NaN and ±inf become the raw train median, before log and scaler', () => {
    const { state, feature } = one('atr', [1, Number.NaN, 3, Infinity, 5, -Infinity], 'volatility');
    expect(feature.train).toMatchObject({ rows: 6, finite: 3, nanCount: 1, infCount: 2, median: 3 });
    expect(feature.fill).toBe(3);
    expect(apply(state, 'atr', [Number.NaN, Infinity, -Infinity])).toEqual([0, 0, 0]);
    const returns = one('ret', [0.01, Number.NaN, -0.03, 0.02], 'returns');
    expect(apply(returns.state, 'ret', [Number.NaN])).toEqual([0.01]);
    const log = one('vol', [10, Number.NaN, 30], 'volume');
    const { center, scale } = log.feature; // raw median 20 is filled first, then logged and scaled
    expect(apply(log.state, 'vol', [Number.NaN])[0]).toBeCloseTo((Math.log1p(20) - center) / scale, 14);
  });

  it('clips scaled features only: unscaled returns, temporal and flags keep their values', () => {
    const specs = [f('atr', 'volatility'), f('ret', 'returns'), f('hour_sin', 'temporal'), f('is_rth', 'binary', true)];
    const train = { atr: [1, 2, 3, 4, 5], ret: [0, 1, 2, 3, 4], hour_sin: [0, 0.5, 1, -1, -0.5], is_rth: [0, 1, 1, 0, 1] };
    const state = fitScaler(train, specs, DEFAULT_SCALING_OPTIONS);
    expect(state.features.map((x) => x.clip)).toEqual([true, false, false, false]);
    const out = transform(state, { atr: [1000, -1000], ret: [100, -100], hour_sin: [1, -1], is_rth: [1, 0] });
    expect(Array.from(out.atr!)).toEqual([5, -5]);
    expect(Array.from(out.ret!)).toEqual([100, -100]);
    expect(Array.from(out.is_rth!)).toEqual([1, 0]);
    const off = fitScaler(train, specs, opts({ clip: { enabled: false, min: -5, max: 5 } }));
    expect(transform(off, { atr: [1000], ret: [0], hour_sin: [0], is_rth: [0] }).atr![0]).toBe((1000 - 3) / 2);
  });

  it('a constant or empty train column gets scale 1 and a warning', () => {
    const constant = one('c', [2, 2, 2], 'volatility').feature;
    expect(constant.scale).toBe(1);
    expect(constant.warnings.join(' ')).toMatch(/near-zero train std/);
    const empty = one('e', [Number.NaN, Number.NaN], 'volatility').feature;
    expect(empty).toMatchObject({ fill: 0, center: 0, scale: 1 });
    expect(empty.train).toMatchObject({ finite: 0, mean: null, median: null });
    expect(empty.warnings.join(' ')).toMatch(/no finite train value/);
  });

  it('refuses a missing column, unequal lengths and duplicate names', () => {
    expect(() => fitScaler({}, [f('a', 'volatility')])).toThrow(/no train column/);
    expect(() => fitScaler({ a: [1, 2], b: [1] }, [f('a', 'volatility'), f('b', 'volatility')])).toThrow(/rows/);
    expect(() => fitScaler({ a: [1] }, [f('a', 'volatility'), f('a', 'returns')])).toThrow(/twice/);
  });
});

describe('inverse transform', () => {
  it('round-trips every scaler kind and the log (no clipping)', () => {
    const specs = [f('sma', 'price_level'), f('obv', 'volume'), f('rsi', 'oscillator'), f('atr', 'volatility'), f('ret', 'returns')];
    const n = 200;
    const make = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
    const data = {
      sma: make((i) => 4000 + 50 * Math.sin(i / 7)),
      obv: make((i) => -5000 + 73 * i),
      rsi: make((i) => 50 + 40 * Math.cos(i / 3)),
      atr: make((i) => 1 + ((i * 37) % 11)),
      ret: make((i) => 0.001 * Math.sin(i)),
    };
    for (const defaultScaler of ['robust', 'standard', 'minmax'] as const) {
      const state = fitScaler(data, specs, opts({ defaultScaler, clip: { enabled: false, min: -5, max: 5 } }));
      const back = inverseTransform(state, transform(state, data));
      for (const spec of specs) {
        const original = data[spec.name as keyof typeof data];
        back[spec.name]!.forEach((v, i) => expect(v).toBeCloseTo(original[i]!, 6));
      }
    }
  });
});

describe('leakage check', () => {
  const specs = [f('atr', 'volatility'), f('sma', 'price_level')];
  const train = { atr: [1, 2, 3, 4, 5, Number.NaN], sma: [10, 11, 12, 13, 14, 15] };

  it('passes on the rows the state was fitted on', () => {
    const state = fitScaler(train, specs);
    const check = checkLeakage(state, train);
    expect(check.ok).toBe(true);
    expect(check.checked).toBeGreaterThan(30);
  });

  it('catches a tampered statistic or parameter', () => {
    const state = fitScaler(train, specs);
    state.features[0]!.train.mean = 3.5;
    state.features[1]!.center += 1e-3;
    const check = checkLeakage(state, train);
    expect(check.ok).toBe(false);
    expect(check.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ feature: 'atr', field: 'train.mean', stored: 3.5, recomputed: 3 }),
        expect.objectContaining({ feature: 'sma', field: 'center' }),
      ]),
    );
  });

  it('catches a state fitted on more than train', () => {
    const withVal = { atr: [...train.atr, 100, 200], sma: [...train.sma, 50, 60] };
    const check = checkLeakage(fitScaler(withVal, specs), train);
    expect(check.ok).toBe(false);
    expect(check.mismatches.map((m) => m.field)).toContain('trainRows');
  });
});

describe('leakage check by an independent route (order statistics, row-order sums)', () => {
  const rng = new Rng(21);
  const column = (kind: number, n: number) =>
    Array.from({ length: n }, (_, i) => {
      if (i % 31 === 7) return Number.NaN;
      if (i % 97 === 11) return i % 2 ? Infinity : -Infinity;
      if (kind === 0) return rng.normal(5000, 40); // price level: logged
      if (kind === 1) return Math.round(rng.normal(0, 3)); // heavy ties, values ≤ 0: log shift
      return rng.normal(0, 1e-3) * (i % 3); // small spread
    });
  const specs = [f('close_level', 'price_level'), f('volume_z', 'volume'), f('ret', 'unbounded'), f('osc', 'oscillator')];

  it('passes on every scaler kind and robust quantile pair for random columns with NaN, ±Infinity and ties', () => {
    for (const defaultScaler of ['robust', 'standard', 'minmax'] as const) {
      for (const robustQuantiles of [
        [25, 75],
        [5, 95],
        [10, 90],
      ] as [number, number][]) {
        const n = 500 + rng.int(0, 2000);
        const train = { close_level: column(0, n), volume_z: column(1, n), ret: column(2, n), osc: column(1, n) };
        const state = fitScaler(train, specs, { ...DEFAULT_SCALING_OPTIONS, defaultScaler, robustQuantiles });
        const check = checkLeakage(state, train);
        expect(check.mismatches).toEqual([]);
        expect(check.checked).toBe(1 + specs.length * 17);
      }
    }
  });

  it('catches a fit on the same number of rows with one value moved past the median', () => {
    const train = { close_level: column(0, 1001), volume_z: column(1, 1001), ret: column(2, 1001), osc: column(1, 1001) };
    const edited = { ...train, ret: train.ret.map((v, i) => (i === 2 ? 1e6 : v)) };
    const check = checkLeakage(fitScaler(edited, specs), train);
    expect(check.ok).toBe(false);
    expect(check.mismatches.filter((m) => m.feature === 'ret').map((m) => m.field)).toEqual(
      expect.arrayContaining(['train.mean', 'train.max']),
    );
  });
});

describe('trainRows', () => {
  it('takes the rows before trainEnd, as a view when they come first and as a copy when they do not', () => {
    const column = Float64Array.of(1, 2, 3, 4);
    const ordered = trainRows([10, 20, 30, 40], { x: column }, ['x'], 30).get('x')!;
    expect(Array.from(ordered)).toEqual([1, 2]);
    expect(ordered.buffer).toBe(column.buffer);
    const shuffled = trainRows([30, 10, 40, 20], { x: column }, ['x'], 30).get('x')!;
    expect(Array.from(shuffled)).toEqual([2, 4]);
    expect(Array.from(trainRows([30, 10], { x: [7, 8] }, ['x'], 30).get('x')!)).toEqual([8]);
    expect(trainRows([50, 60], { x: column.subarray(0, 2) }, ['x'], 30).get('x')!.length).toBe(0);
  });
});
