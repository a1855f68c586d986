import type { RunConfig } from '@tribar/config';
import { trainImportance, trainOof, writeJsonArtifact, type TrainImportanceFile } from '@tribar/artifacts';
import type { Logger, ProgressReporter } from '@tribar/core';
import type { DataModule } from '@tribar/datasets';
import { meanDecreaseAccuracy, meanDecreaseImpurity, outOfFoldPredictions, singleFeatureImportance } from '@tribar/ensembles';
import { isSequenceSource, type BaseModel, type LabeledRows, type ModelRegistry } from '@tribar/models';
import { sampleWindows } from './inputs.js';
import { writePredictions } from './outputs.js';

/** Files the diagnostics of one fit write, run-relative, by the config (none by default). */
export function diagnosticOutputs(config: RunConfig, model: string, symbol: string, horizon: number): string[] {
  return [
    ...(config.train.outOfFold.enabled ? [trainOof(model, symbol, horizon).path] : []),
    ...(config.train.importance.methods.length > 0 ? [trainImportance(model, symbol, horizon).path] : []),
  ];
}

/**
 * `oof.arrow` and `importance.json` of a single tabular model (ensembles and sequence models have
 * neither): purged k-fold over the train rows' label windows with the `train.cv` embargo, so a
 * row's OOF probability and a fold's importance never come from a model that saw its label window.
 */
export async function writeDiagnostics(options: {
  config: RunConfig;
  runDir: string;
  registry: ModelRegistry;
  model: BaseModel;
  name: string;
  hyperparameters: Record<string, unknown>;
  symbol: string;
  horizon: number;
  data: DataModule;
  train: LabeledRows;
  logger: Logger;
  progress: ProgressReporter;
  signal?: AbortSignal | undefined;
  /** The train rows' out-of-fold probabilities when the caller already computed them (same scheme), else computed here. */
  oof?: Float32Array;
}): Promise<string[]> {
  const { config, runDir, name, symbol, horizon, data, train } = options;
  const { outOfFold, importance } = config.train;
  if ((!outOfFold.enabled && importance.methods.length === 0) || isSequenceSource(train)) return [];
  const windows = sampleWindows(data.train.rowIndex, data.market.labelEndIndex);
  const embargo = config.train.cv.embargoBars;
  const common = {
    registry: options.registry,
    model: name,
    hyperparameters: options.hyperparameters,
    input: train,
    windows,
    seed: config.seed,
    logger: options.logger,
    progress: options.progress,
    signal: options.signal,
  };
  const written: string[] = [];
  if (outOfFold.enabled) {
    const p = options.oof ?? (await outOfFoldPredictions({ ...common, scheme: { kind: 'kfold', folds: outOfFold.folds, embargo } })).proba;
    const artifact = trainOof(name, symbol, horizon);
    await writePredictions(runDir, artifact, [{ split: 'train', dataset: data.train, input: train, proba: { rows: train.rows, p } }]);
    written.push(artifact.path);
  }
  if (importance.methods.length > 0) {
    const cv = { ...common, folds: importance.folds, embargo };
    const file: TrainImportanceFile = {
      folds: importance.folds,
      embargo,
      mda: importance.methods.includes('mda') ? await meanDecreaseAccuracy(cv) : null,
      sfi: importance.methods.includes('sfi') ? await singleFeatureImportance(cv) : null,
      mdi: importance.methods.includes('mdi') ? meanDecreaseImpurity(options.model) : null,
    };
    const artifact = trainImportance(name, symbol, horizon);
    await writeJsonArtifact(runDir, artifact, file);
    written.push(artifact.path);
  }
  return written;
}
