import type * as Tf from '@tensorflow/tfjs';
import { Rng, UsageError, deriveSeed } from '@tribar/core';
import type { Dataset } from './types.js';

/** Number of classes: 0 short, 1 neutral, 2 long. */
const CLASS_COUNT = 3;

/**
 * The tfjs namespace the caller trains with (`import * as tf from '@tensorflow/tfjs'`, or the `tf` of
 * `@tribar/models`' `selectTfjsBackend`). Passed in rather than imported: tfjs is an optional peer
 * dependency, and tensors must come from the one tfjs instance (and backend) the model uses.
 */
export type Tfjs = typeof Tf;

export interface BatchOptions {
  batchSize: number;
  /** Visit rows in a seeded random order (default false: time order). */
  shuffle?: boolean;
  /** Shuffle seed (default 0). */
  seed?: number;
  /** Mixed into the seed so every epoch gets its own order from one seed (default 0). */
  epoch?: number;
  /** 'last' drops a final batch smaller than batchSize (default 'none'). */
  drop?: 'none' | 'last';
  /** 'onehot' (default): ys float32 [rows, 3]; 'int': ys int32 [rows] of class ids 0/1/2. */
  labels?: 'onehot' | 'int';
}

export interface Batch {
  /** float32 [rows, features] (tabular) or [rows, lookback, features] (sequence). */
  xs: Tf.Tensor;
  /** One-hot float32 [rows, 3] by default; int32 [rows] with `labels: 'int'`. */
  ys: Tf.Tensor;
  /** float32 [rows]: the sample weights. */
  weights: Tf.Tensor1D;
  rows: number;
  /** Added: the dataset positions (0 … ds.rows−1) of this batch's rows, in batch order. */
  positions: Int32Array;
}

/** Features of the given dataset positions, row-major, in the dataset's per-row shape. */
export function gatherRows(ds: Dataset, positions: ArrayLike<number>): Float32Array {
  if (ds.kind === 'sequence') return ds.gather(positions);
  const width = ds.shape[0] as number;
  const out = new Float32Array(positions.length * width);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i] as number;
    if (!Number.isInteger(p) || p < 0 || p >= ds.rows) throw new UsageError(`row position ${p} is outside 0 … ${ds.rows - 1}`);
    out.set(ds.x.subarray(p * width, (p + 1) * width), i * width);
  }
  return out;
}

/** The visiting order of one epoch: 0 … rows−1, or a Fisher–Yates permutation seeded by (seed, epoch). */
export function epochOrder(rows: number, options: Pick<BatchOptions, 'shuffle' | 'seed' | 'epoch'> = {}): Int32Array {
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  if (!options.shuffle) return order;
  return new Rng(deriveSeed(options.seed ?? 0, `datasets/epoch/${options.epoch ?? 0}`)).shuffle(order);
}

function checkOptions(options: BatchOptions): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new UsageError(`batchSize must be a positive integer, got ${options.batchSize}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new UsageError(`seed must be an integer, got ${options.seed}`);
}

/**
 * One epoch of batches, built lazily: each step gathers only its own rows into fresh typed arrays
 * (tfjs keeps the array it is given, so buffers are never reused) and makes its tensors then.
 * The caller owns every yielded tensor and must dispose it (or use `forEachBatch`).
 */
export function* batches(tf: Tfjs, ds: Dataset, options: BatchOptions): Generator<Batch, void, undefined> {
  checkOptions(options);
  const order = epochOrder(ds.rows, options);
  const size = options.batchSize;
  const onehot = (options.labels ?? 'onehot') === 'onehot';
  for (let start = 0; start < ds.rows; start += size) {
    const rows = Math.min(size, ds.rows - start);
    if (rows < size && options.drop === 'last') return;
    const positions = order.slice(start, start + rows);
    const weights = new Float32Array(rows);
    const ids = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const p = positions[i] as number;
      weights[i] = ds.weights[p] as number;
      ids[i] = ds.y[p] as number;
    }
    let ys: Tf.Tensor;
    if (onehot) {
      const hot = new Float32Array(rows * CLASS_COUNT);
      for (let i = 0; i < rows; i++) hot[i * CLASS_COUNT + (ids[i] as number)] = 1;
      ys = tf.tensor2d(hot, [rows, CLASS_COUNT], 'float32');
    } else {
      ys = tf.tensor1d(ids, 'int32');
    }
    yield {
      xs: tf.tensor(gatherRows(ds, positions), [rows, ...ds.shape], 'float32'),
      ys,
      weights: tf.tensor1d(weights, 'float32'),
      rows,
      positions,
    };
  }
}

/** Run `fn` on every batch of one epoch, disposing each batch's tensors after `fn` settles (even on error). */
export async function forEachBatch(
  tf: Tfjs,
  ds: Dataset,
  options: BatchOptions,
  fn: (batch: Batch, index: number) => void | Promise<void>,
): Promise<void> {
  let index = 0;
  for (const batch of batches(tf, ds, options)) {
    try {
      await fn(batch, index++);
    } finally {
      tf.dispose([batch.xs, batch.ys, batch.weights]);
    }
  }
}

/**
 * A `tf.data.Dataset` of already-batched `{ xs, ys }` for `model.fitDataset`. Each pass (epoch) over
 * it reshuffles with `epoch` = the pass number when `shuffle` is on. Sample weights are not in the
 * elements (tfjs `fitDataset` does not take them); train with `forEachBatch` when weights matter.
 */
export function toTfDataset(tf: Tfjs, ds: Dataset, options: BatchOptions): Tf.data.Dataset<{ xs: Tf.Tensor; ys: Tf.Tensor }> {
  checkOptions(options);
  let pass = options.epoch ?? 0;
  return tf.data.generator(function* () {
    const epoch = pass++;
    for (const batch of batches(tf, ds, { ...options, epoch })) {
      batch.weights.dispose();
      yield { xs: batch.xs, ys: batch.ys };
    }
  });
}
