import { Rng } from '@tribar/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogisticModel, logisticFactory, LOGISTIC_CARD } from '../src/internal/logistic/index.js';
import { lbfgs } from '../src/internal/logistic/lbfgs.js';
import type { EpochLog, LabeledInput } from '../src/internal/types.js';

/** rows × f standard normals; latent z = Σ w_j·x_j + N(0, 1), w = 1.0 … 0.5 evenly; classes by terciles of z. */
function tercileData(rows: number, f: number, seed: number): LabeledInput & { oracle: Uint8Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * f);
  const signal = new Float64Array(rows);
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < f; j++) {
      const v = rng.normal();
      x[i * f + j] = v;
      signal[i]! += (1 - (0.5 * j) / Math.max(f - 1, 1)) * v;
    }
    z[i] = signal[i]! + rng.normal();
  }
  const sorted = Float64Array.from(z).sort();
  const low = sorted[Math.floor(rows / 3)]!;
  const high = sorted[Math.floor((2 * rows) / 3)]!;
  const y = new Uint8Array(rows);
  const oracle = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = z[i]! < low ? 0 : z[i]! < high ? 1 : 2;
    // The noise-free signal cut at the same thresholds: close to the best any classifier can do.
    oracle[i] = signal[i]! < low ? 0 : signal[i]! < high ? 1 : 2;
  }
  return { x, rows, shape: [f], y, oracle };
}

function accuracy(a: Uint8Array, b: Uint8Array): number {
  let hits = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hits++;
  return hits / a.length;
}

