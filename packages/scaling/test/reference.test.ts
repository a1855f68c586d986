import { SCALING_CATEGORIES } from '@tribar/artifacts';
import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { checkLeakage } from '../src/internal/leakage.js';
import { DEFAULT_SCALING_OPTIONS, fitScaler, transformColumn, type FeatureScaleSpec, type ScalingOptions } from '../src/internal/scaler.js';
import { referenceFitFeature, referenceLeakageMismatches, referenceTransform } from './reference.js';

/** JSON that keeps −0 apart from 0 (the scaled bytes depend on the sign of a zero centre). */
const exact = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (Object.is(v, -0) ? '-0' : v));
const bits = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('hex');

/** A random train column of one of several shapes: NaN, ±Infinity, constant, heavy ties, −0, price levels, one row. */
function randomColumn(rng: Rng, rows: number, shape: number): Float64Array {
  const column = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    switch (shape % 8) {
      case 0:
        column[i] = rng.normal(0, 1);
        break;
      case 1:
        column[i] = 5000 + rng.normal(0, 20); // a price level: large offset
        break;
      case 2:
        column[i] = rng.int(-3, 3); // heavy ties, zeros, negatives below the log shift
        break;
      case 3:
        column[i] = 7.25; // constant
        break;
      case 4:
        column[i] = rng.next() < 0.5 ? -0 : 0; // signed zeros
        break;
      case 5:
        column[i] = Math.exp(rng.normal(0, 3)); // skewed, positive
        break;
      case 6:
        column[i] = rng.next() < 0.3 ? Number.NaN : rng.uniform(-1e6, 1e6);
        break;
      default:
        column[i] = rng.normal(0, 1e-12); // near-zero spread
    }
    const u = rng.next();
    if (u < 0.03) column[i] = Number.NaN;
    else if (u < 0.04) column[i] = rng.next() < 0.5 ? Infinity : -Infinity;
  }
  return column;
}

const OPTION_SETS: ScalingOptions[] = [
  DEFAULT_SCALING_OPTIONS,
  { ...DEFAULT_SCALING_OPTIONS, robustQuantiles: [10, 90] },
  { ...DEFAULT_SCALING_OPTIONS, robustQuantiles: [0, 100], defaultScaler: 'standard' },
  { ...DEFAULT_SCALING_OPTIONS, defaultScaler: 'minmax', logPriceAndVolume: false, clip: { enabled: false, min: -5, max: 5 } },
];

describe('the scaler against the previous, sort-based version', () => {
  it('fits the same state and scales to the same bits (random columns with NaN, ±Infinity, constants, ties, −0; 0, 1, 2 and many rows)', () => {
    const rng = new Rng(2026);
    let compared = 0;
    for (const rows of [0, 1, 2, 3, 17, 1000, 5003]) {
      for (const options of OPTION_SETS) {
        const specs: FeatureScaleSpec[] = [];
        const columns: Record<string, Float64Array> = {};
        SCALING_CATEGORIES.forEach((category, c) => {
          for (let shape = 0; shape < 8; shape++) {
            const name = `${category}_${shape}`;
            specs.push({ name, category, flag: (c + shape) % 9 === 0 });
            columns[name] = randomColumn(rng, rows, shape + c);
          }
        });
        const state = fitScaler(columns, specs, options);
        specs.forEach((spec, j) => {
          const values = columns[spec.name]!;
          const expected = referenceFitFeature(values, spec, options);
          expect(exact(state.features[j])).toBe(exact(expected));
          // Scaled values of other rows (val/test) too: the column reversed and shifted.
          const later = Float64Array.from(values, (v, i) => (i % 2 === 0 ? v * 1.5 - 2 : v));
          const feature = state.features[j]!;
          expect(bits(transformColumn(feature, later, options).values)).toBe(bits(referenceTransform(expected, later, options)));
          compared++;
        });
        // The leakage check agrees with the previous full refit: both pass on the fitted rows...
        expect(checkLeakage(state, columns).ok).toBe(true);
        expect(
          referenceLeakageMismatches(
            state.features,
            specs.map((s) => columns[s.name]!),
            options,
          ),
        ).toEqual([]);
      }
    }
    expect(compared).toBe(7 * OPTION_SETS.length * SCALING_CATEGORIES.length * 8);
  });

  it('the leakage check flags what the previous refit flags when one train value moves', () => {
    const rng = new Rng(5);
    const specs: FeatureScaleSpec[] = [{ name: 'atr', category: 'volatility', flag: false }];
    const values = randomColumn(rng, 2001, 0);
    const state = fitScaler({ atr: values }, specs, DEFAULT_SCALING_OPTIONS);
    const moved = Float64Array.from(values);
    moved[10] = (state.features[0]!.train.median as number) + 50;
    expect(checkLeakage(state, { atr: moved }).ok).toBe(false);
    expect(referenceLeakageMismatches(state.features, [moved], DEFAULT_SCALING_OPTIONS).length).toBeGreaterThan(0);
  });
});
