import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { epochOrder, forEachBatch } from '../src/internal/batches.js';
import { buildSequence, buildTabular } from '../src/internal/build.js';
import type { BatchOptions } from '../src/internal/batches.js';
import type { Dataset } from '../src/internal/types.js';
import { BAR_MS, f0Of, f1Of } from './twelve-rows.js';

/**
 * 40 contiguous train rows in one session: f0, f1 as in the 12-row case, labels cycling −1, 0, 1.
 * Tabular: 40 samples. Sequence, lookback 4: ends 3 … 39, 37 windows.
 */
function columns() {
  const n = 40;
  return {
    features: [Float64Array.from({ length: n }, (_, r) => f0Of(r)), Float64Array.from({ length: n }, (_, r) => f1Of(r))],
    featureNames: ['f0', 'f1'],
    label: Float64Array.from({ length: n }, (_, r) => (r % 3) - 1),
    weight: Float64Array.from({ length: n }, (_, r) => 1 + r / 8),
    split: new Int8Array(n),
    timestampMs: Float64Array.from({ length: n }, (_, r) => r * BAR_MS),
    which: 'train' as const,
    symbol: 'MES',
    horizon: 5,
  };
}

const tabular = () => buildTabular(columns());
const sequence = () => buildSequence({ ...columns(), lookback: 4, barMs: BAR_MS });

async function epoch(ds: Dataset, options: BatchOptions) {
  const positions: number[] = [];
  const shapes: number[][] = [];
  await forEachBatch(tf, ds, options, (batch) => {
    positions.push(...batch.positions);
    shapes.push(batch.xs.shape);
    const ys = batch.ys.dataSync();
    // One-hot: exactly one 1 per row, at class = label + 1.
    for (let i = 0; i < batch.rows; i++) {
      const cls = ds.y[batch.positions[i] as number] as number;
      expect(Array.from(ys.subarray(i * 3, i * 3 + 3))).toEqual([0, 1, 2].map((c) => (c === cls ? 1 : 0)));
    }
  });
  return { positions, shapes };
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('an epoch of batches', () => {
  it('tabular: [b, 2] batches; every sample once, shuffled or not', async () => {
    const ds = tabular();
    const plain = await epoch(ds, { batchSize: 16 });
    expect(plain.positions).toEqual(range(40));
    expect(plain.shapes).toEqual([
      [16, 2],
      [16, 2],
      [8, 2],
    ]); // 40 = 16 + 16 + 8
    const shuffled = await epoch(ds, { batchSize: 16, shuffle: true, seed: 11 });
    expect(sorted(shuffled.positions)).toEqual(range(40));
    expect(shuffled.positions).not.toEqual(range(40));
  });

  it('sequence: [b, 4, 2] batches of float32 source windows; every window once', async () => {
    const ds = sequence();
    expect(ds.rows).toBe(37);
    const source = columns().features;
    const seen: number[] = [];
    await forEachBatch(tf, ds, { batchSize: 10, shuffle: true, seed: 5 }, (batch) => {
      expect(batch.xs.shape).toEqual([batch.rows, 4, 2]);
      expect(batch.xs.dtype).toBe('float32');
      const xs = batch.xs.dataSync();
      for (let i = 0; i < batch.rows; i++) {
        const t = ds.rowIndex[batch.positions[i] as number] as number;
        for (let k = 0; k < 4; k++) {
          for (let f = 0; f < 2; f++) expect(xs[(i * 4 + k) * 2 + f]).toBe(Math.fround(source[f]?.[t - 3 + k] as number));
        }
      }
      const weights = batch.weights.dataSync();
      for (let i = 0; i < batch.rows; i++) expect(weights[i]).toBe(ds.weights[batch.positions[i] as number]);
      seen.push(...batch.positions);
    });
    expect(sorted(seen)).toEqual(range(37));
    const shapes = (await epoch(ds, { batchSize: 10 })).shapes;
    expect(shapes).toEqual([
      [10, 4, 2],
      [10, 4, 2],
      [10, 4, 2],
      [7, 4, 2],
    ]);
  });

  it('the seeded shuffle is reproducible; other seeds and other epochs give other orders', () => {
    const a = [...epochOrder(40, { shuffle: true, seed: 42 })];
    expect([...epochOrder(40, { shuffle: true, seed: 42 })]).toEqual(a);
    expect([...epochOrder(40, { shuffle: true, seed: 43 })]).not.toEqual(a);
    expect([...epochOrder(40, { shuffle: true, seed: 42, epoch: 1 })]).not.toEqual(a);
    expect(sorted([...epochOrder(40, { shuffle: true, seed: 43 })])).toEqual(range(40));
    expect([...epochOrder(40, { seed: 42 })]).toEqual(range(40)); // no shuffle: time order
  });

  it('drop last drops only a short final batch', async () => {
    const ds = sequence();
    expect((await epoch(ds, { batchSize: 10, drop: 'last' })).positions).toEqual(range(30));
    expect((await epoch(ds, { batchSize: 37, drop: 'last' })).positions).toEqual(range(37));
    expect((await epoch(ds, { batchSize: 38, drop: 'last' })).positions).toEqual([]);
  });

  it('forEachBatch leaves no tensor behind, also when the callback throws or rejects', async () => {
    const ds = sequence();
    const baseline = tf.memory().numTensors;
    let calls = 0;
    await forEachBatch(tf, ds, { batchSize: 8, shuffle: true, seed: 1 }, () => {
      calls++;
    });
    expect(calls).toBe(5); // 37 = 4 × 8 + 5
    expect(tf.memory().numTensors).toBe(baseline);
    await expect(
      forEachBatch(tf, ds, { batchSize: 8 }, (_batch, index) => {
        if (index === 2) throw new Error('thrown in batch 2');
      }),
    ).rejects.toThrow('thrown in batch 2');
    expect(tf.memory().numTensors).toBe(baseline);
    await expect(forEachBatch(tf, tabular(), { batchSize: 8 }, async () => Promise.reject(new Error('rejected')))).rejects.toThrow(
      'rejected',
    );
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('an empty dataset yields no batch', async () => {
    const empty = buildTabular({ ...columns(), which: 'test' });
    expect(empty.rows).toBe(0);
    expect((await epoch(empty, { batchSize: 4, shuffle: true })).positions).toEqual([]);
  });
});
