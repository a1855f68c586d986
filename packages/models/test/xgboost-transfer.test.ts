import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as WorkerThreads from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import { anchorMatrix, skipWithoutXGBoost, sliceRows } from './xgboost-fixtures.js';

// Every Worker the xgboost model starts is recorded with its options (and then really started), so the test sees
// what crosses to the worker thread: shared, transferred or cloned.
const started: WorkerOptions[] = [];
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerThreads>();
  class RecordingWorker extends real.Worker {
    constructor(url: string | URL, options: WorkerOptions = {}) {
      started.push(options);
      super(url, options);
    }
  }
  return { ...real, Worker: RecordingWorker };
});

const { XGBoostModel } = await import('../src/internal/xgboost/model.js');

/** The same rows with x copied into a SharedArrayBuffer, as @tribar/datasets' buildTabular allocates it. */
function shared<T extends { x: Float32Array }>(input: T): T {
  const x = new Float32Array(new SharedArrayBuffer(input.x.byteLength));
  x.set(input.x);
  return { ...input, x };
}

const data = anchorMatrix(1_200, 6, 3, 11);
const train = sliceRows(data, 0, 900);
const validation = sliceRows(data, 900, 1_200);
const quick = { nEstimators: 15, learningRate: 0.3, minChildWeight: 1, earlyStoppingRounds: 0 };

beforeEach(() => {
  started.length = 0;
});

describe.skipIf(skipWithoutXGBoost)('xgboost training data reaches the worker without a copy', () => {
  it('shares a SharedArrayBuffer x, moves the labels and weights it made, and predicts as with a plain x', async () => {
    const plain = new XGBoostModel(quick);
    await plain.fit(train, { validation, seed: 3 });
    const inShared = new XGBoostModel(quick);
    const sharedTrain = shared(train);
    await inShared.fit(sharedTrain, { validation: shared(validation), seed: 3 });

    const request = started[1]?.workerData as { train: { x: Float32Array; labels: Float32Array; weights: Float32Array } };
    // The structured clone keeps a SharedArrayBuffer shared: the worker reads the caller's memory.
    expect(request.train.x.buffer).toBe(sharedTrain.x.buffer);
    const transferred = started[1]?.transferList ?? [];
    expect(transferred).toContain(request.train.labels.buffer);
    expect(transferred).toContain(request.train.weights.buffer); // balanced class weights, made by the model
    expect(transferred).not.toContain(sharedTrain.x.buffer);
    // The caller's arrays are untouched and still usable.
    expect(sharedTrain.x.length).toBe(train.x.length);
    expect(Array.from(sharedTrain.x.subarray(0, 12))).toEqual(Array.from(train.x.subarray(0, 12)));

    const [a, b] = [await plain.predictProba(validation), await inShared.predictProba(validation)];
    expect(Array.from(b.p)).toEqual(Array.from(a.p));
    plain.dispose();
    inShared.dispose();
  });

  it('never moves a caller’s buffer: sample weights given without class balancing are cloned, not transferred', async () => {
    const weights = Float32Array.from({ length: train.rows }, (_, i) => 0.5 + (i % 3) / 2);
    const model = new XGBoostModel({ ...quick, classWeights: 'none' });
    await model.fit({ ...train, weights });
    const transferred = started[0]?.transferList ?? [];
    expect(transferred).not.toContain(weights.buffer);
    expect(transferred).not.toContain(train.x.buffer);
    expect(weights.length).toBe(train.rows); // not detached
    expect(train.x.length).toBe(900 * 6);
    model.dispose();
  });
});
