import type { TrainConfig } from '@tribar/config';
import { trainEnsembleCv, trainEnsembleMemberOof, trainOof, writeJsonArtifact, type TrainEnsembleCvFile } from '@tribar/artifacts';
import { UsageError, type Logger } from '@tribar/core';
import type { DataModule } from '@tribar/datasets';
import {
  BaggingEnsemble,
  outOfFoldPredictions,
  StackingEnsemble,
  VotingEnsemble,
  type OofPredictions,
  type OofSplit,
} from '@tribar/ensembles';
import type { BaseModel, LabeledInput, ModelRegistry } from '@tribar/models';
import type { SampleWindows } from '@tribar/splits';
import { classificationMetrics } from './metrics/classification.js';
import { writePredictions } from './outputs.js';

/** One entry of `train.ensembles`. */
export type EnsembleConfig = TrainConfig['ensembles'][number];

/**
 * The ensemble an entry of `train.ensembles` describes, unfitted; each member (and the
 * meta-learner) takes its hyperparameters from `train.hyperparameters`, as a single model would.
 * Stacking's out-of-fold predictions use purged k-fold with the `train.cv` embargo.
 */
export function buildEnsemble(
  spec: EnsembleConfig,
  registry: ModelRegistry,
  train: TrainConfig,
  hyperparametersOf: (model: string) => Record<string, unknown>,
  patienceOf: (model: string) => number,
): BaseModel {
  const member = (model: string) => ({ model, hyperparameters: hyperparametersOf(model) });
  switch (spec.kind) {
    case 'voting':
      return new VotingEnsemble(
        spec.members.map((m) => registry.create(m, hyperparametersOf(m))),
        { voting: spec.voting, ...(spec.weights ? { weights: spec.weights } : {}) },
      );
    case 'stacking':
    case 'blending':
      return new StackingEnsemble({
        registry,
        mode: spec.kind,
        members: spec.members.map(member),
        metaLearner: member(spec.metaLearner),
        scheme: { kind: 'kfold', folds: spec.folds, embargo: train.cv.embargoBars },
        // Members stop early: the final fits on val, each OOF fold on its own inner purged holdout (never its test rows).
        earlyStopping: { holdout: OOF_HOLDOUT, minDelta: train.earlyStopping.minDelta, patience: patienceOf },
      });
    case 'bagging':
      return new BaggingEnsemble({ registry, base: member(spec.members[0]!), estimators: spec.estimators, maxSamples: spec.maxSamples });
  }
}

/** What `train.ensembles` (and `train.metaLabeling`) cannot check alone: members are registered tabular families, names are free, bagging has one base. */
export function ensembleProblems(registry: ModelRegistry, train: TrainConfig): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, spec] of train.ensembles.entries()) {
    const where = `train.ensembles[${i}] (${spec.name})`;
    if (registry.has(spec.name)) problems.push(`${where}: the name is a registered model; pick another`);
    if (names.has(spec.name)) problems.push(`${where}: the name is used twice`);
    names.add(spec.name);
    for (const model of [...spec.members, ...(spec.kind === 'stacking' || spec.kind === 'blending' ? [spec.metaLearner] : [])]) {
      if (!registry.has(model)) problems.push(`${where}: '${model}' is not a registered model`);
      else if (registry.card(model).inputKind !== 'tabular') problems.push(`${where}: '${model}' is not a tabular family`);
    }
    if (spec.kind === 'bagging' && spec.members.length !== 1) problems.push(`${where}: bagging takes exactly one member (its base family)`);
    if (spec.kind === 'voting' && spec.weights !== undefined && spec.weights.length !== spec.members.length) {
      problems.push(`${where}: ${spec.weights.length} weights for ${spec.members.length} members`);
    }
  }
  const secondary = train.metaLabeling.secondary;
  if (train.metaLabeling.enabled && (!registry.has(secondary) || registry.card(secondary).inputKind !== 'tabular')) {
    problems.push(`train.metaLabeling.secondary: '${secondary}' is not a registered tabular model`);
  }
  return problems;
}

/** Share of each OOF fold's train rows held out (last in time, purged) to stop its fit early. */
const OOF_HOLDOUT = 0.2;

/** Out-of-fold predictions of an ensemble's members and of the ensemble itself (null for bagging). */
export interface EnsembleOutOfFold {
  members: OofPredictions[];
  ensemble: Float32Array | null;
}

/**
 * The OOF predictions of a fitted ensemble's members under purged k-fold (`spec.folds`, the `train.cv`
 * embargo, early stopping on each fold's inner purged holdout) and the ensemble's own: stacking reuses
 * what its fit computed (the meta-learner's own purged k-fold over the members' OOF); voting votes the
 * members' OOF; blending's meta-learner (fitted on val, never on a train row) combines them. Bagging's
 * estimators each need a sequential bootstrap of their fold's label windows: its own OOF is null.
 */
