import { Rng } from '@tribar/core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MLP_CARD, mlpFactory, MlpModel } from '../src/internal/mlp/index.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';
import type { LabeledInput, ModelInput } from '../src/internal/types.js';

/** rows × f standard normals; latent z = Σ x_j + N(0, 1); classes by terciles of z. */
function tercileData(rows: number, f: number, seed: number): LabeledInput {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * f);
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < f; j++) {
      x[i * f + j] = rng.normal();
      z[i]! += x[i * f + j]!;
    }
    z[i]! += rng.normal();
  }
  const sorted = Float64Array.from(z).sort();
  const low = sorted[Math.floor(rows / 3)]!;
  const high = sorted[Math.floor((2 * rows) / 3)]!;
  const y = Uint8Array.from(z, (v) => (v < low ? 0 : v < high ? 1 : 2));
  return { x, rows, shape: [f], y };
}

function accuracy(a: Uint8Array, b: Uint8Array): number {
  let hits = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hits++;
  return hits / a.length;
}

const train = tercileData(1500, 6, 1);
const test = tercileData(600, 6, 2);
const small = { hiddenUnits: [32, 16], batchSize: 128 };
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function probabilities(model: MlpModel, input: ModelInput = test): Promise<number[]> {
  return Array.from((await model.predictProba(input)).p);
}

