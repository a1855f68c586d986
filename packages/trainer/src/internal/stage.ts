import type { RunConfig } from '@tribar/config';
import {
  featureBars,
  labelBars,
  labelsReport,
  scaledBars,
  splitBars,
  splitSummary,
  STAGE,
  trainBetSizes,
  TRAIN_SUMMARY_VERSION,
  trainEquity,
  trainHistory,
  trainMetrics,
  trainModelDir,
  trainPredictions,
  trainServing,
  trainSummary,
  trainTrades,
  writeJsonArtifact,
  type TrainSummaryFile,
} from '@tribar/artifacts';
import { defineStage, type StageDefinition } from '@tribar/core';
import { MODEL_HEADER_FILE } from '@tribar/models';
import type { ModelRegistry } from '@tribar/models';
import { openTracker } from '@tribar/tracker';
import { resolve } from 'node:path';
import { diagnosticOutputs } from './diagnostics.js';
import { ensembleCvOutputs, type EnsembleConfig } from './ensembles.js';
import { checkTrainSection, trainModel, type TrainResult } from './train.js';

export { TRAIN_SUMMARY_VERSION };

/** `train/summary.json` (the shape is `@tribar/artifacts`' `trainSummarySchema`). */
export type TrainSummary = TrainSummaryFile;

/** Symbol × horizon × model combinations the config trains, in a stable order: the models, then the `train.ensembles`. */
export function trainingPlan(config: RunConfig): Array<{ symbol: string; horizon: number; model: string; ensemble?: EnsembleConfig }> {
  const symbols = config.train.symbols ?? config.symbols;
  const horizons = config.train.horizons ?? config.horizons;
  return symbols.flatMap((symbol) =>
    horizons.flatMap((horizon) => [
      ...config.train.models.map((model) => ({ symbol, horizon, model })),
      ...config.train.ensembles.map((ensemble) => ({ symbol, horizon, model: ensemble.name, ensemble })),
    ]),
  );
}

/** Files a series' training writes, run-relative. */
export function trainOutputs(model: string, symbol: string, horizon: number): string[] {
  return [
    trainMetrics(model, symbol, horizon).path,
    trainHistory(model, symbol, horizon).path,
    trainPredictions(model, symbol, horizon).path,
    trainEquity(model, symbol, horizon).path,
    trainTrades(model, symbol, horizon).path,
    `${trainModelDir(model, symbol, horizon)}/${MODEL_HEADER_FILE}`,
  ];
}

/**
 * Pipeline stage `train` (Phase 2), registered by the pipeline only when `train.models` is not
 * empty: every model on every configured symbol × horizon, results in `train/`, runs in the tracker.
 * The registry is passed in so the stage stays free of which families exist.
 */
export function trainStage(registry: ModelRegistry): StageDefinition<RunConfig> {
  return defineStage<RunConfig>({
    name: STAGE.train,
    description: 'Fit the configured models per symbol × horizon, evaluate on val and test, backtest with costs, track the runs.',
    dependsOn: [STAGE.features, STAGE.labelsFinal, STAGE.splits, STAGE.scale],
    version: 2,
    configKeys: ['seed', 'symbols', 'horizons', 'contracts', 'defaultContract', 'timeframes.targetMinutes', 'train'],
    inputs: (config) => [
      labelsReport.path,
      splitSummary.path,
      ...config.symbols.flatMap((s) => [featureBars(s).path, labelBars(s).path, splitBars(s).path, scaledBars(s).path]),
    ],
    outputs: (config) => [
      trainSummary.path,
      ...trainingPlan(config).flatMap((p) => [
        ...trainOutputs(p.model, p.symbol, p.horizon),
        ...(sizesBets(config) ? [trainServing(p.model, p.symbol, p.horizon).path, trainBetSizes(p.model, p.symbol, p.horizon).path] : []),
        ...(p.ensemble ? ensembleCvOutputs(p.ensemble, p.symbol, p.horizon) : []),
        // Out-of-fold predictions and importance exist for single tabular models only.
        ...(p.ensemble || !registry.has(p.model) || registry.card(p.model).inputKind !== 'tabular'
          ? []
          : diagnosticOutputs(config, p.model, p.symbol, p.horizon)),
      ]),
    ],
    async run(context) {
      const { config, logger } = context;
      checkTrainSection(registry, config.train);
      const tracker = await openTracker(resolve(config.train.tracking.dir), { logger });
      const plan = trainingPlan(config);
      const results: TrainResult[] = [];
      const metrics: Record<string, number | string | boolean> = { models: plan.length };
      for (const [i, item] of plan.entries()) {
        context.signal.throwIfAborted();
        logger.info({ ...item, step: `${i + 1}/${plan.length}` }, 'train: starting');
        results.push(
          await trainModel({
            ...item,
            runDir: context.runDir,
            registry,
            config,
            tracker,
            runId: context.runId,
            trials: config.train.models.length + config.train.ensembles.length,
            logger,
            progress: context.progress,
            signal: context.signal,
            // The link from a fit to its tracked run, and its time, live in state.json (and the log), not in artifacts.
            onFitRun: (run) => {
              const key = `${item.model}_${item.symbol}_h${item.horizon}`;
              metrics[`${key}.fitSeconds`] = Math.round(run.seconds * 100) / 100;
              if (run.trackerRunId !== null) metrics[`${key}.trackerRunId`] = run.trackerRunId;
            },
          }),
        );
      }
      const summary: TrainSummary = { version: TRAIN_SUMMARY_VERSION, results };
      await writeJsonArtifact(context.runDir, trainSummary, summary);
      for (const r of results) {
        const key = `${r.model}_${r.symbol}_h${r.horizon}`;
        metrics[`${key}.testMacroF1`] = round(r.test.macroF1);
        if (r.backtest.sharpe !== null) metrics[`${key}.sharpe`] = round(r.backtest.sharpe);
      }
      return { metrics };
    },
  });
}

/** Whether the config turns probabilities into sized positions (then each model folder carries `serving.json`). */
function sizesBets(config: RunConfig): boolean {
  const { calibration, betSizing, metaLabeling } = config.train;
  return calibration.method !== 'none' || betSizing.method !== 'none' || metaLabeling.enabled;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
