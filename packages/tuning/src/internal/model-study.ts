import { existsSync } from 'node:fs';
import { artifactPath, tuneStudyJournal, tuneStudySummary } from '@tribar/artifacts';
import type { RunConfig, TuneConfig } from '@tribar/config';
import { silentLogger, UsageError, type Logger } from '@tribar/core';
import type { ModelRegistry } from '@tribar/models';
import type { Tracker } from '@tribar/tracker';
import { JournalStorage } from './journal.js';
import { ModelObjective, type TestReport } from './objective.js';
import { HyperbandPruner, MedianPruner, NopPruner, SuccessiveHalvingPruner, type Pruner } from './pruners.js';
import { CmaEsSampler } from './samplers/cmaes.js';
import { GridSampler } from './samplers/grid.js';
import { RandomSampler, type Sampler } from './samplers/sampler.js';
import { TpeSampler } from './samplers/tpe.js';
import { searchSpaceFromCard, type SpaceOverrides } from './space.js';
import { createStudy, type Objective, type Study } from './study.js';
import { RedisTrials } from './redis/coordinator.js';
import { MODEL_OBJECTIVE, type ModelTrialSetup } from './redis/model-worker.js';
import { TrialThreads } from './threads/pool.js';
import { studySummary, writeStudySummary, type StudySummary } from './summary.js';
import type { FrozenTrial } from './trial.js';

export interface ModelStudyOptions {
  runDir: string;
  /** Run id of the Phase 1 run, recorded in the study. */
  runId: string;
  symbol: string;
  horizon: number;
  model: string;
  registry: ModelRegistry;
  config: RunConfig;
  /** The `tune:` section in effect (command-line choices applied). */
  tune: TuneConfig;
  /** Folder of the journal and the summary (absolute). */
  studiesDir: string;
  /** Study name; default `<model>-<symbol>-h<horizon>`. */
  name?: string;
  /** Continue the study's journal; without it an existing journal is refused. */
  resume?: boolean;
  tracker?: Tracker;
  logger?: Logger;
  onTrial?: (trial: FrozenTrial, study: Study) => void;
  signal?: AbortSignal;
  /**
   * `redis://host:port`: trials go to the BullMQ queue named after the study and `tribar worker`s
   * take them; `tune.workers` is then how many trials are queued at once.
   */
  redis?: string;
}

export interface ModelStudyResult {
  study: Study;
  journal: string;
  summaryFile: string;
  summary: StudySummary;
  test: TestReport | null;
}

/** The sampler the config names, seeded from the run's seed. */
export function samplerFor(tune: TuneConfig, seed: number): Sampler {
  switch (tune.sampler) {
    case 'random':
      return new RandomSampler(seed);
    case 'grid':
      return new GridSampler(seed);
    case 'cmaes':
      return new CmaEsSampler({ seed });
    case 'tpe':
      return new TpeSampler({
        seed,
        startupTrials: tune.tpe.startupTrials,
        eiCandidates: tune.tpe.eiCandidates,
        multivariate: tune.tpe.multivariate,
        // Parallel workers would otherwise sample the same promising point: running trials count as bad ones.
        constantLiar: tune.workers > 1,
      });
  }
}

/** The pruner the config names; Hyperband's largest budget is the model's epochs (or folds). */
export function prunerFor(tune: TuneConfig, maxEpochs: number): Pruner {
  switch (tune.pruner) {
    case 'none':
      return new NopPruner();
    case 'median':
      return new MedianPruner();
    case 'successive-halving':
      return new SuccessiveHalvingPruner();
    case 'hyperband':
      return new HyperbandPruner({ minResource: 1, maxResource: Math.max(maxEpochs, 1) });
  }
}

/** Journal and summary paths of a study. */
export function studyFiles(studiesDir: string, name: string): { journal: string; summary: string } {
  return { journal: artifactPath(studiesDir, tuneStudyJournal(name)), summary: artifactPath(studiesDir, tuneStudySummary(name)) };
}

/**
 * Tune one model on one symbol × horizon of a Phase 1 run: the space from its card and
 * `tune.space.<model>`, the sampler and pruner of `tune`, trials journaled under `studiesDir`, each
 * a tracked child run of the study's parent run; then the best trial's test metrics once and
 * the deflated Sharpe ratio with N = the study's trials, written with the study summary.
 */
