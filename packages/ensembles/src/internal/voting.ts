import { UsageError } from '@tribar/core';
import {
  argmaxClass,
  NUM_CLASSES,
  type BaseModel,
  type EpochHook,
  type FitOptions,
  type FitResult,
  type LabeledInput,
  type ModelCard,
  type ModelDescription,
  type ModelInput,
  type ModelRegistry,
  type Probabilities,
} from '@tribar/models';
import { readEnsembleDir, writeEnsembleDir } from './model-dir.js';

export const VOTING_CARD: ModelCard = {
  name: 'voting',
  family: 'classical',
  inputKind: 'tabular',
  description: 'Soft (mean probability) or hard (majority of argmax) vote of member models, with optional weights',
  handlesMissing: true,
  hyperparameters: {},
};

export interface VotingOptions {
  /** `soft`: weighted mean of the members' probabilities; `hard`: weighted share of their argmax votes. */
  voting: 'soft' | 'hard';
  /** One non-negative weight per member (default equal); normalised to sum 1. */
  weights?: readonly number[];
}

/** Normalised non-negative weights, one per member; names the member whose weight is bad. */
function memberWeights(count: number, weights: readonly number[] | undefined, caller: string): number[] {
  if (weights === undefined) return Array.from({ length: count }, () => 1 / count);
  if (weights.length !== count)
    throw new UsageError(`${caller}: ${weights.length} weights for ${count} members`, { hint: 'Give one weight per member.' });
  weights.forEach((w, i) => {
    if (!(w >= 0 && Number.isFinite(w))) throw new UsageError(`${caller}: weight ${i} is ${w}; weights must be finite and ≥ 0`);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new UsageError(`${caller}: weights sum to 0`);
  return weights.map((w) => w / total);
}

/** Fits members one after another on the same rows, summing their epochs; callbacks stay with the caller's own model, not the members. */
export async function fitMembers(
  members: readonly BaseModel[],
  train: LabeledInput,
  options: FitOptions,
  stopping?: (model: string) => EpochHook,
): Promise<FitResult> {
  const started = performance.now();
  let epochs = 0;
  for (const [i, member] of members.entries()) {
    const { onEpoch: _onEpoch, ...rest } = options;
    const fit = await member.fit(train, {
      ...rest,
      ...(options.seed !== undefined ? { seed: options.seed + i } : {}),
      ...(stopping ? { onEpoch: stopping(member.name) } : {}),
    });
    epochs += fit.epochs;
    options.logger?.info({ member: i, model: member.name, epochs: fit.epochs }, 'ensemble: member fitted');
  }
  return {
    epochs,
    bestEpoch: epochs - 1,
    stoppedEarly: false,
    history: [],
    seconds: (performance.now() - started) / 1000,
    runtime: { members: members.length },
  };
}

/** Soft or hard weighted vote of the members (sklearn's `VotingClassifier`), a model like any other: savable, loadable, described. */
export class VotingEnsemble implements BaseModel {
  readonly name = VOTING_CARD.name;
  readonly card = VOTING_CARD;
  readonly members: BaseModel[];
  readonly options: VotingOptions;
  readonly #weights: number[];
  #fitted: boolean;

  constructor(members: BaseModel[], options: VotingOptions, fitted = false) {
    if (members.length === 0) throw new UsageError('voting: needs at least one member');
    this.members = members;
    this.options = options;
    this.#weights = memberWeights(members.length, options.weights, 'voting');
    this.#fitted = fitted;
  }

  async fit(train: LabeledInput, options: FitOptions = {}): Promise<FitResult> {
    const result = await fitMembers(this.members, train, options);
    this.#fitted = true;
    return result;
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    const probabilities: Float32Array[] = [];
    for (const member of this.members) probabilities.push((await member.predictProba(input)).p);
    return { rows: input.rows, p: this.vote(probabilities, input.rows) };
  }

  /** The ensemble's probabilities from its members' (one rows × 3 array per member, in member order). */
  vote(probabilities: readonly Float32Array[], rows: number): Float32Array {
    const out = new Float32Array(rows * NUM_CLASSES);
    for (const [m, p] of probabilities.entries()) {
      const w = this.#weights[m]!;
      for (let r = 0; r < rows; r++) {
        if (this.options.voting === 'soft') {
          for (let c = 0; c < NUM_CLASSES; c++) out[r * NUM_CLASSES + c]! += w * p[r * NUM_CLASSES + c]!;
        } else {
          out[r * NUM_CLASSES + argmaxClass(p, r)]! += w;
        }
      }
    }
    return out;
  }

  async predict(input: ModelInput): Promise<Uint8Array> {
    const { p, rows } = await this.predictProba(input);
    return Uint8Array.from({ length: rows }, (_, r) => argmaxClass(p, r));
  }

  async save(dir: string): Promise<void> {
    await writeEnsembleDir(
      dir,
      { name: this.name, hyperparameters: this.#hyperparameters(), extra: { members: this.members.length, fitted: this.#fitted } },
      this.members,
    );
  }

  static async load(dir: string, registry: ModelRegistry): Promise<VotingEnsemble> {
    const { header, members } = await readEnsembleDir(dir, VOTING_CARD.name, registry);
    const hp = header.hyperparameters as { voting: 'soft' | 'hard'; weights: number[] };
    return new VotingEnsemble(members, { voting: hp.voting, weights: hp.weights }, header.extra['fitted'] === true);
  }

  describe(): ModelDescription {
    return {
      name: this.name,
      family: this.card.family,
      inputKind: this.card.inputKind,
      hyperparameters: this.#hyperparameters(),
      fitted: this.#fitted,
    };
  }

  #hyperparameters(): Record<string, unknown> {
    return { voting: this.options.voting, weights: this.#weights, members: this.members.map((m) => m.name) };
  }

  dispose(): void {
    for (const member of this.members) member.dispose();
  }
}
