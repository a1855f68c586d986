import { describe, expect, it } from 'vitest';
import { HyperparameterError, resolveHyperparameters } from '../src/internal/registry.js';
import type { EpochLog } from '../src/internal/types.js';
import { trainingWeights } from '../src/internal/xgboost/card.js';
import { XGBOOST_CARD, XGBoostModel, xgboostFactory } from '../src/internal/xgboost/index.js';
import { parseEval } from '../src/internal/xgboost/native.js';
import { accuracy, anchorMatrix, skipWithoutXGBoost, sliceRows } from './xgboost-fixtures.js';

// 2,000 × 8 rows, 4 informative columns: the first 1,500 train, the last 500 validate.
const data = anchorMatrix(2_000, 8, 4, 7);
const train = sliceRows(data, 0, 1_500);
const validation = sliceRows(data, 1_500, 2_000);
const quick = { nEstimators: 40, learningRate: 0.3, minChildWeight: 1, earlyStoppingRounds: 0 };

describe('xgboost card', () => {
  it('has the original defaults (§14.2)', () => {
    const hp = resolveHyperparameters(XGBOOST_CARD, {});
    expect(hp).toEqual({
      nEstimators: 500,
      maxDepth: 6,
      minChildWeight: 10,
      subsample: 0.8,
      colsampleBytree: 0.8,
      learningRate: 0.05,
      gamma: 0.1,
      regAlpha: 0.1,
      regLambda: 1.0,
      earlyStoppingRounds: 50,
      classWeights: 'balanced',
      threads: 2,
      seed: 42,
    });
    expect(XGBOOST_CARD.aliases).toContain('xgb');
    expect(XGBOOST_CARD.handlesMissing).toBe(true);
  });

  it('rejects values outside the card', () => {
    expect(() => new XGBoostModel({ maxDepth: 0 })).toThrow(HyperparameterError);
    expect(() => xgboostFactory.create({ classWeights: 'inverse' })).toThrow(/classWeights/);
    expect(() => xgboostFactory.create({ eta: 0.1 })).toThrow(/'eta' is not a hyperparameter/);
  });
});

describe('balanced class weights', () => {
  it('are n/(k·count_c) times the sample weight', () => {
    // y = 0,0,0,1,2,2: n = 6, k = 3, counts 3,1,2 → 6/9 = 0.6667, 6/3 = 2, 6/6 = 1.
    const y = Uint8Array.from([0, 0, 0, 1, 2, 2]);
    expect([...(trainingWeights(y, undefined, true) as Float32Array)].map((w) => +w.toFixed(4))).toEqual([0.6667, 0.6667, 0.6667, 2, 1, 1]);
    const sample = Float32Array.from([1, 2, 0, 1, 0.5, 1]);
    // × sample: 0.6667, 1.3333, 0, 2, 0.5, 1.
    expect([...(trainingWeights(y, sample, true) as Float32Array)].map((w) => +w.toFixed(4))).toEqual([0.6667, 1.3333, 0, 2, 0.5, 1]);
    expect(trainingWeights(y, sample, false)).toBe(sample);
  });

  it('count only the classes present (k = 2 here)', () => {
    // y = 0,0,1: n = 3, k = 2 → 3/(2·2) = 0.75, 3/(2·1) = 1.5.
    expect([...(trainingWeights(Uint8Array.from([0, 0, 1]), undefined, true) as Float32Array)]).toEqual([0.75, 0.75, 1.5]);
  });

  it('give every class the same total weight', () => {
    const w = trainingWeights(train.y, undefined, true) as Float32Array;
    const totals = [0, 0, 0];
    for (let i = 0; i < train.rows; i++) totals[train.y[i] as number]! += w[i] as number;
    for (const t of totals) expect(t).toBeCloseTo(train.rows / 3, 2);
  });
});

describe('parseEval', () => {
  it('reads XGBoost evaluation lines', () => {
    expect(parseEval('[3]\ttrain-mlogloss:0.5\tval-mlogloss:0.625\tval-merror:0.25')).toEqual({
      'train-mlogloss': 0.5,
      'val-mlogloss': 0.625,
      'val-merror': 0.25,
    });
  });
});

