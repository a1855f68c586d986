import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrainView } from '../src/internal/correlation.js';
import { isLowVariance, selectFeatures } from '../src/internal/selection.js';
import { validate } from '../src/internal/stage.js';
import { healthyInputs, MANIFEST, normals, testConfig } from './fixtures.js';

const options = { correlationThreshold: 0.85, varianceThreshold: 0.01, minFiniteValues: 100 };
const rows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('selectFeatures', () => {
  const n = 500;
  const a = normals(n, 1);
  const columns = {
    a,
    a_twice: a.map((x) => 2 * x + 3),
    b: normals(n, 2),
    low: normals(n, 3).map((x) => 5 + 1e-4 * x),
  };
  const view: TrainView = { symbol: 'MES', columns, trainRows: rows(n) };

  it('groups two perfectly correlated features and keeps the alphabetically first without importance', () => {
    const s = selectFeatures(['a', 'a_twice', 'b', 'low'], [view], options);
    expect(s.correlationGroups).toEqual([{ kept: 'a', members: ['a', 'a_twice'], maxAbsCorrelation: expect.closeTo(1, 12) }]);
    expect(s.removed['a_twice']).toMatch(/^correlated with a in train/);
    expect(s.selected).toEqual(['a', 'b']);
    expect(s).toMatchObject({ originalCount: 4, finalCount: 2, reductionPct: 50 });
  });

  it('removes a low-variance feature (raw and normalised variance both below the threshold)', () => {
    const s = selectFeatures(['a', 'a_twice', 'b', 'low'], [view], options);
    expect(s.lowVarianceFeatures).toEqual(['low']);
    expect(s.removed['low']).toMatch(/low variance/);
    expect(isLowVariance(0.001, 0.001 * 0.999, 0.01)).toBe(false); // a rare 0/1 flag stays
  });

  it('keeps the more important member of a group', () => {
    const s = selectFeatures(['a', 'a_twice', 'b'], [view], { ...options, importance: { a_twice: 0.2, a: 0.1 } });
    expect(s.correlationGroups[0]?.kept).toBe('a_twice');
  });

  it('does not chain: a~b and b~c with a≁c keeps a and c when b goes', () => {
    const x = normals(n, 7);
    const y = normals(n, 8);
    const mid = x.map((v, i) => v + (y[i] as number));
    const chain = { symbol: 'MES', columns: { x, mid, y }, trainRows: rows(n) };
    const s = selectFeatures(['mid', 'x', 'y'], [chain], { ...options, correlationThreshold: 0.7, importance: { x: 1, y: 0.9 } });
    expect(s.selected).toEqual(['x', 'y']);
    expect(s.removed['mid']).toMatch(/correlated with x/);
  });

  it('a pair must correlate in every symbol holding both', () => {
    const other: TrainView = { symbol: 'MGC', columns: { a: normals(n, 4), a_twice: normals(n, 5) }, trainRows: rows(n) };
    expect(selectFeatures(['a', 'a_twice'], [view, other], options).correlationGroups).toEqual([]);
  });
});

describe('train-only property', () => {
  it('changing feature values or labels on val/test/purged rows leaves selection and importance unchanged', () => {
    const config = testConfig();
    const base = healthyInputs(600, 11);
    const reference = validate([base.inputs], MANIFEST, base.cuts, config);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: -50, max: 50, noNaN: true }), (seed, shift) => {
        const { inputs, cuts } = healthyInputs(600, 11);
        const split = inputs.splits.columns['split_h5'] as Float64Array;
        const noise = normals(split.length, seed);
        for (let i = 0; i < split.length; i++) {
          if (split[i] === 0) continue;
          for (const column of Object.values(inputs.features.columns)) column[i] = shift * (noise[i] as number);
          const label = inputs.labels.columns['label_h5'] as Float64Array;
          if (label[i] !== -99) label[i] = (noise[i] as number) > 0 ? 1 : -1;
        }
        const report = validate([inputs], MANIFEST, cuts, config);
        expect(report.featureSelection.selected).toEqual(reference.featureSelection.selected);
        expect(report.featureSelection.removed).toEqual(reference.featureSelection.removed);
        expect(report.featureSelection.correlationGroups).toEqual(reference.featureSelection.correlationGroups);
        expect(report.importance.top).toEqual(reference.importance.top);
      }),
      { numRuns: 15 },
    );
  });
});
