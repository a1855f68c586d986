import type { TrainConfig } from '@tribar/config';
import { BaggingEnsemble, StackingEnsemble, VotingEnsemble } from '@tribar/ensembles';
import type { BaseModel, ModelRegistry } from '@tribar/models';

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