describe.skipIf(skipWithoutXGBoost)('XGBoostModel.fit', () => {
  it('learns the terciles: accuracy well above chance, train loss falling, probabilities summing to 1', async () => {
    const model = new XGBoostModel({ ...quick, nEstimators: 60, learningRate: 0.1 });
    const result = await model.fit(train, { validation, restoreBest: false });
    expect(result.epochs).toBe(60);
    expect(result.history).toHaveLength(60);
    expect(result.stoppedEarly).toBe(false);
    const losses = result.history.map((h) => h.trainLoss);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1] as number);
    // log 3 = 1.0986 is the loss of knowing nothing.
    expect(losses[0]).toBeLessThan(Math.log(3));
    expect(result.history[59]?.valLoss).toBeLessThan(Math.log(3));
    expect(result.history[59]?.valAccuracy).toBeGreaterThan(0.55);
    expect(result.runtime.xgboostVersion).toMatch(/^\d+\.\d+\.\d+$/);

    const { rows, p } = await model.predictProba(validation);
    expect(rows).toBe(500);
    for (let i = 0; i < rows; i++) expect((p[3 * i] as number) + (p[3 * i + 1] as number) + (p[3 * i + 2] as number)).toBeCloseTo(1, 5);
    const acc = accuracy(await model.predict(validation), validation.y);
    expect(acc).toBeGreaterThan(0.55); // chance is 1/3
    expect(acc).toBeCloseTo(result.history[59]?.valAccuracy as number, 6);

    // Gain importance by name: every signal column beats every noise column.
    const importance = model.describe().featureImportance as Record<string, number>;
    expect(Object.keys(importance)).toEqual(train.featureNames);
    const weakestSignal = Math.min(...[0, 1, 2].map((j) => importance[`signal_${j}`] as number));
    const strongestNoise = Math.max(...[4, 5, 6, 7].map((j) => importance[`noise_${j}`] as number));
    expect(weakestSignal).toBeGreaterThan(strongestNoise);
    model.dispose();
  });

  it('stops after the round whose hook returns stop: stop at round 3 → 4 rounds', async () => {
    const model = new XGBoostModel(quick);
    const seen: EpochLog[] = [];
    const result = await model.fit(train, {
      validation,
      restoreBest: false,
      onEpoch: (log) => {
        seen.push(log);
        return log.epoch === 3 ? { stop: true } : undefined;
      },
    });
    expect(seen.map((l) => l.epoch)).toEqual([0, 1, 2, 3]);
    expect(result.epochs).toBe(4);
    expect(result.stoppedEarly).toBe(true);
    expect(model.describe().runtime?.rounds).toBe(4);
    model.dispose();
  });

  it('applies its own earlyStoppingRounds and keeps the best rounds', async () => {
    // Validation labels shuffled against their rows: after a round or two the model only overfits,
    // so val loss rises and the model stops `earlyStoppingRounds` rounds after its best.
    const noisy = { ...validation, y: Uint8Array.from(validation.y, (_, i) => validation.y[(i * 7) % validation.rows] as number) };
    const model = new XGBoostModel({ ...quick, nEstimators: 200, earlyStoppingRounds: 5 });
    const result = await model.fit(train, { validation: noisy });
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochs).toBe(result.bestEpoch + 6);
    const valLosses = result.history.map((h) => h.valLoss as number);
    expect(Math.min(...valLosses)).toBe(valLosses[result.bestEpoch]);
    expect(model.describe().runtime?.rounds).toBe(result.bestEpoch + 1);
    model.dispose();
  });

  it('lets sample weights decide: zero weight on class 2 means class 2 is never predicted', async () => {
    const weights = Float32Array.from(train.y, (c) => (c === 2 ? 0 : 1));
    const model = new XGBoostModel({ ...quick, classWeights: 'none' });
    await model.fit({ ...train, weights });
    const predicted = await model.predict(data);
    expect(predicted.includes(2)).toBe(false);
    expect(predicted.includes(0) && predicted.includes(1)).toBe(true);
    model.dispose();
  });

  it('treats NaN as missing, in fit and predict', async () => {
    const holey = { ...train, x: train.x.slice() };
    for (let i = 0; i < holey.x.length; i += 5) holey.x[i] = Number.NaN;
    const model = new XGBoostModel(quick);
    await model.fit(holey);
    const allMissing = { x: new Float32Array(3 * 8).fill(Number.NaN), rows: 3, shape: [8] };
    const { p } = await model.predictProba(allMissing);
    // Every all-missing row takes the default branches: the same probabilities for all three.
    expect([...p.slice(3, 6)]).toEqual([...p.slice(0, 3)]);
    expect(accuracy(await model.predict(validation), validation.y)).toBeGreaterThan(0.5);
    model.dispose();
  });

  it('reports clear errors', async () => {
    const model = new XGBoostModel(quick);
    await expect(model.predictProba(validation)).rejects.toThrow(/predictProba\(\) before fit\(\)/);
    await expect(model.fit({ ...train, y: train.y.slice(1) })).rejects.toThrow(/train.y has 1499 labels for 1500 rows/);
    await expect(model.fit({ ...train, y: Uint8Array.from(train.y, () => 3) })).rejects.toThrow(/train.y\[0\] = 3 is not a class/);
    await expect(
      model.fit(train, { validation: { rows: 500, y: validation.y, x: new Float32Array(500 * 7), shape: [7] } }),
    ).rejects.toThrow(/validation has 7 features, train has 8/);
    await expect(model.fit({ ...train, shape: [60, 8], x: new Float32Array(0), rows: 0 })).rejects.toThrow(/tabular rows/);
    await model.fit(train);
    const narrow = { x: new Float32Array(10 * 7), rows: 10, shape: [7] };
    await expect(model.predictProba(narrow)).rejects.toThrow(/input has 7 features, the model was fitted on 8/);
    const renamed = { ...validation, featureNames: ['noise_4', ...(validation.featureNames ?? []).slice(1)] };
    await expect(model.predict(renamed)).rejects.toThrow(/feature 0 is 'noise_4', the model expects 'signal_0'/);
    model.dispose();
    await expect(model.predict(validation)).rejects.toThrow(/disposed/);
  });

  it('stops before the next round when aborted, and rejects with the reason', async () => {
    const controller = new AbortController();
    const model = new XGBoostModel(quick);
    const fit = model.fit(train, {
      onEpoch: (log) => {
        if (log.epoch === 1) controller.abort(new Error('user abort'));
      },
      signal: controller.signal,
    });
    await expect(fit).rejects.toThrow('user abort');
    expect(model.describe().fitted).toBe(false);
  });
});
