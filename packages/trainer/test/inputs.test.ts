import { describe, expect, it } from 'vitest';
import { UsageError } from '@tribar/core';
import { buildSequence, buildTabular, type ColumnsInput } from '@tribar/datasets';
import { isSequenceSource, type LabeledInput } from '@tribar/models';
import { sampleWindows, subsetInput, toModelInput } from '../src/internal/inputs.js';

describe('sampleWindows', () => {
  it('maps label end rows to sample positions across gaps', () => {
    // Samples sit at rows 2, 3, 5, 6, 9, 10 (rows 0, 1, 4, 7, 8, 11 are other splits or invalid labels).
    const rowIndex = Int32Array.from([2, 3, 5, 6, 9, 10]);
    const labelEndIndex = new Float64Array(12).fill(-1);
    labelEndIndex[2] = 4; //        rows ≤ 4 among samples: 2, 3 → positions 0…1
    labelEndIndex[3] = 3; //        its own row → 1…1
    labelEndIndex[5] = 9; //        rows 6, 9 (row 7, 8 are not samples) → 2…4
    labelEndIndex[6] = Number.NaN; // no end (unlabelled tail) → 3…3
    labelEndIndex[9] = 40; //       beyond the last sample → 4…5
    labelEndIndex[10] = 10; //      → 5…5
    const { start, end } = sampleWindows(rowIndex, labelEndIndex);
    expect([...start]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...end]).toEqual([1, 1, 4, 3, 5, 5]);
  });

  it('an end row before the next sample keeps the window on its own sample', () => {
    // Row 0 ends at row 1, the next sample is row 5 → 0…0; an end before the row itself (bad data) → 1…1.
    const { end } = sampleWindows(Int32Array.from([0, 5]), Float64Array.from([1, 0, 0, 0, 0, 3]));
    expect([...end]).toEqual([0, 1]);
  });

  it('every window starts at its sample and ends at or after it (property)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rows: number[] = [];
    for (let r = 0; r < 400; r++) if (rand() < 0.6) rows.push(r);
    const rowIndex = Int32Array.from(rows);
    const labelEndIndex = Float64Array.from({ length: 400 }, (_, r) => (rand() < 0.05 ? Number.NaN : r + Math.floor(rand() * 8)));
    const { start, end } = sampleWindows(rowIndex, labelEndIndex);
    for (let i = 0; i < rows.length; i++) {
      expect(start[i]).toBe(i);
      expect(end[i]).toBeGreaterThanOrEqual(i);
      const endRow = labelEndIndex[rows[i]!]!;
      if (Number.isNaN(endRow)) expect(end[i]).toBe(i);
      else {
        // The window's last sample is within the label; the next one is past it.
        if (end[i]! > i) expect(rows[end[i]!]!).toBeLessThanOrEqual(endRow);
        if (end[i]! + 1 < rows.length) expect(rows[end[i]! + 1]!).toBeGreaterThan(endRow);
      }
    }
  });
});

describe('subsetInput', () => {
  // 4 rows × 2 features: row r = [10r, 10r + 1].
  const input: LabeledInput = {
    x: Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]),
    rows: 4,
    shape: [2],
    y: Uint8Array.from([0, 1, 2, 1]),
    weights: Float32Array.from([0.5, 1, 1.5, 2]),
    featureNames: ['a', 'b'],
  };

  it('copies exactly the given rows', () => {
    const sub = subsetInput(input, Int32Array.from([1, 3]));
    expect(sub.rows).toBe(2);
    expect(sub.shape).toEqual([2]);
    expect([...sub.x]).toEqual([10, 11, 30, 31]);
    expect([...sub.y]).toEqual([1, 1]);
    expect([...sub.weights!]).toEqual([1, 2]);
    expect(sub.featureNames).toEqual(['a', 'b']);
    sub.x[0] = -1;
    sub.y[0] = 0;
    expect(input.x[2]).toBe(10);
    expect(input.y[1]).toBe(1);
  });

  it('copies whole windows of sequence inputs', () => {
    // 3 windows × [2 steps, 2 features] = 4 values each.
    const seq: LabeledInput = { x: Float32Array.from({ length: 12 }, (_, i) => i), rows: 3, shape: [2, 2], y: Uint8Array.from([2, 0, 1]) };
    const sub = subsetInput(seq, Int32Array.from([0, 2]));
    expect([...sub.x]).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect([...sub.y]).toEqual([2, 1]);
    expect(sub.weights).toBeUndefined();
    expect('weights' in sub).toBe(false);
    expect('featureNames' in sub).toBe(false);
  });

  it('an empty selection is an empty input', () => {
    const sub = subsetInput(input, new Int32Array(0));
    expect(sub.rows).toBe(0);
    expect(sub.x.length).toBe(0);
  });

  it('refuses positions outside the input', () => {
    expect(() => subsetInput(input, Int32Array.from([0, 4]))).toThrow(UsageError);
    expect(() => subsetInput(input, Int32Array.from([-1]))).toThrow(/position -1 outside 0…3/);
  });
});

