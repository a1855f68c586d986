import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type RunConfig } from '@tribar/config';
import { createDefaultRegistry, GBDT_CARD } from '@tribar/models';
import { Tracker } from '@tribar/tracker';
import { ModelObjective } from '../src/internal/objective.js';
import { MedianPruner } from '../src/internal/pruners.js';
import { TpeSampler } from '../src/internal/samplers/tpe.js';
import { searchSpaceFromCard } from '../src/internal/space.js';
import { createStudy } from '../src/internal/study.js';
import { writeRunFixture } from './run-fixture.js';

let root: string;
let config: RunConfig;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tribar-tune-objective-'));
  await writeRunFixture(join(root, 'clean'));
  await writeRunFixture(join(root, 'poisoned'), { poisonTest: true });
  config = (await loadConfig({ overrides: ['symbols=["MES"]', 'horizons=[5]'] })).config;
});
afterAll(() => rm(root, { recursive: true, force: true }));

const space = searchSpaceFromCard(GBDT_CARD, {
  include: ['maxDepth', 'learningRate'],
  ranges: { maxDepth: { low: 1, high: 4 }, learningRate: { low: 0.05, high: 0.5 } },
  fixed: { nEstimators: 20 },
});

async function tune(runDir: string, folds: RunConfig['tune']['folds'], trials = 6) {
  const objective = await ModelObjective.load({
    runDir,
    symbol: 'MES',
    horizon: 5,
    model: 'gbdt',
    registry: createDefaultRegistry(),
    config,
    folds,
  });
  const study = createStudy({
    name: 'gbdt',
    space,
    sampler: new TpeSampler({ seed: 1, startupTrials: 3 }),
    pruner: new MedianPruner({ startupTrials: 2 }),
    direction: objective.direction,
  });
  await study.optimize((t) => objective.run(t), { trials });
  return { study, objective };
}

const validation = { method: 'validation', k: 5, testGroups: 2, embargoBars: 6 } as const;

describe('the model objective', () => {
  it('scores trials on val and never reads the test split: NaN test rows change nothing', async () => {
    const clean = await tune(join(root, 'clean'), validation);
    const poisoned = await tune(join(root, 'poisoned'), validation);
    const summary = (s: typeof clean.study) => s.trials.map((t) => [t.state, t.params, t.value, t.userAttrs['macroF1']]);
    expect(summary(poisoned.study)).toEqual(summary(clean.study));
    const best = clean.study.bestTrial!;
    // Val log loss of a model that learned feature0 is well below the uniform guess ln 3 ≈ 1.0986.
    expect(best.value!).toBeLessThan(1.0);
    expect(best.userAttrs['macroF1']).toBeGreaterThan(0.4);
    // The test split is read once, at the end, and the poisoned one shows it.
    const cleanTest = await clean.objective.evaluateTest(best.params, clean.study.trials.length);
    const poisonedTest = await poisoned.objective.evaluateTest(best.params, poisoned.study.trials.length);
    expect(cleanTest.test.macroF1).not.toBe(poisonedTest.test.macroF1);
    expect(cleanTest.trials).toBe(6);
    expect(cleanTest.deflatedSharpe).toBe(cleanTest.backtest.dsr);
  });

  it('deflates the test Sharpe ratio harder the more trials the study ran', async () => {
    const { study, objective } = await tune(join(root, 'clean'), validation, 3);
    const best = study.bestTrial!.params;
    const one = await objective.evaluateTest(best, 1);
    const many = await objective.evaluateTest(best, 200);
    expect(many.backtest.sharpe).toBe(one.backtest.sharpe);
    if (one.backtest.trades > 1) expect(many.deflatedSharpe).toBeLessThan(one.deflatedSharpe);
  });

  it('scores the mean over purged k-fold folds of the train split, reported fold by fold', async () => {
    const { study } = await tune(join(root, 'clean'), { method: 'purged-kfold', k: 3, testGroups: 2, embargoBars: 6 }, 3);
    const first = study.trials[0]!;
    expect(first.state).toBe('complete');
    expect([...first.intermediate.keys()]).toEqual([0, 1, 2]);
    expect(first.value).toBeCloseTo(first.intermediate.get(2)!, 12);
  });

  it('logs each trial as a child run of the parent run', async () => {
    const tracker = await Tracker.open(join(root, 'mlruns'));
    const parent = await tracker.startRun('tribar', { runName: 'study' });
    const objective = await ModelObjective.load({
      runDir: join(root, 'clean'),
      symbol: 'MES',
      horizon: 5,
      model: 'gbdt',
      registry: createDefaultRegistry(),
      config,
      tracker,
      parentRunId: parent.runId,
    });
    const study = createStudy({ name: 'tracked', space, sampler: new TpeSampler({ seed: 1 }), direction: objective.direction });
    await study.optimize((t) => objective.run(t), { trials: 2 });
    const children = (await tracker.listRuns('tribar')).filter((r) => r.tags['mlflow.parentRunId'] === parent.runId);
    expect(children.map((r) => r.runId).sort()).toEqual(study.trials.map((t) => t.userAttrs['trackerRunId']).sort());
    expect(children.map((r) => r.status)).toEqual(['FINISHED', 'FINISHED']);
    expect(children[0]!.params['hp.maxDepth']).toBeDefined();
  });
});

describe('trials in worker threads', () => {
  it('fits trials in parallel threads and lands every result in the one study, each once', async () => {
    const { TrialThreads } = await import('../src/internal/threads/pool.js');
    const runDir = join(root, 'clean');
    const threads = await TrialThreads.start(2, {
      objective: { runDir, symbol: 'MES', horizon: 5, model: 'gbdt', config, folds: validation },
    });
    try {
      const study = createStudy({
        name: 'threads',
        space,
        sampler: new TpeSampler({ seed: 1, startupTrials: 3, constantLiar: true }),
        direction: 'minimize',
      });
      await study.optimize(threads.objective(), { trials: 4, workers: 2 });
      expect(study.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete', 'complete']);
      // The same parameters score the same in a thread as here.
      const objective = await ModelObjective.load({
        runDir,
        symbol: 'MES',
        horizon: 5,
        model: 'gbdt',
        registry: createDefaultRegistry(),
        config,
        folds: validation,
      });
      const here = createStudy({ name: 'here', space, sampler: new TpeSampler({ seed: 1, startupTrials: 3 }) });
      const t = here.ask();
      const value = await objective.run({ ...here.handle(t.number), params: study.trials[0]!.params });
      expect(value).toBe(study.trials[0]!.value);
      expect(study.trials[0]!.intermediate.size).toBeGreaterThan(0);
    } finally {
      await threads.close();
    }
  });
});
