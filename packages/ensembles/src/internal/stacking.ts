import { UsageError } from '@tribar/core';
import {
  argmaxClass,
  type BaseModel,
  type FitOptions,
  type FitResult,
  type LabeledInput,
  type ModelCard,
  type ModelDescription,
  type ModelInput,
  type ModelRegistry,
  type Probabilities,
} from '@tribar/models';
import type { SampleWindows } from '@tribar/splits';
import { readEnsembleDir, writeEnsembleDir } from './model-dir.js';
import { outOfFoldPredictions, stopWithoutGain, type OofPredictions, type OofScheme } from './oof.js';
import { probabilityFeatures } from './rows.js';
import { fitMembers } from './voting.js';

export const STACKING_CARD: ModelCard = {
  name: 'stacking',
  family: 'classical',
  inputKind: 'tabular',
  description: "Meta-learner over the members' class probabilities, fitted on their out-of-fold (purged CV) predictions only",
  handlesMissing: true,
  hyperparameters: {},
};

export const BLENDING_CARD: ModelCard = {
  name: 'blending',
  family: 'classical',
  inputKind: 'tabular',
  description: "Meta-learner over the members' class probabilities, fitted on the validation split's predictions",
  handlesMissing: true,
  hyperparameters: {},
};

/** What a member or the meta-learner is: a registered family and its hyperparameters. */
export interface ModelSpec {
  model: string;
  hyperparameters?: Record<string, unknown>;
}

/** Train rows with each row's label window: what stacking and bagging need to purge. */
export type WindowedInput = LabeledInput & { windows: SampleWindows };

export interface StackingOptions {
  registry: ModelRegistry;
  members: readonly ModelSpec[];
  /** Default `{ model: 'logistic' }`. */
  metaLearner?: ModelSpec;
  /** `stacking`: meta-learner on OOF predictions of the train rows; `blending`: on the members' validation predictions. */
  mode: 'stacking' | 'blending';
  /** Stacking's purged CV (default 5-fold, no embargo). */
  scheme?: OofScheme;
  /**
   * Early stopping of the members (default off: every epoch runs): the final fits stop on the
   * validation rows, the OOF folds on an inner purged holdout of their own train rows (`holdout`
   * share, see `outOfFoldPredictions`); `patience(model)` per member family. Not saved with the model.
   */
  earlyStopping?: { holdout: number; minDelta: number; patience: (model: string) => number };
}

/** What a stacking fit's cross-validation gave: each member's OOF predictions and the ensemble's own. */
export interface StackingOutOfFold {
  members: OofPredictions[];
  /**
   * The meta-learner's purged k-fold OOF over the members' OOF probabilities (same scheme): each row's
   * probability comes from members and a meta-learner that never saw its label window.
   */
  ensemble: OofPredictions;
}

/**
 * Stacking (Wolpert 1992) and blending as one model. Stacking fits the meta-learner on the members'
 * out-of-fold probabilities of the train rows — a row's inputs never come from a member that saw its
 * label window — then refits the members on all train rows; blending fits members on train and the
 * meta-learner on their validation probabilities (so `fit` needs `validation`). Either way the
 * meta-learner never sees an in-sample prediction.
 */
export class StackingEnsemble implements BaseModel {
  readonly name: string;
  readonly card: ModelCard;
  readonly members: BaseModel[];
  meta: BaseModel;
  readonly #options: Omit<StackingOptions, 'registry'>;
  readonly #registry: ModelRegistry;
  #fitted: boolean;
  /** The meta-learner's input rows of the last fit (OOF or validation), for tests and diagnostics. */
  lastMetaRows = 0;
  /** Stacking only: the last fit's out-of-fold predictions (members' and the ensemble's); null before a fit. */
  lastOutOfFold: StackingOutOfFold | null = null;

  constructor(options: StackingOptions, fitted?: { members: BaseModel[]; meta: BaseModel }) {
    if (options.members.length === 0) throw new UsageError(`${options.mode}: needs at least one member`);
    const { registry, ...rest } = options;
    this.#registry = registry;
    this.#options = rest;
    this.card = options.mode === 'stacking' ? STACKING_CARD : BLENDING_CARD;
    this.name = this.card.name;
    const metaSpec = options.metaLearner ?? { model: 'logistic' };
    if (registry.card(metaSpec.model).inputKind !== 'tabular')
      throw new UsageError(`${this.name}: the meta-learner '${metaSpec.model}' must be a tabular family`);
    this.members = fitted?.members ?? options.members.map((m) => registry.create(m.model, m.hyperparameters ?? {}));
    this.meta = fitted?.meta ?? registry.create(metaSpec.model, metaSpec.hyperparameters ?? {});
    this.#fitted = fitted !== undefined;
  }