export async function runModelStudy(options: ModelStudyOptions): Promise<ModelStudyResult> {
  const { config, tune, registry } = options;
  const logger = (options.logger ?? silentLogger()).child({ component: 'tuning' });
  const card = registry.card(options.model);
  const name = options.name ?? `${card.name}-${options.symbol}-h${options.horizon}`;
  const files = studyFiles(options.studiesDir, name);
  if (existsSync(files.journal) && !options.resume) {
    throw new UsageError(`study '${name}' already has a journal: ${files.journal}`, {
      hint: 'Pass --resume to continue it, or delete the journal to start over.',
    });
  }
  const overrides = (tune.space[card.name] ??
    Object.entries(tune.space).find(([k]) => registry.has(k) && registry.card(k).name === card.name)?.[1] ??
    {}) as SpaceOverrides;
  const space = searchSpaceFromCard(card, overrides);
  const tracker = options.tracker;
  const parent = tracker
    ? await tracker.startRun(config.train.tracking.experiment, {
        runName: `tune ${name}`,
        tags: {
          'tribar.study': name,
          'tribar.model': card.name,
          'tribar.symbol': options.symbol,
          'tribar.horizon': String(options.horizon),
        },
      })
    : undefined;
  const objective = await ModelObjective.load({
    runDir: options.runDir,
    symbol: options.symbol,
    horizon: options.horizon,
    model: card.name,
    registry,
    config,
    metric: tune.metric,
    folds: tune.folds,
    logger,
    ...(tracker && parent ? { tracker, parentRunId: parent.runId } : {}),
  });
  const maxEpochs =
    tune.folds.method === 'validation'
      ? Number(
          card.hyperparameters['nEstimators']?.default ??
            card.hyperparameters['maxEpochs']?.default ??
            card.hyperparameters['maxIter']?.default ??
            100,
        )
      : tune.folds.k;
  const study = createStudy({
    name,
    space,
    sampler: samplerFor(tune, config.seed),
    pruner: prunerFor(tune, maxEpochs),
    direction: objective.direction,
    storage: new JournalStorage(files.journal, { logger }),
    seed: config.seed,
    meta: {
      runId: options.runId,
      model: card.name,
      symbol: options.symbol,
      horizon: options.horizon,
      metric: tune.metric,
      folds: tune.folds.method,
      trials: tune.trials,
    },
    logger,
  });
  const setup: ModelTrialSetup = {
    objective: {
      runDir: options.runDir,
      symbol: options.symbol,
      horizon: options.horizon,
      model: card.name,
      config,
      metric: tune.metric,
      folds: tune.folds,
    },
    ...(tracker && parent ? { trackingDir: tracker.root, parentRunId: parent.runId } : {}),
  };
  // Over Redis, workers anywhere fit the trials; else more than one worker fits them in worker
  // threads here, each with its own copy of the data.
  const remote = options.redis
    ? await RedisTrials.connect({ url: options.redis, study: name, kind: MODEL_OBJECTIVE, setup, logger })
    : undefined;
  const threads = !remote && tune.workers > 1 ? await TrialThreads.start(tune.workers, setup) : undefined;
  const run: Objective = remote ? remote.objective() : threads ? threads.objective() : (trial) => objective.run(trial);
  try {
    await study.optimize(run, {
      trials: tune.trials,
      workers: tune.workers,
      ...(options.onTrial ? { onTrial: options.onTrial } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const best = study.bestTrial;
    let test: TestReport | null = null;
    if (best) {
      const finished = study.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
      const perBar = study.trials.map((t) => t.userAttrs['sharpePerBar']).filter((v): v is number => typeof v === 'number');
      const variance = perBar.length > 1 ? sampleVariance(perBar) : undefined;
      test = await objective.evaluateTest(best.params, finished.length, variance);
      logger.info(
        { event: 'tune.test', study: name, trial: best.number, ...test.test, dsr: test.deflatedSharpe, trials: test.trials },
        'best trial scored on test',
      );
    }
    const summary = studySummary(study, test);
    await writeStudySummary(files.summary, summary);
    if (parent) {
      await parent.logParams({ study: name, sampler: study.sampler.name, pruner: study.pruner.name, trials: study.trials.length });
      if (best?.value !== undefined) await parent.logMetrics({ best_value: best.value });
      if (test)
        await parent.logMetrics(
          finiteOnly({
            test_log_loss: test.test.logLoss,
            test_macro_f1: test.test.macroF1,
            test_sharpe: test.backtest.sharpe,
            test_dsr: test.deflatedSharpe,
          }),
        );
      await parent.end('FINISHED');
    }
    return { study, journal: files.journal, summaryFile: files.summary, summary, test };
  } catch (error) {
    await parent?.end('FAILED');
    throw error;
  } finally {
    await threads?.close();
    await remote?.close();
    study.close();
  }
}

function sampleVariance(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
}

function finiteOnly(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)));
}
