import { UsageError } from '@tribar/core';
import { indicatorMatrix, sequentialBootstrap } from '@tribar/labeling';
import {
  argmaxClass,
  NUM_CLASSES,
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
import { readEnsembleDir, writeEnsembleDir } from './model-dir.js';
import { selectRows } from './rows.js';
import type { ModelSpec, WindowedInput } from './stacking.js';

export const BAGGING_CARD: ModelCard = {
  name: 'bagging',
  family: 'classical',
  inputKind: 'tabular',
  description: 'Mean probability of estimators of one family, each fitted on a sequential bootstrap of the train rows (AFML §4.5)',
  handlesMissing: true,
  hyperparameters: {},
};

export interface BaggingOptions {
  registry: ModelRegistry;
  base: ModelSpec;
  /** Estimators (≥ 1). */
  estimators: number;
  /** Draws per estimator as a share of the train rows (default 1). */
  maxSamples?: number;
}

/**
 * Bagging with the sequential bootstrap (AFML §4.5, §6.3): every estimator is fitted on a sample
 * drawn by `sequentialBootstrap` of @tribar/labeling over the rows' label windows, so overlapping
 * labels — near-copies of one outcome — are drawn less often than under the standard bootstrap.
 */
export class BaggingEnsemble implements BaseModel {
  readonly name = BAGGING_CARD.name;
  readonly card = BAGGING_CARD;
  readonly members: BaseModel[];
  readonly #options: Omit<BaggingOptions, 'registry'>;
  #fitted: boolean;

  constructor(options: BaggingOptions, fitted?: BaseModel[]) {
    const { registry, ...rest } = options;
    if (!Number.isInteger(options.estimators) || options.estimators < 1)
      throw new UsageError(`bagging: estimators must be an integer ≥ 1, got ${options.estimators}`);
    const maxSamples = options.maxSamples ?? 1;
    if (!(maxSamples > 0 && maxSamples <= 1)) throw new UsageError(`bagging: maxSamples must be in (0, 1], got ${maxSamples}`);
    if (registry.card(options.base.model).inputKind !== 'tabular')
      throw new UsageError(`bagging: '${options.base.model}' is not a tabular family`);
    this.#options = rest;
    this.members =
      fitted ?? Array.from({ length: options.estimators }, () => registry.create(options.base.model, options.base.hyperparameters ?? {}));
    this.#fitted = fitted !== undefined;
  }

  async fit(train: LabeledInput | WindowedInput, options: FitOptions = {}): Promise<FitResult> {
    const windows = (train as Partial<WindowedInput>).windows;
    if (windows === undefined) {
      throw new UsageError('bagging: fit needs the train rows’ label windows (`windows`) for the sequential bootstrap', {
        hint: 'Pass { ...train, windows } (each row’s label start and end, as sample positions or bar indices).',
      });
    }
    const started = performance.now();
    const matrix = indicatorMatrix(windows.start, windows.end);
    const size = Math.max(1, Math.round(train.rows * (this.#options.maxSamples ?? 1)));
    const seed = options.seed ?? 0;
    let epochs = 0;
    for (const [i, member] of this.members.entries()) {
      options.signal?.throwIfAborted();
      const draws = sequentialBootstrap(matrix, { seed: seed + 7919 * (i + 1), size });
      const { onEpoch: _onEpoch, ...rest } = options;
      const fit = await member.fit(selectRows(train, draws), { ...rest, seed: seed + i });
      epochs += fit.epochs;
      options.logger?.info({ estimator: i, rows: size, epochs: fit.epochs }, 'bagging: estimator fitted');
    }
    this.#fitted = true;
    return {
      epochs,
      bestEpoch: epochs - 1,
      stoppedEarly: false,
      history: [],
      seconds: (performance.now() - started) / 1000,
      runtime: { estimators: this.members.length },
    };
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    const out = new Float32Array(input.rows * NUM_CLASSES);
    for (const member of this.members) {
      const p = (await member.predictProba(input)).p;
      for (let i = 0; i < out.length; i++) out[i]! += p[i]! / this.members.length;
    }
    return { rows: input.rows, p: out };
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

  static async load(dir: string, registry: ModelRegistry): Promise<BaggingEnsemble> {
    const { header, members } = await readEnsembleDir(dir, BAGGING_CARD.name, registry);
    const hp = header.hyperparameters as { base: ModelSpec; estimators: number; maxSamples: number };
    const ensemble = new BaggingEnsemble({ registry, base: hp.base, estimators: hp.estimators, maxSamples: hp.maxSamples }, members);
    ensemble.#fitted = header.extra['fitted'] === true;
    return ensemble;
  }

  describe(): ModelDescription {
    const importance: Record<string, number> = {};
    for (const member of this.members) {
      for (const [name, value] of Object.entries(member.describe().featureImportance ?? {}))
        importance[name] = (importance[name] ?? 0) + value / this.members.length;
    }
    return {
      name: this.name,
      family: this.card.family,
      inputKind: this.card.inputKind,
      hyperparameters: this.#hyperparameters(),
      fitted: this.#fitted,
      ...(Object.keys(importance).length > 0 ? { featureImportance: importance } : {}),
    };
  }

  #hyperparameters(): Record<string, unknown> {
    return { base: this.#options.base, estimators: this.#options.estimators, maxSamples: this.#options.maxSamples ?? 1 };
  }

  dispose(): void {
    for (const member of this.members) member.dispose();
  }
}
