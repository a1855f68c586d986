import { createDefaultRegistry, type BaseModel, type ModelInput } from '@tribar/models';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaggingEnsemble } from '../src/internal/bagging.js';
import { CalibratedModel } from '../src/internal/calibrated.js';
import { registerEnsembles } from '../src/internal/families.js';
import { StackingEnsemble } from '../src/internal/stacking.js';
import { VotingEnsemble } from '../src/internal/voting.js';
import { syntheticRows } from './synthetic.js';

const registry = registerEnsembles(createDefaultRegistry());
const train = syntheticRows(400, 1);
const val = syntheticRows(200, 2);
const test = syntheticRows(200, 3);
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-ensembles-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A fitted-looking model that always answers `p`. */
function constant(p: number[]): BaseModel {
  const card = registry.card('logistic');
  return {
    name: 'logistic',
    card,
    fit: async () => ({ epochs: 1, bestEpoch: 0, stoppedEarly: false, history: [], seconds: 0, runtime: {} }),
    predictProba: async (input: ModelInput) => ({
      rows: input.rows,
      p: Float32Array.from({ length: input.rows * 3 }, (_, i) => p[i % 3]!),
    }),
    predict: async (input: ModelInput) => new Uint8Array(input.rows),
    save: async () => {},
    describe: () => ({ name: 'logistic', family: 'classical', inputKind: 'tabular', hyperparameters: {}, fitted: true }),
    dispose: () => {},
  };
}

async function probabilities(model: BaseModel, input: ModelInput): Promise<number[]> {
  return Array.from((await model.predictProba(input)).p);
}

describe('VotingEnsemble', () => {
  const a = [0.6, 0.3, 0.1];
  const b = [0.1, 0.3, 0.6];
  const c = [0.2, 0.5, 0.3];
  const one: ModelInput = { x: new Float32Array(4), rows: 1, shape: [4] };

  it('soft-votes the weighted mean of the members’ probabilities', async () => {
    const p = await probabilities(new VotingEnsemble([constant(a), constant(b), constant(c)], { voting: 'soft', weights: [2, 1, 1] }), one);
    // (2·a + b + c) / 4.
    [0.375, 0.35, 0.275].forEach((v, k) => expect(p[k]).toBeCloseTo(v, 6));
  });

  it('hard-votes the weighted share of argmax votes', async () => {
    const p = await probabilities(new VotingEnsemble([constant(a), constant(b), constant(c)], { voting: 'hard', weights: [1, 1, 2] }), one);
    [0.25, 0.5, 0.25].forEach((v, k) => expect(p[k]).toBeCloseTo(v, 6));
  });

  it('names a bad weight', () => {
    expect(() => new VotingEnsemble([constant(a), constant(b)], { voting: 'soft', weights: [1, -1] })).toThrow(/weight 1 is -1/);
    expect(() => new VotingEnsemble([constant(a)], { voting: 'soft', weights: [1, 1] })).toThrow(/2 weights for 1 members/);
  });

  it('fits, saves and loads through the registry with the same probabilities', async () => {
    const voting = new VotingEnsemble([registry.create('logistic'), registry.create('gbdt', { nEstimators: 20 })], { voting: 'soft' });
    await voting.fit(train.input, { validation: val.input, seed: 1 });
    const dir = join(await tempDir(), 'voting');
    await voting.save(dir);
    const loaded = await registry.load(dir);
    expect(loaded.describe()).toMatchObject({
      name: 'voting',
      fitted: true,
      hyperparameters: { voting: 'soft', members: ['logistic', 'gbdt'] },
    });
    expect(await probabilities(loaded, test.input)).toEqual(await probabilities(voting, test.input));
  });
});

describe('StackingEnsemble', () => {
  it('fits the meta-learner on OOF probabilities of every train row and round-trips', async () => {
    const stacking = new StackingEnsemble({
      registry,
      mode: 'stacking',
      members: [{ model: 'logistic' }, { model: 'gbdt', hyperparameters: { nEstimators: 20 } }],
      scheme: { kind: 'kfold', folds: 4, embargo: 2 },
    });
    await expect(stacking.fit(train.input)).rejects.toThrow(/label windows/);
    await stacking.fit({ ...train.input, windows: train.windows }, { seed: 1 });
    expect(stacking.lastMetaRows).toBe(400);
    expect(stacking.meta.describe().featureNames).toEqual([
      '0_logistic_p_short',
      '0_logistic_p_neutral',
      '0_logistic_p_long',
      '1_gbdt_p_short',
      '1_gbdt_p_neutral',
      '1_gbdt_p_long',
    ]);
    const dir = join(await tempDir(), 'stacking');
    await stacking.save(dir);
    const loaded = await registry.load(dir);
    expect(loaded.name).toBe('stacking');
    expect(await probabilities(loaded, test.input)).toEqual(await probabilities(stacking, test.input));
    // The planted signal survives: test accuracy well above the 1/3 of chance.
    const predicted = await stacking.predict(test.input);
    const right = predicted.reduce((n, c, r) => n + (c === test.input.y[r] ? 1 : 0), 0);
    expect(right / 200).toBeGreaterThan(0.5);
  });

  it('blends on the validation rows and refuses to blend without them', async () => {
    const blending = new StackingEnsemble({ registry, mode: 'blending', members: [{ model: 'logistic' }] });
    await expect(blending.fit(train.input)).rejects.toThrow(/validation rows/);
    await blending.fit(train.input, { validation: val.input, seed: 1 });
    expect(blending.lastMetaRows).toBe(200);
  });
});

describe('BaggingEnsemble', () => {
  it('fits each estimator on a sequential bootstrap and round-trips', async () => {
    const bagging = new BaggingEnsemble({ registry, base: { model: 'logistic' }, estimators: 3, maxSamples: 0.5 });
    await expect(bagging.fit(train.input)).rejects.toThrow(/label windows/);
    await bagging.fit({ ...train.input, windows: train.windows }, { seed: 4 });
    const p = await probabilities(bagging, test.input);
    const members = await Promise.all(bagging.members.map((m) => probabilities(m, test.input)));
    p.slice(0, 30).forEach((v, i) => expect(v).toBeCloseTo((members[0]![i]! + members[1]![i]! + members[2]![i]!) / 3, 6));
    // Different bootstrap samples: the estimators differ.
    expect(members[0]).not.toEqual(members[1]);
    const dir = join(await tempDir(), 'bagging');
    await bagging.save(dir);
    expect(await probabilities(await registry.load(dir), test.input)).toEqual(p);
  });
});

describe('CalibratedModel', () => {
  it('fits the calibrator on validation only, and refitting it on the same validation rows changes nothing', async () => {
    const calibrated = new CalibratedModel(registry.create('logistic'), 'isotonic');
    await expect(calibrated.fit(train.input)).rejects.toThrow(/validation rows/);
    await calibrated.fit(train.input, { validation: val.input, seed: 1 });
    const first = calibrated.calibrator;
    expect(first?.method).toBe('isotonic');
    // Predicting other rows (test) never moves it; only the validation rows define it.
    await calibrated.predictProba(test.input);
    expect(await calibrated.calibrate(val.input)).toEqual(first);
    const dir = join(await tempDir(), 'calibrated');
    await calibrated.save(dir);
    expect(await probabilities(await registry.load(dir), test.input)).toEqual(await probabilities(calibrated, test.input));
  });

  it('refuses to be created from hyperparameters', () => {
    expect(() => registry.create('voting')).toThrow(/is an ensemble/);
  });
});
