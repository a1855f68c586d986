import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../src/internal/builtins.js';
import { GBDT_CARD, GbdtModel, gbdtFactory } from '../src/internal/gbdt/index.js';
import { HyperparameterError } from '../src/internal/registry.js';
import type { LabeledInput } from '../src/internal/types.js';
import { accuracy, anchorMatrix, sliceRows } from './xgboost-fixtures.js';

const data = anchorMatrix(2_000, 8, 4, 7);
const train = sliceRows(data, 0, 1_500);
const validation = sliceRows(data, 1_500, 2_000);
const quick = { nEstimators: 30, learningRate: 0.3, earlyStoppingRounds: 0 };
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function rowsSum1(p: Float32Array): boolean {
  for (let i = 0; i < p.length; i += 3) if (Math.abs(p[i]! + p[i + 1]! + p[i + 2]! - 1) > 1e-6) return false;
  return true;
}

describe('gbdt card', () => {
  it('has LightGBM-like defaults and is registered by default', () => {
    const model = createDefaultRegistry().create('lightgbm');
    expect(model.name).toBe('gbdt');
    expect(model.describe().hyperparameters).toMatchObject({
      growPolicy: 'leafwise',
      numLeaves: 31,
      learningRate: 0.1,
      workers: 2,
      minDataInLeaf: 20,
      maxBin: 255,
      regLambda: 1,
    });
    expect(GBDT_CARD.handlesMissing).toBe(true);
  });

  it('rejects values outside the card, and maxDepth 0 outside leafwise', () => {
    expect(() => new GbdtModel({ growPolicy: 'random' })).toThrow(HyperparameterError);
    expect(() => new GbdtModel({ maxBin: 256 })).toThrow(/maxBin/);
    expect(() => new GbdtModel({ maxDepth: 0, growPolicy: 'depthwise' })).toThrow(/needs growPolicy 'leafwise'/);
    expect(() => new GbdtModel({ maxDepth: 0, growPolicy: 'leafwise' })).not.toThrow();
  });
});

describe.each(['leafwise', 'depthwise', 'symmetric'] as const)('gbdt %s', (growPolicy) => {
  it('learns the terciles: accuracy well above chance, train loss falling, rows of probabilities summing to 1', async () => {
    const model = new GbdtModel({ ...quick, growPolicy });
    const fit = await model.fit(train, { validation });
    expect(fit.epochs).toBe(30);
    expect(fit.history[29]!.trainLoss).toBeLessThan(fit.history[0]!.trainLoss - 0.2);
    const { p } = await model.predictProba(validation);
    expect(rowsSum1(p)).toBe(true);
    expect(accuracy(await model.predict(validation), validation.y)).toBeGreaterThan(0.6);
    // Importance: the signal columns outweigh the noise ones, by gain and by split count.
    const gain = model.featureImportance('gain');
    expect(gain['signal_0']!).toBeGreaterThan(gain['noise_7']! * 3);
    const splits = model.featureImportance('split');
    expect(splits['signal_0']!).toBeGreaterThan(0);
    expect(Number.isInteger(splits['noise_7'])).toBe(true);
    expect(model.describe().featureImportance).toEqual(gain);
  });
});

describe('tree shapes', () => {
  it('leafwise trees hold at most numLeaves leaves, also without a depth limit', async () => {
    const model = new GbdtModel({ ...quick, nEstimators: 3, numLeaves: 5, maxDepth: 0, minDataInLeaf: 5 });
    await model.fit(train);
    const trees = JSON.parse(model.toXGBoostJson()).learner.gradient_booster.model.trees as { left_children: number[] }[];
    for (const tree of trees) expect(tree.left_children.filter((c) => c === -1).length).toBeLessThanOrEqual(5);
    expect(trees.some((t) => t.left_children.filter((c) => c === -1).length === 5)).toBe(true);
  });

  it('symmetric trees split every node of a level on one feature and threshold', async () => {
    const model = new GbdtModel({ ...quick, nEstimators: 2, growPolicy: 'symmetric', maxDepth: 3 });
    await model.fit(train);
    const trees = JSON.parse(model.toXGBoostJson()).learner.gradient_booster.model.trees as {
      split_indices: number[];
      split_conditions: number[];
      left_children: number[];
    }[];
    for (const tree of trees) {
      expect(tree.left_children.length).toBe(15); // complete: 7 internal nodes, 8 leaves
      for (const [first, last] of [
        [1, 2],
        [3, 6],
      ] as const) {
        for (let n = first; n <= last; n++) {
          expect(tree.split_indices[n]).toBe(tree.split_indices[first]);
          expect(tree.split_conditions[n]).toBe(tree.split_conditions[first]);
        }
      }
    }
  });
});

