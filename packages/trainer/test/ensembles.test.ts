import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  });
});
