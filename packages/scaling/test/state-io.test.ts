import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCALING_OPTIONS,
  fitOnTrain,
  fitScaler,
  inverseTransform,
  transform,
  type FeatureScaleSpec,
  type ScalingOptions,
} from '../src/internal/scaler.js';
import { parseScalerFile, parseState, serializeScalerFile, serializeState, type ScalerFile } from '../src/internal/state-io.js';

const specs: FeatureScaleSpec[] = [
  { name: 'sma_10', category: 'price_level', flag: false },
  { name: 'obv', category: 'volume', flag: false },
  { name: 'rsi_14', category: 'oscillator', flag: false },
  { name: 'atr_14', category: 'volatility', flag: false },
  { name: 'return_1', category: 'returns', flag: false },
  { name: 'hour_sin', category: 'temporal', flag: false },
  { name: 'is_rth', category: 'binary', flag: true },
  { name: 'hl_ratio', category: 'unbounded', flag: false },
];

describe('JSON state', () => {
  const columns = Object.fromEntries(
    specs.map((s, j) => [s.name, Float64Array.from({ length: 50 }, (_, i) => (j === 1 ? -100 : 0) + Math.sin(i * (j + 1)) * (j + 1) * 10)]),
  );
  columns.atr_14![3] = Number.NaN;
  columns.empty = new Float64Array(50).fill(Number.NaN);
  const state = fitScaler(columns, [...specs, { name: 'empty', category: 'volatility', flag: false }]);

  it('round-trips exactly, NaN statistics as null', () => {
    const text = serializeState(state);
    expect(text).not.toMatch(/": (NaN|-?Infinity)/);
    const back = parseState(text);
    expect(back).toEqual(state);
    expect(serializeState(back)).toBe(text);
    expect(transform(back, columns)).toEqual(transform(state, columns));
    expect(back.features.at(-1)!.train.mean).toBeNull();
  });

  it('refuses another version, a missing or ill-typed field and non-JSON', () => {
    const json = JSON.parse(serializeState(state)) as Record<string, unknown>;
    expect(() => parseState({ ...json, version: 2 })).toThrow(/field 'version'/);
    const features = json.features as Record<string, unknown>[];
    expect(() => parseState({ ...json, features: [{ ...features[0], center: 'x' }] })).toThrow(/field 'features\[0\]\.center'/);
    expect(() => parseState({ ...json, features: [{ ...features[0], scaler: 'pickle' }] })).toThrow(/field 'features\[0\]\.scaler'/);
    expect(() => parseState({ ...json, features: [{ ...features[0], scale: 0 }] })).toThrow(/field 'features\[0\]\.scale': must not be 0/);
    expect(() => parseState({ ...json, options: { ...(json.options as object), clip: undefined } })).toThrow(/field 'options\.clip'/);
    expect(() => parseState('{not json')).toThrow(/not JSON/);
  });

  it('the scaler file checks its format and version and each state', () => {
    const file: ScalerFile = {
      format: 'tribar-scaler',
      version: 1,
      trainEnd: 1000,
      trainEndIso: new Date(1000).toISOString(),
      symbols: { MES: state },
    };
    const text = serializeScalerFile(file);
    expect(parseScalerFile(text)).toEqual(file);
    expect(() => parseScalerFile({ ...file, version: 0 })).toThrow(/field 'version'/);
    expect(() => parseScalerFile({ ...file, format: 'pickle' })).toThrow(/field 'format'/);
    expect(() => parseScalerFile({ ...file, symbols: { MES: { ...state, version: 3 } } })).toThrow(/field 'symbols\.MES\.version'/);
  });
});

describe('fit on train only (property)', () => {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, -1e300, 1e300) },
  );
  const row = fc.array(value, { minLength: specs.length, maxLength: specs.length });

  it('changing, adding or removing val/test rows never changes the fitted state', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.array(row, { minLength: 0, maxLength: 40 }),
        fc.array(row, { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.constantFrom('robust', 'standard', 'minmax') as fc.Arbitrary<ScalingOptions['defaultScaler']>,
        (train, later, replacement, step, defaultScaler) => {
          const options = { ...DEFAULT_SCALING_OPTIONS, defaultScaler };
          const trainEnd = 1_700_000_000_000;
          const build = (rest: number[][]) => {
            const rows = [...train, ...rest];
            // Train rows strictly before the cut, later rows at or after it.
            const timestamp = Float64Array.from(rows, (_, i) =>
              i < train.length ? trainEnd - (train.length - i) * step : trainEnd + (i - train.length) * step,
            );
            const columns = Object.fromEntries(specs.map((s, j) => [s.name, Float64Array.from(rows, (r) => r[j] as number)]));
            return fitOnTrain(timestamp, columns, specs, trainEnd, options);
          };
          const a = serializeState(build(later));
          const b = serializeState(build(replacement));
          const c = serializeState(
            fitScaler(Object.fromEntries(specs.map((s, j) => [s.name, train.map((r) => r[j] as number)])), specs, options),
          );
          expect(parseState(a)).toEqual(JSON.parse(a));
          expect(b).toBe(a);
          expect(c).toBe(a);
        },
      ),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it('inverse(transform(x)) = x for finite values, every scaler and the log, without clipping', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: specs.length, maxLength: specs.length }), {
          minLength: 2,
          maxLength: 30,
        }),
        fc.constantFrom('robust', 'standard', 'minmax') as fc.Arbitrary<ScalingOptions['defaultScaler']>,
        (rows, defaultScaler) => {
          const columns = Object.fromEntries(specs.map((s, j) => [s.name, Float64Array.from(rows, (r) => r[j] as number)]));
          const state = fitScaler(columns, specs, { ...DEFAULT_SCALING_OPTIONS, defaultScaler, clip: { enabled: false, min: -5, max: 5 } });
          const back = inverseTransform(state, transform(state, columns));
          for (const s of specs) {
            back[s.name]!.forEach((v, i) => {
              const x = columns[s.name]![i]!;
              expect(Math.abs(v - x)).toBeLessThanOrEqual(
                1e-7 * Math.max(1, Math.abs(x), state.features.find((f) => f.name === s.name)!.logShift),
              );
            });
          }
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it('rows out of time order are picked by timestamp, not by position', () => {
    const timestamp = [5, 1, 9, 2];
    const columns = { atr_14: [100, 1, 200, 3] };
    const state = fitOnTrain(timestamp, columns, [specs[3]!], 5);
    expect(state.trainRows).toBe(2);
    expect(state.features[0]!.train).toMatchObject({ min: 1, max: 3 });
    expect(() => fitOnTrain(timestamp, columns, [specs[3]!], 0)).toThrow(/no train row/);
  });
});
