import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainResultSchema } from '@tribar/artifacts';
import { readArrowFile } from '@tribar/core';
import { registerEnsembles } from '@tribar/ensembles';
import { loadDataModule } from '@tribar/datasets';
import { createDefaultRegistry } from '@tribar/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingPlan } from '../src/internal/stage.js';
import { checkTrainSection, trainModel } from '../src/internal/train.js';
import { configWith, writeFixture } from './train-fixture.js';

describe('train.ensembles', () => {
  let root: string;
  let runDir: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tribar-trainer-ensembles-'));
    runDir = join(root, 'run');
    await writeFixture(runDir);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('plans the ensembles after the models and checks their members', async () => {
    const config = await configWith(
      'train.models=["logistic"]',
      'train.ensembles=[{"name":"stack","kind":"stacking","members":["logistic","gbdt"]},{"name":"bag","kind":"bagging","members":["logistic"],"estimators":2}]',
    );
    expect(trainingPlan(config).map((p) => p.model)).toEqual(['logistic', 'stack', 'bag']);
    checkTrainSection(createDefaultRegistry(), config.train);
    const bad = await configWith('train.ensembles=[{"name":"gbdt","kind":"bagging","members":["logistic","nope"]}]');
    expect(() => checkTrainSection(createDefaultRegistry(), bad.train)).toThrow(
      /the name is a registered model.*'nope' is not a registered model.*bagging takes exactly one member/,
    );
  });

  it('trains a stacking ensemble like a model: results folder, metrics, a saved model the registry loads', async () => {
    const config = await configWith(
      'train.models=[]', // the ensembles alone (the default config also trains logistic and gbdt)
      'train.ensembles=[{"name":"stack","kind":"stacking","members":["logistic","gbdt"],"folds":3}]',
      'train.hyperparameters={"gbdt":{"nEstimators":15}}',
    );
    const [item] = trainingPlan(config);
    const result = await trainModel({ ...item!, runDir, registry: createDefaultRegistry(), config });
    expect(result.dir).toBe('train/stack-MES-h5');
    const metrics = JSON.parse(await readFile(join(runDir, 'train/stack-MES-h5/metrics.json'), 'utf8'));
    expect(metrics.hyperparameters).toMatchObject({
      members: [{ model: 'logistic' }, { model: 'gbdt', hyperparameters: { nEstimators: 15 } }],
      metaLearner: { model: 'logistic' },
      scheme: { kind: 'kfold', folds: 3, embargo: 288 },
    });
    expect(metrics.runtime).toMatchObject({ members: 2 });
    // The meta-learner saw one OOF row per train row.
    expect(metrics.runtime.metaRows).toBe(result.rows.train);
    const loaded = await registerEnsembles(createDefaultRegistry()).load(join(runDir, 'train/stack-MES-h5/model'));
    expect(loaded.describe()).toMatchObject({ name: 'stacking', fitted: true });
    const data = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' });
    if (data.test.kind !== 'tabular') throw new Error('tabular expected');
    expect((await loaded.predictProba(data.test)).rows).toBe(result.rows.test);

    // The CV files: each member's OOF probabilities, per-fold scores, the ensemble's own OOF, pointed to by the result.
    expect(result.ensembleCv).toBe('train/stack-MES-h5/cv.json');
    const cv = JSON.parse(await readFile(join(runDir, 'train/stack-MES-h5/cv.json'), 'utf8'));
    expect(cv.kind).toBe('stacking');
    expect(cv.scheme).toEqual({ kind: 'kfold', folds: 3, embargo: 288 });
    expect(cv.members.map((m: { model: string; oof: string }) => [m.model, m.oof])).toEqual([
      ['logistic', 'train/stack-MES-h5/oof-members/0-logistic.arrow'],
      ['gbdt', 'train/stack-MES-h5/oof-members/1-gbdt.arrow'],
    ]);
    for (const member of cv.members) {
      expect(member.scores.folds).toHaveLength(3);
      expect(member.scores.folds.reduce((n: number, f: { testRows: number }) => n + f.testRows, 0)).toBe(result.rows.train);
      expect(member.scores.logLoss).toBeGreaterThan(0);
      expect(member.scores.logLoss).toBeLessThan(2);
      const members = await readArrowFile(join(runDir, member.oof));
      expect(members.numRows).toBe(result.rows.train);
    }
    // gbdt's folds stopped early on their inner holdout: fewer than the 15 rounds asked for, and a holdout share recorded.
    expect(cv.earlyStoppingHoldout).toBe(0.2);
    expect(cv.members[1].scores.folds.every((f: { epochs: number }) => f.epochs >= 1 && f.epochs <= 15)).toBe(true);
    expect(cv.ensemble.oof).toBe('train/stack-MES-h5/oof.arrow');
    expect(cv.ensemble.scores.folds).toHaveLength(3);
    expect(cv.ensemble.val).toEqual({ logLoss: result.val.logLoss, macroF1: result.val.macroF1 });
    const summaryEntry = trainResultSchema.parse(result);
    expect(summaryEntry.ensembleCv).toBe('train/stack-MES-h5/cv.json');
  });

  it('writes members’ and the ensemble’s OOF files for voting, and none of its own for bagging', async () => {
    const config = await configWith(
      'train.models=[]', // the ensembles alone (the default config also trains logistic and gbdt)
      'train.ensembles=[{"name":"vote","kind":"voting","members":["logistic","gbdt"],"folds":2},{"name":"bag","kind":"bagging","members":["logistic"],"estimators":2,"folds":2}]',
      'train.hyperparameters={"gbdt":{"nEstimators":10}}',
      'train.metaLabeling.enabled=true',
      'train.cv.embargoBars=5',
    );
    const [vote, bag] = trainingPlan(config);
    const registry = createDefaultRegistry();
    const voteResult = await trainModel({ ...vote!, runDir, registry, config });
    const voteCv = JSON.parse(await readFile(join(runDir, voteResult.ensembleCv!), 'utf8'));
    expect(voteCv.members).toHaveLength(2);
    expect(voteCv.ensemble.scores.folds).toHaveLength(2);
    // Soft voting of the members' OOF: the ensemble's OOF log loss is at most the worse member's (convexity).
    expect(voteCv.ensemble.scores.logLoss).toBeLessThanOrEqual(
      Math.max(...voteCv.members.map((m: { scores: { logLoss: number } }) => m.scores.logLoss)) + 1e-9,
    );
    // The ensemble's OOF rows feed meta-labeling.
    const voteMetrics = JSON.parse(await readFile(join(runDir, 'train/vote-MES-h5/metrics.json'), 'utf8'));
    expect(voteMetrics.metaLabeling.fittedOn).toBe('oof');
    const bagResult = await trainModel({ ...bag!, runDir, registry, config });
    const bagCv = JSON.parse(await readFile(join(runDir, bagResult.ensembleCv!), 'utf8'));
    expect(bagCv.members).toHaveLength(1);
    expect(bagCv.ensemble.oof).toBeNull();
    const bagMetrics = JSON.parse(await readFile(join(runDir, 'train/bag-MES-h5/metrics.json'), 'utf8'));
    expect(bagMetrics.metaLabeling.fittedOn).toBe('val');
  });
});
