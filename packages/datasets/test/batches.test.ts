import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { batches, epochOrder, forEachBatch, gatherRows, toTfDataset } from '../src/internal/batches.js';
import { buildSequence, buildTabular } from '../src/internal/build.js';
import type { Dataset } from '../src/internal/types.js';
import { BAR_MS, caseColumns } from './fixture.js';

/** A 23-row tabular set: f0 = row, f1 = 100 + row, labels cycling −1, 0, 1, weights row / 10. */
function bigTabular(): Dataset {
  const n = 23;
  const f0 = Float64Array.from({ length: n }, (_, i) => i);
  const f1 = Float64Array.from({ length: n }, (_, i) => 100 + i);
  return buildTabular({
    features: [f0, f1],
    featureNames: ['f0', 'f1'],
    label: Float64Array.from({ length: n }, (_, i) => (i % 3) - 1),
    weight: Float64Array.from({ length: n }, (_, i) => i / 10),
    split: new Int8Array(n),
    timestampMs: Float64Array.from({ length: n }, (_, i) => i * BAR_MS),
    which: 'train',
    symbol: 'X',
    horizon: 1,
  });
}

async function collect(ds: Dataset, options: Parameters<typeof batches>[2]) {
  const positions: number[] = [];
  const sizes: number[] = [];
  await forEachBatch(tf, ds, options, (batch) => {
    positions.push(...batch.positions);
    sizes.push(batch.rows);
    expect(batch.xs.shape).toEqual([batch.rows, ...ds.shape]);
    expect(batch.ys.shape).toEqual(options.labels === 'int' ? [batch.rows] : [batch.rows, 3]);
    expect(batch.weights.shape).toEqual([batch.rows]);
    // Each batch's tensors hold exactly the dataset's values at its positions.
    expect([...(batch.xs.dataSync() as Float32Array)]).toEqual([...gatherRows(ds, batch.positions)]);
    expect([...(batch.weights.dataSync() as Float32Array)]).toEqual(Array.from(batch.positions, (p) => ds.weights[p]));
    const ys = batch.ys.dataSync();
    for (let i = 0; i < batch.rows; i++) {
      const cls = ds.y[batch.positions[i] as number] as number;
      if (options.labels === 'int') expect(ys[i]).toBe(cls);
      else expect([ys[i * 3], ys[i * 3 + 1], ys[i * 3 + 2]]).toEqual([0, 1, 2].map((c) => (c === cls ? 1 : 0)));
    }
  });
  return { positions, sizes };
}

describe('batches', () => {
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('covers every row once per epoch in time order: 23 rows by 5 → 5, 5, 5, 5, 3', async () => {
    const ds = bigTabular();
    const { positions, sizes } = await collect(ds, { batchSize: 5 });
    expect(positions).toEqual(all(23));
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
  });

  it('shuffled: every row once, seeded, a new order per epoch; drop last drops the 3-row tail', async () => {
    const ds = bigTabular();
    const a = await collect(ds, { batchSize: 5, shuffle: true, seed: 3 });
    expect([...a.positions].sort((x, y) => x - y)).toEqual(all(23));
    expect(a.positions).not.toEqual(all(23));
    expect((await collect(ds, { batchSize: 5, shuffle: true, seed: 3 })).positions).toEqual(a.positions);
    expect((await collect(ds, { batchSize: 5, shuffle: true, seed: 3, epoch: 1 })).positions).not.toEqual(a.positions);
    const dropped = await collect(ds, { batchSize: 5, shuffle: true, seed: 3, drop: 'last' });
    expect(dropped.sizes).toEqual([5, 5, 5, 5]);
    expect(dropped.positions).toEqual(a.positions.slice(0, 20));
    expect([...epochOrder(23, { shuffle: true, seed: 3 })]).toEqual(a.positions);
  });

  it('sequence batches are [rows, lookback, features] windows, int labels on request', async () => {
    const ds = buildSequence({ ...caseColumns(), which: 'train', lookback: 3, crossSessions: true, barMs: BAR_MS });
    const { positions, sizes } = await collect(ds, { batchSize: 2, shuffle: true, seed: 9, labels: 'int' });
    expect([...positions].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('memory is bounded: no tensor outlives its batch', async () => {
    const ds = bigTabular();
    const baseline = tf.memory().numTensors;
    let peak = 0;
    await forEachBatch(tf, ds, { batchSize: 4, shuffle: true }, () => {
      peak = Math.max(peak, tf.memory().numTensors - baseline);
    });
    // One batch alive at a time: xs, ys, weights.
    expect(peak).toBe(3);
    expect(tf.memory().numTensors).toBe(baseline);
    // The generator builds lazily: taking one batch makes exactly three tensors.
    const iterator = batches(tf, ds, { batchSize: 4 });
    const first = iterator.next();
    expect(tf.memory().numTensors - baseline).toBe(3);
    if (!first.done) tf.dispose([first.value.xs, first.value.ys, first.value.weights]);
    iterator.return();
    expect(tf.memory().numTensors).toBe(baseline);
    // forEachBatch disposes even when the callback throws.
    await expect(forEachBatch(tf, ds, { batchSize: 4 }, () => Promise.reject(new Error('stop')))).rejects.toThrow('stop');
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('toTfDataset yields {xs, ys} batches covering the set, reshuffled per pass', async () => {
    const ds = bigTabular();
    const data = toTfDataset(tf, ds, { batchSize: 10, shuffle: true, seed: 1 });
    const firstColumn = async () => {
      const out: number[] = [];
      await data.forEachAsync((element) => {
        const { xs, ys } = element;
        expect(ys.shape[1]).toBe(3);
        const values = xs.dataSync();
        for (let i = 0; i < xs.shape[0]!; i++) out.push(values[i * 2] as number);
        tf.dispose([xs, ys]);
      });
      return out;
    };
    const pass0 = await firstColumn();
    const pass1 = await firstColumn();
    expect([...pass0].sort((a, b) => a - b)).toEqual(all(23));
    expect([...pass1].sort((a, b) => a - b)).toEqual(all(23));
    expect(pass1).not.toEqual(pass0);
  });

  it('refuses a bad batch size', () => {
    expect(() => batches(tf, bigTabular(), { batchSize: 0 }).next()).toThrow(/batchSize must be a positive integer/);
  });
});