describe('edge cases', () => {
  it('missing values: NaN rows follow the learned default direction', async () => {
    // Feature 0 is NaN exactly for class 2 and uniform noise otherwise; feature 1 separates 0 from 1.
    const rows = 600;
    const x = new Float32Array(rows * 2);
    const y = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      y[i] = i % 3;
      x[i * 2] = y[i] === 2 ? Number.NaN : ((i * 7919) % 101) / 101;
      x[i * 2 + 1] = y[i] === 0 ? -1 - (i % 5) : 1 + (i % 5);
    }
    const model = new GbdtModel({ ...quick, growPolicy: 'depthwise', maxDepth: 3 });
    await model.fit({ x, rows, shape: [2], y });
    const probe = { x: Float32Array.of(Number.NaN, 2, 0.5, 2, 0.5, -2), rows: 3, shape: [2] };
    expect([...(await model.predict(probe))]).toEqual([2, 1, 0]);
    expect(x[4]).toBeNaN(); // the input is not modified
  });

  it('constant features never split: the model predicts the class frequencies', async () => {
    const rows = 100;
    const y = Uint8Array.from({ length: rows }, (_, i) => (i < 20 ? 0 : i < 50 ? 1 : 2));
    const model = new GbdtModel({ ...quick, classWeights: 'none' });
    await model.fit({ x: new Float32Array(rows * 2).fill(3), rows, shape: [2], y });
    const { p } = await model.predictProba({ x: Float32Array.of(3, 3, -1, 8), rows: 2, shape: [2] });
    expect([...p].map((v) => +v.toFixed(6))).toEqual([0.2, 0.3, 0.5, 0.2, 0.3, 0.5]);
    expect(Object.values(model.featureImportance('split'))).toEqual([0, 0]);
  });

  it('a single class: trains, and predicts it almost surely', async () => {
    const model = new GbdtModel({ ...quick, classWeights: 'balanced' });
    const { x, rows, shape } = sliceRows(train, 0, 200);
    await model.fit({ x, rows, shape, y: new Uint8Array(rows).fill(2) });
    const { p } = await model.predictProba({ x, rows, shape });
    expect(rowsSum1(p)).toBe(true);
    for (let i = 0; i < rows; i++) expect(p[i * 3 + 2]).toBeGreaterThan(0.999);
  });

  it('weights of zero: extra zero-weight rows change nothing', async () => {
    const base = sliceRows(train, 0, 200);
    // The same 200 rows plus 200 copies of them, reversed labels, weight 0: the same cuts (≤ 253 distinct values: each is a cut), no gradient.
    const cols = 8;
    const x = new Float32Array(400 * cols);
    x.set(base.x);
    x.set(base.x, 200 * cols);
    const y = new Uint8Array(400);
    y.set(base.y);
    for (let i = 0; i < 200; i++) y[200 + i] = 2 - base.y[i]!;
    const weights = new Float32Array(400).fill(1, 0, 200);
    // Leaves need hessian, not rows (zero-weight rows count as rows); shallow trees keep nodes large, so no two features tie.
    const hp = { ...quick, classWeights: 'none', minDataInLeaf: 0, minSumHessianInLeaf: 1, growPolicy: 'depthwise', maxDepth: 3 };
    const plain = new GbdtModel(hp);
    await plain.fit({ ...base, weights: new Float32Array(200).fill(1) });
    const padded = new GbdtModel(hp);
    await padded.fit({ x, rows: 400, shape: [cols], y, weights });
    const a = (await plain.predictProba(validation)).p;
    const b = (await padded.predictProba(validation)).p;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('one row and one feature', async () => {
    const model = new GbdtModel({ ...quick, minDataInLeaf: 1 });
    await model.fit({ x: Float32Array.of(0.5), rows: 1, shape: [1], y: Uint8Array.of(1) });
    expect([...(await model.predict({ x: Float32Array.of(0.5, -7, Number.NaN), rows: 3, shape: [1] }))]).toEqual([1, 1, 1]);
    const one = new GbdtModel({ ...quick, growPolicy: 'symmetric' });
    const x = Float32Array.from({ length: 300 }, (_, i) => i);
    const y = Uint8Array.from({ length: 300 }, (_, i) => Math.floor(i / 100));
    await one.fit({ x, rows: 300, shape: [1], y });
    expect([...(await one.predict({ x: Float32Array.of(10, 150, 290), rows: 3, shape: [1] }))]).toEqual([0, 1, 2]);
  });

  it('rejects bad input with the problem named', async () => {
    const model = new GbdtModel(quick);
    await expect(model.fit({ ...train, shape: [2, 4] })).rejects.toThrow(/tabular rows/);
    await expect(model.fit({ ...train, y: train.y.subarray(1) })).rejects.toThrow(/labels for 1500 rows/);
    await expect(model.predict(validation)).rejects.toThrow(/before fit/);
    await model.fit(sliceRows(train, 0, 300));
    await expect(model.predict({ x: new Float32Array(6), rows: 2, shape: [3] })).rejects.toThrow(/fitted on \[8\]/);
  });
});

describe('determinism and sampling', () => {
  const sampled = { ...quick, subsample: 0.7, colsampleBytree: 0.5 };
  it('the same seed gives identical predictions; another seed different ones', async () => {
    const run = async (seed: number) => {
      const model = new GbdtModel({ ...sampled, seed });
      await model.fit(train);
      return (await model.predictProba(validation)).p;
    };
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    // FitOptions.seed overrides the hyperparameter.
    const model = new GbdtModel({ ...sampled, seed: 2 });
    await model.fit(train, { seed: 1 });
    expect(Buffer.from((await model.predictProba(validation)).p.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });
});

describe('epochs, early stopping and save/load', () => {
  it('stops when the hook asks, after exactly that round', async () => {
    const model = new GbdtModel(quick);
    const seen: number[] = [];
    const fit = await model.fit(train, {
      validation,
      onEpoch: (log) => (seen.push(log.epoch), log.epoch >= 4 ? { stop: true } : undefined),
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(fit.epochs).toBe(5);
    expect(fit.stoppedEarly).toBe(true);
    expect(fit.history[4]!.valLoss).toBeGreaterThan(0);
    expect(fit.history[4]!.valAccuracy).toBeGreaterThan(0.4);
  });

  it('early-stops on validation loss and keeps the best rounds', async () => {
    // A high rate overfits quickly: validation loss turns up, the model stops 5 rounds after its best.
    const model = new GbdtModel({ nEstimators: 200, learningRate: 0.8, numLeaves: 63, minDataInLeaf: 2, earlyStoppingRounds: 5 });
    const fit = await model.fit(train, { validation });
    expect(fit.stoppedEarly).toBe(true);
    expect(fit.epochs).toBe(fit.bestEpoch + 6);
    const best = Math.min(...fit.history.map((h) => h.valLoss!));
    expect(fit.history[fit.bestEpoch]!.valLoss).toBe(best);
    expect(fit.runtime['rounds']).toBe(fit.bestEpoch + 1);
    // The kept model scores the best round's validation loss.
    const { p } = await model.predictProba(validation);
    let loss = 0;
    for (let i = 0; i < validation.rows; i++) loss -= Math.log(Math.max(p[i * 3 + validation.y[i]!]!, 1e-15));
    expect(loss / validation.rows).toBeCloseTo(best, 5);
  });

  it('rejects when the signal is aborted', async () => {
    const controller = new AbortController();
    const model = new GbdtModel(quick);
    const fit = model.fit(train, {
      signal: controller.signal,
      onEpoch: (log) => void (log.epoch === 1 && controller.abort(new Error('stop now'))),
    });
    await expect(fit).rejects.toThrow('stop now');
  });

  it.each(['leafwise', 'symmetric'] as const)(
    '%s: save → load predicts bit for bit the same, through the registry too',
    async (growPolicy) => {
      const dir = await mkdtemp(join(tmpdir(), 'tribar-gbdt-'));
      dirs.push(dir);
      const withNaN: LabeledInput = { ...train, x: train.x.map((v, i) => (i % 37 === 0 ? Number.NaN : v)) };
      const model = new GbdtModel({ ...quick, growPolicy, subsample: 0.8 });
      const weights = Float32Array.from({ length: train.rows }, (_, i) => 0.5 + (i % 4) / 4);
      await model.fit({ ...withNaN, weights }, { validation });
      await model.save(join(dir, 'm'));
      expect((await readdir(join(dir, 'm'))).sort()).toEqual(['MLmodel', 'gbdt.json', 'tribar-model.json', 'xgboost.json']);
      const probe = { ...validation, x: validation.x.map((v, i) => (i % 11 === 0 ? Number.NaN : v)) };
      const before = (await model.predictProba(probe)).p;
      for (const loaded of [
        await GbdtModel.load(join(dir, 'm')),
        await gbdtFactory.load(join(dir, 'm')),
        await createDefaultRegistry().load(join(dir, 'm')),
      ]) {
        const after = (await loaded.predictProba(probe)).p;
        expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
        expect(loaded.describe().featureImportance).toEqual(model.describe().featureImportance);
      }
    },
  );
});