  async fit(train: LabeledInput | WindowedInput, options: FitOptions = {}): Promise<FitResult> {
    const started = performance.now();
    const names = this.members.map((m) => m.name);
    const seed = options.seed ?? 0;
    let metaInput: LabeledInput;
    if (this.#options.mode === 'stacking') {
      const windows = (train as Partial<WindowedInput>).windows;
      if (windows === undefined) {
        throw new UsageError('stacking: fit needs the train rows’ label windows (`windows`) to purge its out-of-fold predictions', {
          hint: 'Pass { ...train, windows } (sample positions or bar indices of each row’s label start and end).',
        });
      }
      const scheme = this.#options.scheme ?? { kind: 'kfold', folds: 5, embargo: 0 };
      const stopping = this.#options.earlyStopping;
      const oof: OofPredictions[] = [];
      for (const spec of this.#options.members) {
        oof.push(
          await outOfFoldPredictions({
            registry: this.#registry,
            model: spec.model,
            hyperparameters: spec.hyperparameters ?? {},
            input: train,
            windows,
            scheme,
            seed,
            ...(options.logger ? { logger: options.logger } : {}),
            signal: options.signal,
            ...(stopping
              ? { earlyStopping: { holdout: stopping.holdout, minDelta: stopping.minDelta, patience: stopping.patience(spec.model) } }
              : {}),
          }),
        );
      }
      metaInput = withLabels(
        probabilityFeatures(
          names,
          oof.map((o) => o.proba),
          train.rows,
        ),
        train,
      );
      const metaSpec = this.#options.metaLearner ?? { model: 'logistic' };
      const complete = oof.every((o) => o.proba.every(Number.isFinite));
      this.lastOutOfFold = complete
        ? {
            members: oof,
            ensemble: await outOfFoldPredictions({
              registry: this.#registry,
              model: metaSpec.model,
              hyperparameters: metaSpec.hyperparameters ?? {},
              input: metaInput,
              windows,
              scheme,
              seed,
              ...(options.logger ? { logger: options.logger } : {}),
              signal: options.signal,
            }),
          }
        : null;
    } else {
      if (options.validation === undefined)
        throw new UsageError('blending: fit needs validation rows (the meta-learner is fitted on them)');
    }
    const stopping = this.#options.earlyStopping;
    await fitMembers(
      this.members,
      train,
      options,
      stopping && options.validation
        ? (model) => stopWithoutGain({ minDelta: stopping.minDelta, patience: stopping.patience(model) })
        : undefined,
    );
    if (this.#options.mode === 'blending') {
      const validation = options.validation!;
      const probabilities = await Promise.all(this.members.map(async (m) => (await m.predictProba(validation)).p));
      metaInput = withLabels(probabilityFeatures(names, probabilities, validation.rows), validation);
    }
    const usable = dropIncomplete(metaInput!);
    this.lastMetaRows = usable.rows;
    const metaFit = await this.meta.fit(usable, {
      seed,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.#fitted = true;
    return {
      epochs: metaFit.epochs,
      bestEpoch: metaFit.bestEpoch,
      stoppedEarly: false,
      history: metaFit.history,
      seconds: (performance.now() - started) / 1000,
      runtime: { members: this.members.length, metaRows: usable.rows },
    };
  }

  async metaInput(input: ModelInput): Promise<ModelInput> {
    const probabilities = await Promise.all(this.members.map(async (m) => (await m.predictProba(input)).p));
    return probabilityFeatures(
      this.members.map((m) => m.name),
      probabilities,
      input.rows,
    );
  }

  /** The ensemble's probabilities from its members' (one rows × 3 array per member, in member order). */
  async combine(probabilities: readonly Float32Array[], rows: number): Promise<Float32Array> {
    return (
      await this.meta.predictProba(
        probabilityFeatures(
          this.members.map((m) => m.name),
          probabilities,
          rows,
        ),
      )
    ).p;
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    return this.meta.predictProba(await this.metaInput(input));
  }

  async predict(input: ModelInput): Promise<Uint8Array> {
    const { p, rows } = await this.predictProba(input);
    return Uint8Array.from({ length: rows }, (_, r) => argmaxClass(p, r));
  }

  async save(dir: string): Promise<void> {
    await writeEnsembleDir(
      dir,
      { name: this.name, hyperparameters: this.#hyperparameters(), extra: { members: this.members.length + 1, fitted: this.#fitted } },
      [...this.members, this.meta],
    );
  }

  static async load(dir: string, mode: 'stacking' | 'blending', registry: ModelRegistry): Promise<StackingEnsemble> {
    const { header, members } = await readEnsembleDir(dir, mode, registry);
    const hp = header.hyperparameters as { members: ModelSpec[]; metaLearner: ModelSpec; scheme?: OofScheme };
    const meta = members.pop()!;
    const ensemble = new StackingEnsemble(
      { registry, mode, members: hp.members, metaLearner: hp.metaLearner, ...(hp.scheme ? { scheme: hp.scheme } : {}) },
      { members, meta },
    );
    ensemble.#fitted = header.extra['fitted'] === true;
    return ensemble;
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
    return {
      members: this.#options.members,
      metaLearner: this.#options.metaLearner ?? { model: 'logistic' },
      ...(this.#options.mode === 'stacking' ? { scheme: this.#options.scheme ?? { kind: 'kfold', folds: 5, embargo: 0 } } : {}),
    };
  }

  dispose(): void {
    for (const member of this.members) member.dispose();
    this.meta.dispose();
  }
}

function withLabels(input: ModelInput, source: LabeledInput): LabeledInput {
  return { ...input, y: source.y, ...(source.weights ? { weights: source.weights } : {}) };
}

/** Rows whose OOF probabilities exist (a CV scheme that tests every row keeps all). */
function dropIncomplete(input: LabeledInput): LabeledInput {
  const width = input.shape[0]!;
  const keep: number[] = [];
  for (let r = 0; r < input.rows; r++) {
    let ok = true;
    for (let j = 0; j < width && ok; j++) ok = Number.isFinite(input.x[r * width + j]!);
    if (ok) keep.push(r);
  }
  if (keep.length === input.rows) return input;
  const x = new Float32Array(keep.length * width);
  const y = new Uint8Array(keep.length);
  const weights = input.weights ? new Float32Array(keep.length) : undefined;
  keep.forEach((r, i) => {
    x.set(input.x.subarray(r * width, (r + 1) * width), i * width);
    y[i] = input.y[r]!;
    if (weights) weights[i] = input.weights![r]!;
  });
  return { ...input, x, y, rows: keep.length, ...(weights ? { weights } : {}) };
}