describe('toModelInput', () => {
  // 6 rows: splits 0 0 1 0 0 0, row 4's label invalid (−99).
  const columns: ColumnsInput = {
    symbol: 'MES',
    horizon: 5,
    which: 'train',
    featureNames: ['f0', 'f1'],
    features: [Float64Array.from([0, 1, 2, 3, 4, 5]), Float64Array.from([10, 11, 12, 13, 14, 15])],
    label: Float64Array.from([1, -1, 0, 0, -99, 1]),
    weight: Float64Array.from([1, 2, 3, 4, 5, 6]),
    split: Float64Array.from([0, 0, 1, 0, 0, 0]),
    timestampMs: Float64Array.from([0, 1, 2, 3, 4, 5].map((i) => i * 300_000)),
  };

  it('a tabular dataset is passed through with the same arrays', () => {
    const dataset = buildTabular(columns);
    const input = toModelInput(dataset);
    expect(input.x).toBe(dataset.x);
    expect(input.y).toBe(dataset.y);
    expect(input.weights).toBe(dataset.weights);
    expect(input.shape).toBe(dataset.shape);
    expect(input.featureNames).toBe(dataset.featureNames);
    // Train rows 0, 1, 3, 5: classes label + 1.
    expect(input.rows).toBe(4);
    expect([...input.y]).toEqual([2, 0, 1, 2]);
    expect([...input.x]).toEqual([0, 10, 1, 11, 3, 13, 5, 15]);
  });

  it('a sequence dataset streams: windows are gathered on demand, never materialised', () => {
    const dataset = buildSequence({ ...columns, lookback: 2, barMs: 300_000, crossSessions: true });
    const input = toModelInput(dataset);
    expect(isSequenceSource(input)).toBe(true);
    expect('x' in input).toBe(false);
    expect(input.rows).toBe(dataset.rows);
    expect(input.shape).toEqual([2, 2]);
    expect([...input.y]).toEqual([...dataset.y]);
    expect(input.weights).toBe(dataset.weights);
    if (!isSequenceSource(input)) throw new Error('expected a source');
    const out = new Float32Array(2 * 4);
    expect(dataset.rows).toBe(2);
    input.gather(Int32Array.from([1, 0]), out);
    expect([...out]).toEqual([...dataset.slice(1, 1), ...dataset.slice(0, 1)]);
    // A CV fold's subset stays a source that maps its positions to the dataset's.
    const sub = subsetInput(input, Int32Array.from([1]));
    expect(isSequenceSource(sub)).toBe(true);
    expect([...sub.y]).toEqual([dataset.y[1]]);
    expect([...sub.weights!]).toEqual([dataset.weights[1]]);
    if (!isSequenceSource(sub)) throw new Error('expected a source');
    const window = new Float32Array(4);
    sub.gather(Int32Array.from([0]), window);
    expect([...window]).toEqual([...dataset.slice(1, 1)]);
    expect(() => sub.gather(Int32Array.from([1]), window)).toThrow(/window position 1 outside 0…0/);
  });
});