/** Written independently of src/logistic/objective.ts: ∇ = (1/S)·Σ s_i (p_i − e_{y_i}) x_i + W/(C·S). */
function gradientAt(model: LogisticModel, data: LabeledInput, s: number[], C: number): number {
  const { weights, intercepts } = model.coefficients();
  const f = data.shape[0]!;
  const S = s.reduce((a, b) => a + b, 0);
  const gW = new Array<number>(3 * f).fill(0);
  const gb = [0, 0, 0];
  for (let i = 0; i < data.rows; i++) {
    const logits = [0, 1, 2].map(
      (c) => intercepts[c]! + Array.from({ length: f }, (_, j) => weights[c * f + j]! * data.x[i * f + j]!).reduce((a, b) => a + b, 0),
    );
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < 3; c++) {
      const r = (s[i]! * (e[c]! / sum - (data.y[i] === c ? 1 : 0))) / S;
      gb[c]! += r;
      for (let j = 0; j < f; j++) gW[c * f + j]! += r * data.x[i * f + j]!;
    }
  }
  for (let k = 0; k < 3 * f; k++) gW[k]! += weights[k]! / (C * S);
  return Math.max(...gW.map(Math.abs), ...gb.map(Math.abs));
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('L-BFGS', () => {
  it('finds the minimum of a badly scaled quadratic: f = (x−1)² + 100·(y+2)² → (1, −2)', () => {
    const result = lbfgs(
      (p, g) => {
        g[0] = 2 * (p[0]! - 1);
        g[1] = 200 * (p[1]! + 2);
        return (p[0]! - 1) ** 2 + 100 * (p[1]! + 2) ** 2;
      },
      new Float64Array(2),
      { maxIter: 100, tol: 1e-10 },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(-2, 8);
  });
});

describe('logistic: known answers', () => {
  // Class counts 2, 3, 5 with one all-zero feature: only the intercepts matter, and their
  // gradient p_c − freq_c vanishes at p = (0.2, 0.3, 0.5).
  const y = Uint8Array.from([0, 0, 1, 1, 1, 2, 2, 2, 2, 2]);
  const zeros: LabeledInput = { x: new Float32Array(10), rows: 10, shape: [1], y };

  it('without class weights the probabilities are the class frequencies 0.2, 0.3, 0.5', async () => {
    const model = logisticFactory.create({ classWeights: 'none', tol: 1e-10 });
    await model.fit(zeros);
    const { p } = await model.predictProba({ x: new Float32Array(1), rows: 1, shape: [1] });
    expect(Array.from(p).map((v) => Number(v.toFixed(5)))).toEqual([0.2, 0.3, 0.5]);
  });

  it("'balanced' weights n/(k·count) = 10/6, 10/9, 10/15 make each class weigh 10/3: p = 1/3 each", async () => {
    const model = logisticFactory.create({ tol: 1e-10 });
    await model.fit(zeros);
    const { p } = await model.predictProba({ x: new Float32Array(1), rows: 1, shape: [1] });
    for (const v of p) expect(v).toBeCloseTo(1 / 3, 5);
  });

  it('with a saturated binary feature and a negligible penalty, p(c | x) is the conditional frequency', async () => {
    // x = 0: classes (2, 3, 5) → 0.2, 0.3, 0.5; x = 1: classes (6, 3, 1) → 0.6, 0.3, 0.1.
    const ys = [0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
    const x = Float32Array.from(ys.map((_, i) => (i < 10 ? 0 : 1)));
    const model = logisticFactory.create({ classWeights: 'none', C: 1e6, tol: 1e-9, maxIter: 2000 });
    await model.fit({ x, rows: 20, shape: [1], y: Uint8Array.from(ys) });
    const { p } = await model.predictProba({ x: Float32Array.from([0, 1]), rows: 2, shape: [1] });
    const expected = [0.2, 0.3, 0.5, 0.6, 0.3, 0.1];
    expected.forEach((v, k) => expect(p[k]).toBeCloseTo(v, 3));
  });

  it('the gradient of C·Σ s_i·CE_i + ½‖W‖² (scaled by 1/(C·S)) is ≈ 0 at the fitted coefficients', async () => {
    const data = tercileData(600, 4, 11);
    const weights = Float32Array.from({ length: 600 }, (_, i) => 0.5 + (i % 3) * 0.25);
    const model = new LogisticModel({ C: 0.3, tol: 1e-8 });
    const result = await model.fit({ ...data, weights });
    expect(result.runtime['converged']).toBe(true);
    const counts = [0, 0, 0];
    for (const c of data.y) counts[c]!++;
    const s = Array.from(data.y, (c, i) => (600 / (3 * counts[c]!)) * weights[i]!);
    expect(gradientAt(model, data, s, 0.3)).toBeLessThan(1e-7);
  });

  it('sklearn semantics: every row twice with C = 0.5 is the same fit as once with C = 1', async () => {
    const data = tercileData(300, 3, 5);
    const twice: LabeledInput = { x: new Float32Array(600 * 3), rows: 600, shape: [3], y: new Uint8Array(600) };
    twice.x.set(data.x);
    twice.x.set(data.x, 900);
    twice.y.set(data.y);
    twice.y.set(data.y, 300);
    const once = new LogisticModel({ C: 1, tol: 1e-9 });
    const doubled = new LogisticModel({ C: 0.5, tol: 1e-9 });
    await once.fit(data);
    await doubled.fit(twice);
    const a = once.coefficients().weights;
    const b = doubled.coefficients().weights;
    a.forEach((v, k) => expect(b[k]).toBeCloseTo(v, 6));
  });
});

describe('logistic on terciles of a latent linear z', () => {
  const train = tercileData(1500, 6, 1);
  const test = tercileData(1500, 6, 2);

  it('reaches the accuracy of the noise-free oracle within a few points', async () => {
    const model = logisticFactory.create();
    const result = await model.fit(train);
    const acc = accuracy(await model.predict(test), test.y);
    const oracle = accuracy(test.oracle, test.y);
    expect(acc).toBeGreaterThan(oracle - 0.04);
    expect(result.history.length).toBe(result.epochs);
    expect(result.history.at(-1)!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    const importance = model.describe().featureImportance!;
    // Feature weights fall from 1.0 (f0) to 0.5 (f5), so f0 must matter more than f5.
    expect(importance['f0']).toBeGreaterThan(importance['f5']!);
  });

  it('reports valLoss per epoch, stops when the hook asks, and restores the best-val coefficients', async () => {
    const seen: EpochLog[] = [];
    const model = logisticFactory.create();
    const result = await model.fit(train, {
      validation: test,
      onEpoch: (log) => {
        seen.push(log);
        return log.epoch === 4 ? { stop: true } : undefined;
      },
    });
    expect(result.epochs).toBe(5);
    expect(result.stoppedEarly).toBe(true);
    expect(seen.map((l) => l.epoch)).toEqual([0, 1, 2, 3, 4]);
    for (const log of seen) expect(log.valLoss).toBeGreaterThan(0);
    const bestEpoch = seen.reduce((b, l) => (l.valLoss! < seen[b]!.valLoss! ? l.epoch : b), 0);
    expect(result.bestEpoch).toBe(bestEpoch);
    const { p, rows } = await model.predictProba(test);
    let loss = 0;
    for (let i = 0; i < rows; i++) loss -= Math.log(p[i * 3 + test.y[i]!]!);
    expect(loss / rows).toBeCloseTo(seen[bestEpoch]!.valLoss!, 5);
  });

  it('save → load predicts bit for bit the same and keeps the card hyperparameters', async () => {
    const model = logisticFactory.create({ C: 2 });
    await model.fit({ ...train, featureNames: ['a', 'b', 'c', 'd', 'e', 'f'] });
    const dir = await mkdtemp(join(tmpdir(), 'tribar-logistic-'));
    dirs.push(dir);
    await model.save(join(dir, 'model'));
    const loaded = await logisticFactory.load(join(dir, 'model'));
    expect(Array.from((await loaded.predictProba(test)).p)).toEqual(Array.from((await model.predictProba(test)).p));
    expect(loaded.describe()).toMatchObject({
      fitted: true,
      featureNames: ['a', 'b', 'c', 'd', 'e', 'f'],
      hyperparameters: { C: 2, classWeights: 'balanced' },
    });
    expect(Object.keys(LOGISTIC_CARD.hyperparameters).sort()).toEqual(['C', 'classWeights', 'maxIter', 'tol']);
  });

  it('accepts [steps, features] rows by flattening them', async () => {
    const model = logisticFactory.create();
    await model.fit({ ...train, shape: [2, 3] });
    expect((await model.predict({ ...test, shape: [2, 3] })).length).toBe(1500);
    expect(Object.keys(model.describe().featureImportance!)).toEqual(['f0', 'f1', 'f2']);
  });
});

describe('logistic: missing values and errors', () => {
  it('treats NaN as 0 in fit and predict', async () => {
    const data = tercileData(300, 3, 9);
    const withNaN = Float32Array.from(data.x);
    for (let k = 0; k < withNaN.length; k += 7) withNaN[k] = Number.NaN;
    const zeroed = withNaN.map((v) => (Number.isNaN(v) ? 0 : v));
    const a = logisticFactory.create();
    const b = logisticFactory.create();
    await a.fit({ ...data, x: withNaN });
    await b.fit({ ...data, x: zeroed });
    const pa = (await a.predictProba({ ...data, x: withNaN })).p;
    expect(pa.every(Number.isFinite)).toBe(true);
    expect(Array.from(pa)).toEqual(Array.from((await b.predictProba({ ...data, x: zeroed })).p));
    expect(LOGISTIC_CARD.handlesMissing).toBe(false);
  });

  it('names the problem: predict before fit, column mismatch, bad labels, unknown hyperparameter', async () => {
    const model = logisticFactory.create();
    const input = { x: new Float32Array(6), rows: 2, shape: [3] };
    await expect(model.predict(input)).rejects.toThrow(/not fitted[\s\S]*hint: Call fit/);
    await model.fit({ ...input, y: Uint8Array.from([0, 2]) });
    await expect(model.predict({ x: new Float32Array(8), rows: 2, shape: [4] })).rejects.toThrow(
      /shape \[4\], the model was fitted on \[3\]/,
    );
    await expect(model.predict({ x: new Float32Array(5), rows: 2, shape: [3] })).rejects.toThrow(/x has 5 values, expected rows × 3/);
    await expect(model.fit({ ...input, y: Uint8Array.from([0, 3]) })).rejects.toThrow(/row 1 has class 3/);
    expect(() => logisticFactory.create({ penalty: 'l1' })).toThrow(/'penalty' is not a hyperparameter of logistic/);
  });
});
