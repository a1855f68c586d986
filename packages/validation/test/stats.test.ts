import { describe, expect, it } from 'vitest';
import { Rng } from '@tribar/core';
import { adfTest } from '@tribar/quant';
import { evenSample, mutualInformation } from '../src/internal/stats.js';
import { referenceMutualInformation as reference } from './reference.js';
import { normals, uniform } from './fixtures.js';

describe('mutualInformation', () => {
  const n = 3000;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const u = uniform(5);
  const label = Float64Array.from({ length: n }, () => Math.floor(u() * 3) - 1);
  it('is about 0 for an unrelated feature and large for the label itself', () => {
    expect(mutualInformation(normals(n, 9), label, rows, 10)).toBeLessThan(0.01);
    const own = mutualInformation(
      label.map((l) => l + 0.01 * u()),
      label,
      rows,
      10,
    );
    expect(own).toBeGreaterThan(0.9);
    expect(own).toBeLessThanOrEqual(Math.log(3));
  });
  it('ignores −99 labels', () => {
    const withInvalid = label.map((l, i) => (i % 2 === 0 ? -99 : l));
    expect(
      mutualInformation(
        withInvalid.map((l) => (l === -99 ? 1e9 : l)),
        withInvalid,
        rows,
        10,
      ),
    ).toBeGreaterThan(0.9);
  });
});

describe('adfTest', () => {
  it('rejects a unit root for white noise and not for a random walk', () => {
    const e = normals(2000, 3);
    expect(adfTest(e, 1).stationary).toBe(true);
    const walk = new Float64Array(e.length);
    let s = 0;
    e.forEach((x, i) => (walk[i] = s += x));
    const result = adfTest(walk, 1);
    expect(result.stationary).toBe(false);
    expect(result.criticalValue5).toBeCloseTo(-2.863, 2);
  });
});

describe('evenSample', () => {
  it('keeps every row when few, else evenly spaced ones', () => {
    const rows = Int32Array.from({ length: 10 }, (_, i) => i);
    expect(evenSample(rows, 20)).toBe(rows);
    expect([...evenSample(rows, 5)]).toEqual([0, 2, 4, 6, 8]);
  });
});

describe('mutualInformation by quickselect', () => {
  it('equals the sort-based definition to the last bit on ties, NaN, ±Infinity, invalid labels, sorted and reversed input', () => {
    const rng = new Rng(3);
    const n = 4000;
    const cases: Float64Array[] = [
      Float64Array.from({ length: n }, () => rng.normal(0, 1)),
      Float64Array.from({ length: n }, () => Math.round(rng.normal(0, 2))), // heavy ties
      Float64Array.from({ length: n }, (_, i) => i), // sorted
      Float64Array.from({ length: n }, (_, i) => n - i), // reversed
      Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? Number.NaN : i % 17 === 0 ? -Infinity : rng.normal(0, 1))),
      new Float64Array(n).fill(1), // constant: one bin
    ];
    const label = Float64Array.from({ length: n }, (_, i) => (i % 23 === 0 ? -99 : rng.int(-1, 1)));
    // Make the first case informative so MI is well above 0.
    for (let i = 0; i < n; i++) cases[0]![i] = cases[0]![i]! + label[i]!;
    const rows = Int32Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.8);
    for (const x of cases) {
      for (const bins of [2, 10, 37])
        expect(Object.is(mutualInformation(x, label, rows, bins), reference(x, label, rows, bins))).toBe(true);
    }
    expect(mutualInformation(cases[0]!, label, rows, 10)).toBeGreaterThan(0.1);
  });
});