export async function ensembleOutOfFold(options: {
  spec: EnsembleConfig;
  ensemble: BaseModel;
  registry: ModelRegistry;
  train: TrainConfig;
  hyperparametersOf: (model: string) => Record<string, unknown>;
  patienceOf: (model: string) => number;
  input: LabeledInput;
  windows: SampleWindows;
  seed: number;
  logger: Logger;
  signal?: AbortSignal | undefined;
}): Promise<EnsembleOutOfFold> {
  const { spec, ensemble } = options;
  if (ensemble instanceof StackingEnsemble && spec.kind === 'stacking') {
    const oof = ensemble.lastOutOfFold;
    if (oof === null) throw new UsageError(`stacking '${spec.name}': no out-of-fold predictions after its fit`);
    return { members: oof.members, ensemble: oof.ensemble.proba };
  }
  const members: OofPredictions[] = [];
  for (const model of spec.members) {
    members.push(
      await outOfFoldPredictions({
        registry: options.registry,
        model,
        hyperparameters: options.hyperparametersOf(model),
        input: options.input,
        windows: options.windows,
        scheme: { kind: 'kfold', folds: spec.folds, embargo: options.train.cv.embargoBars },
        seed: options.seed,
        logger: options.logger,
        signal: options.signal,
        earlyStopping: { holdout: OOF_HOLDOUT, minDelta: options.train.earlyStopping.minDelta, patience: options.patienceOf(model) },
      }),
    );
  }
  const probabilities = members.map((m) => m.proba);
  const rows = options.input.rows;
  if (ensemble instanceof VotingEnsemble) return { members, ensemble: ensemble.vote(probabilities, rows) };
  if (ensemble instanceof StackingEnsemble) return { members, ensemble: await ensemble.combine(probabilities, rows) };
  return { members, ensemble: null };
}

/** Out-of-fold scores of `proba` over all rows and per split's test rows. */
function oofScores(y: Uint8Array, proba: Float32Array, splits: readonly OofSplit[]) {
  const all = classificationMetrics(y, proba);
  return {
    logLoss: all.logLoss,
    macroF1: all.macroF1,
    folds: splits.map((split, fold) => {
      const yFold = Uint8Array.from(split.test, (r) => y[r]!);
      const pFold = new Float32Array(split.test.length * 3);
      split.test.forEach((r, k) => pFold.set(proba.subarray(r * 3, r * 3 + 3), k * 3));
      const m = classificationMetrics(yFold, pFold);
      return {
        fold,
        trainRows: split.train.length,
        testRows: split.test.length,
        purged: split.purged,
        embargoed: split.embargoed,
        epochs: split.epochs,
        logLoss: m.logLoss,
        macroF1: m.macroF1,
      };
    }),
  };
}

/**
 * Writes an ensemble fit's CV files: each member's `oof-members/<i>-<member>.arrow`, the ensemble's own
 * `oof.arrow` (when it has one) and `cv.json` with per-fold scores; returns `cv.json`'s run-relative path.
 */
export async function writeEnsembleCv(options: {
  runDir: string;
  spec: EnsembleConfig;
  symbol: string;
  horizon: number;
  data: DataModule;
  train: LabeledInput;
  embargo: number;
  oof: EnsembleOutOfFold;
  val: { logLoss: number; macroF1: number };
}): Promise<string> {
  const { runDir, spec, symbol, horizon, data, train, oof } = options;
  const file: TrainEnsembleCvFile = {
    kind: spec.kind,
    scheme: { kind: 'kfold', folds: spec.folds, embargo: options.embargo },
    earlyStoppingHoldout: OOF_HOLDOUT,
    members: [],
    ensemble: { oof: null, scores: null, val: options.val },
  };
  for (const [index, member] of oof.members.entries()) {
    const artifact = trainEnsembleMemberOof(spec.name, symbol, horizon, index, spec.members[index]!);
    await writePredictions(runDir, artifact, [
      { split: 'train', dataset: data.train, input: train, proba: { rows: train.rows, p: member.proba } },
    ]);
    file.members.push({ index, model: spec.members[index]!, oof: artifact.path, scores: oofScores(train.y, member.proba, member.splits) });
  }
  if (oof.ensemble !== null) {
    const artifact = trainOof(spec.name, symbol, horizon);
    await writePredictions(runDir, artifact, [
      { split: 'train', dataset: data.train, input: train, proba: { rows: train.rows, p: oof.ensemble } },
    ]);
    file.ensemble.oof = artifact.path;
    file.ensemble.scores = oofScores(train.y, oof.ensemble, oof.members[0]!.splits);
  }
  const cv = trainEnsembleCv(spec.name, symbol, horizon);
  await writeJsonArtifact(runDir, cv, file);
  return cv.path;
}

/** Files an ensemble fit's CV writes (see `writeEnsembleCv`), run-relative. */
export function ensembleCvOutputs(spec: EnsembleConfig, symbol: string, horizon: number): string[] {
  return [
    trainEnsembleCv(spec.name, symbol, horizon).path,
    ...(spec.kind === 'bagging' ? [] : [trainOof(spec.name, symbol, horizon).path]),
    ...spec.members.map((member, i) => trainEnsembleMemberOof(spec.name, symbol, horizon, i, member).path),
  ];
}