describe('mlp', () => {
  it('learns well above chance (1/3) within a few epochs and records the backend', async () => {
    const model = mlpFactory.create({ ...small, maxEpochs: 6, learningRate: 0.01 }) as MlpModel;
    const result = await model.fit(train, { validation: test });
    expect(accuracy(await model.predict(test), test.y)).toBeGreaterThan(0.6);
    expect(result.history.at(-1)!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    for (const log of result.history) expect(log).toMatchObject({ learningRate: 0.01, valAccuracy: expect.any(Number) });
    const { backend } = await selectTfjsBackend();
    expect(result.runtime['backend']).toBe(backend);
    expect(model.describe().runtime).toMatchObject({ backend, architecture: '6 → 32 → 16 → 3' });
  });

  it('is deterministic given the seed (initialisers, shuffling, dropout) and differs across seeds', async () => {
    const fit = async (seed: number): Promise<number[]> => {
      const model = new MlpModel({ ...small, maxEpochs: 2, seed });
      await model.fit(train);
      const p = await probabilities(model);
      model.dispose();
      return p;
    };
    const a = await fit(7);
    expect(await fit(7)).toEqual(a);
    expect(await fit(8)).not.toEqual(a);
  });

  it('save → load gives bit-identical predictions, in tfjs format that tfjs itself can load', async () => {
    const model = new MlpModel({ ...small, maxEpochs: 2 });
    await model.fit({ ...train, featureNames: ['a', 'b', 'c', 'd', 'e', 'f'] });
    const dir = join(await mkdtemp(join(tmpdir(), 'tribar-mlp-')), 'model');
    dirs.push(dir);
    await model.save(dir);
    const loaded = await mlpFactory.load(dir);
    expect(await probabilities(loaded as MlpModel)).toEqual(await probabilities(model));
    expect(loaded.describe()).toMatchObject({
      fitted: true,
      featureNames: ['a', 'b', 'c', 'd', 'e', 'f'],
      hyperparameters: { hiddenUnits: [32, 16] },
    });

    const json = JSON.parse(await readFile(join(dir, 'tfjs/model.json'), 'utf8')) as {
      format: string;
      weightsManifest: [{ paths: string[] }];
    };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    // (6·32 + 32) + (32·16 + 16) + (16·3 + 3) = 224 + 528 + 51 = 803 float32 = 3,212 bytes.
    expect((await readFile(join(dir, 'tfjs/weights.bin'))).length).toBe(3212);
    const { tf } = await selectTfjsBackend();
    const layers = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: (json as unknown as { modelTopology: object }).modelTopology,
        weightSpecs: (json.weightsManifest[0] as unknown as { weights: never }).weights,
        weightData: new Uint8Array(await readFile(join(dir, 'tfjs/weights.bin'))).buffer,
      }),
    );
    const viaLayers = tf.tidy(() =>
      Array.from((layers.predict(tf.tensor2d(test.x, [test.rows, 6])) as ReturnType<typeof tf.tensor2d>).dataSync()),
    );
    layers.dispose();
    const ours = await probabilities(model);
    viaLayers.forEach((v, k) => expect(v).toBeCloseTo(ours[k]!, 5));
  });

  it('stops when the hook asks and restores the best-val-loss weights', async () => {
    const model = new MlpModel({ ...small, maxEpochs: 10, learningRate: 0.05 });
    const result = await model.fit(train, { validation: test, onEpoch: (log) => (log.epoch === 3 ? { stop: true } : undefined) });
    expect(result.epochs).toBe(4);
    expect(result.stoppedEarly).toBe(true);
    const losses = result.history.map((l) => l.valLoss!);
    expect(result.bestEpoch).toBe(losses.indexOf(Math.min(...losses)));
    const p = await probabilities(model);
    let loss = 0;
    for (let i = 0; i < test.rows; i++) loss -= Math.log(p[i * 3 + test.y[i]!]!);
    expect(loss / test.rows).toBeCloseTo(Math.min(...losses), 4);
  });

  it("the hook's learningRate sets the optimizer's rate for the next epoch (0 freezes the weights)", async () => {
    const once = new MlpModel({ ...small, maxEpochs: 1 });
    await once.fit(train);
    const frozen = new MlpModel({ ...small, maxEpochs: 3 });
    const result = await frozen.fit(train, { onEpoch: () => ({ learningRate: 0 }) });
    expect(result.history.map((l) => l.learningRate)).toEqual([1e-3, 0, 0]);
    expect(await probabilities(frozen)).toEqual(await probabilities(once));
  });

  it('§14.2: with sample weights the loss is their weighted mean, without class weights', async () => {
    const weighted = new MlpModel({ ...small, maxEpochs: 1 });
    await weighted.fit({ ...train, weights: new Float32Array(train.rows).fill(1) });
    const unbalanced = new MlpModel({ ...small, maxEpochs: 1, classWeights: 'none' });
    await unbalanced.fit(train);
    expect(await probabilities(weighted)).toEqual(await probabilities(unbalanced));
  });

  it('flattens [steps, features] rows and treats NaN as 0', async () => {
    const sequence = { ...train, shape: [2, 3] };
    const withNaN = Float32Array.from(train.x);
    for (let k = 0; k < withNaN.length; k += 5) withNaN[k] = Number.NaN;
    const a = new MlpModel({ ...small, maxEpochs: 1 });
    await a.fit({ ...sequence, x: withNaN });
    const b = new MlpModel({ ...small, maxEpochs: 1 });
    await b.fit({ ...sequence, x: withNaN.map((v) => (Number.isNaN(v) ? 0 : v)) });
    const pa = await probabilities(a, { ...test, shape: [2, 3] });
    expect(pa.every(Number.isFinite)).toBe(true);
    expect(pa).toEqual(await probabilities(b, { ...test, shape: [2, 3] }));
    expect(MLP_CARD.handlesMissing).toBe(false);
  });

  it('names the problem: predict before fit, column mismatch, bad hyperparameters, disposed', async () => {
    const model = new MlpModel({ ...small, maxEpochs: 1 });
    await expect(model.predict(test)).rejects.toThrow(/mlp model is not fitted[\s\S]*hint: Call fit/);
    await model.fit(train);
    await expect(model.predict({ x: new Float32Array(14), rows: 2, shape: [7] })).rejects.toThrow(
      /shape \[7\], the model was fitted on \[6\]/,
    );
    expect(() => mlpFactory.create({ hiddenUnits: [0] })).toThrow(/mlp.hiddenUnits = \[0\]: expected a non-empty list/);
    model.dispose();
    await expect(model.predict(test)).rejects.toThrow(/disposed/);
  });
});
