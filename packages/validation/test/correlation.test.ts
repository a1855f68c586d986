import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { linkedPairs, type TrainView } from '../src/internal/correlation.js';
import { referenceLinkedPairs as reference } from './reference.js';

/** Columns built from a few latent factors so that many pairs correlate strongly; some hold NaN, ±Infinity or a constant. */
function randomView(rng: Rng, symbol: string, names: readonly string[], rows: number): TrainView {
  const factors = Array.from({ length: 3 }, () => Float64Array.from({ length: rows }, () => rng.normal(0, 1)));
  const columns: Record<string, Float64Array> = {};
  names.forEach((name, j) => {
    if (rng.next() < 0.1) return; // absent in this view
    const f = factors[j % 3]!;
    const noise = [0.01, 0.3, 3][j % 3]!;
    const column = Float64Array.from({ length: rows }, (_, i) => 1000 * (j + 1) + f[i]! + rng.normal(0, noise));
    if (j % 7 === 3) column[rng.int(0, rows - 1)] = Number.NaN;
    if (j % 11 === 5) column[rng.int(0, rows - 1)] = Infinity;
    if (j % 13 === 6) column.fill(42);
    columns[name] = column;
  });
  // Train rows: an increasing subset, as the stage passes them (split code 0, evenly sampled).
  const trainRows = Int32Array.from({ length: rows }, (_, i) => i).filter(() => rng.next() < 0.7);
  return { symbol, columns, trainRows };
}

describe('linkedPairs', () => {
  it('gives the per-pair Pearson loop bit for bit: same pairs, same |r| (NaN, ±Infinity, constant and absent columns, 3 views)', () => {
    const rng = new Rng(7);
    const names = Array.from({ length: 40 }, (_, j) => `f${j}`);
    // More rows than one block, so the blocked sums cross block edges.
    const views = ['MES', 'MGC', 'M2K'].map((symbol) => randomView(rng, symbol, names, 5000));
    for (const threshold of [0.5, 0.9, 0.99]) {
      const expected = reference(names, views, threshold);
      const actual = linkedPairs(names, views, threshold);
      expect(actual.length).toBeGreaterThan(5);
      expect(actual).toEqual(expected);
      for (let k = 0; k < actual.length; k++) expect(Object.is(actual[k]!.weakest, expected[k]!.weakest)).toBe(true);
    }
  });

  it('a pair perfectly correlated in one view and unrelated in another is not linked; views without the pair do not count', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => i);
    const y = Float64Array.from(x, (v) => 2 * v + 1);
    const z = Float64Array.from(x, (v) => (v * 37) % 11);
    const rows = Int32Array.from(x);
    const one: TrainView = { symbol: 'A', columns: { x, y }, trainRows: rows };
    const other: TrainView = { symbol: 'B', columns: { x, y: z }, trainRows: rows };
    const lonely: TrainView = { symbol: 'C', columns: { x }, trainRows: rows };
    expect(linkedPairs(['x', 'y'], [one, lonely], 0.9)).toEqual([{ a: 0, b: 1, weakest: 1 }]);
    expect(linkedPairs(['x', 'y'], [one, other], 0.9)).toEqual([]);
    expect(linkedPairs(['x', 'y'], [lonely], 0.9)).toEqual([]);
  });
});
