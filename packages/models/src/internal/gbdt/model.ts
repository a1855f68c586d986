// GbdtModel: the BaseModel of the gbdt family — Tribar's own histogram GBDT in TypeScript.
import { UsageError, type Logger } from '@tribar/core';
import { readModelFile, readModelHeader, writeModelDir } from '../model-dir.js';
import { resolveHyperparameters } from '../registry.js';
import { argmaxRows, checkLabels, checkShapeMatches, lastAxisNames, rowWidth } from '../dense-input.js';
import { trainingWeights } from '../xgboost/card.js';
import type {
  BaseModel,
  FitOptions,
  FitResult,
  LabeledInput,
  ModelCard,
  ModelDescription,
  ModelFactory,
  ModelInput,
  Probabilities,
} from '../types.js';
import { boost, predictMargins, softmaxRows, type Ensemble } from './booster.js';
import { GBDT_CARD, gbdtParams } from './card.js';
import { ensembleFromJson, ensembleToJson, ensembleToXGBoostJson, GBDT_MODEL_FILE, XGBOOST_EXPORT_FILE } from './format.js';
import { workersFor } from './pool.js';

interface Fitted {
  ensemble: Ensemble;
  featureNames: string[];
  bestIteration: number;
}

export type ImportanceType = 'gain' | 'split';

export class GbdtModel implements BaseModel {
  readonly name = 'gbdt';
  readonly card: ModelCard = GBDT_CARD;
  readonly hyperparameters: Record<string, unknown>;
  #fitted: Fitted | undefined;
  #disposed = false;
  #runtime: Record<string, string | number | boolean> | undefined;

  /** Hyperparameters are checked against the card and completed with its defaults. */
  constructor(hyperparameters: Record<string, unknown> = {}) {
    this.hyperparameters = resolveHyperparameters(GBDT_CARD, hyperparameters);
    const hp = gbdtParams(this.hyperparameters);
    if (hp.maxDepth === 0 && hp.growPolicy !== 'leafwise') {
      throw new UsageError(`gbdt.maxDepth = 0 (no limit) needs growPolicy 'leafwise', not '${hp.growPolicy}'`, {
        hint: 'Give depthwise and symmetric trees a maxDepth of 1 or more.',
      });
    }
  }

  async fit(train: LabeledInput, options: FitOptions = {}): Promise<FitResult> {
    this.#checkAlive();
    const cols = checkTabular(train, 'gbdt.fit train');
    checkLabels(train, 'gbdt.fit train');
    if (train.rows === 0) throw new UsageError('gbdt.fit: train has no rows', { hint: 'Give at least one labeled row.' });
    const validation = options.validation;
    if (validation !== undefined) {
      if (checkTabular(validation, 'gbdt.fit validation') !== cols) {
        throw new UsageError(`gbdt.fit: validation has ${validation.shape[0]} features, train has ${cols}`, {
          hint: 'Train and validation must have the same columns.',
        });
      }
      checkLabels(validation, 'gbdt.fit validation');
    }
    const featureNames = lastAxisNames(train);
    const hp = gbdtParams(this.hyperparameters);
    const params = { ...hp, seed: options.seed ?? hp.seed };
    const workers = workersFor(hp.workers, train.rows, cols);
    const started = performance.now();
    const result = await boost(
      params,
      {
        x: train.x,
        rows: train.rows,
        cols,
        y: train.y,
        weights: trainingWeights(train.y, train.weights, hp.classWeights === 'balanced'),
      },
      {
        validation:
          validation === undefined
            ? undefined
            : { x: validation.x, rows: validation.rows, cols, y: validation.y, weights: validation.weights },
        onRound: (log) => options.onEpoch?.(log)?.stop === true,
        restoreBest: options.restoreBest ?? validation !== undefined,
        signal: options.signal,
        threads: workers,
      },
    );
    const rounds = result.ensemble.trees.length / 3;
    this.#fitted = { ensemble: result.ensemble, featureNames, bestIteration: Math.min(result.bestEpoch, rounds - 1) };
    this.#runtime = { library: 'tribar-gbdt', growPolicy: hp.growPolicy, rounds, bins: result.binned.totalBins };
    const seconds = (performance.now() - started) / 1000;
    log(options.logger, result.epochs, result.bestEpoch, result.stoppedBy, seconds);
    return {
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedBy !== null && result.epochs < hp.nEstimators,
      history: result.history,
      seconds,
      runtime: { ...this.#runtime },
    };
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    const fitted = this.#requireFitted('predictProba');
    checkShapeMatches(input, [fitted.featureNames.length], 'gbdt');
    const margins = predictMargins(fitted.ensemble, input.x, input.rows);
    const p = new Float64Array(margins.length);
    softmaxRows(margins, p);
    return { rows: input.rows, p: Float32Array.from(p) };
  }

  async predict(input: ModelInput): Promise<Uint8Array> {
    const { rows, p } = await this.predictProba(input);
    return argmaxRows(p, rows);
  }

  /** Per feature: the total gain of its splits ('gain', LightGBM's) or how many splits use it ('split'). */
  featureImportance(type: ImportanceType = 'gain'): Record<string, number> {
    const fitted = this.#requireFitted('featureImportance');
    const totals = new Float64Array(fitted.featureNames.length);
    for (const tree of fitted.ensemble.trees) {
      for (let n = 0; n < tree.value.length; n++) {
        if ((tree.left[n] as number) < 0) continue;
        const f = tree.feature[n] as number;
        totals[f] = (totals[f] as number) + (type === 'gain' ? (tree.gain[n] as number) : 1);
      }
    }
    return Object.fromEntries(fitted.featureNames.map((name, j) => [name, totals[j] as number]));
  }

  /** The model in XGBoost's JSON format (what `save` writes as xgboost.json). */
  toXGBoostJson(): string {
    const fitted = this.#requireFitted('toXGBoostJson');
    return ensembleToXGBoostJson(fitted.ensemble, fitted.featureNames, fitted.bestIteration);
  }

  async save(dir: string): Promise<void> {
    const fitted = this.#requireFitted('save');
    await writeModelDir(
      dir,
      {
        name: this.name,
        hyperparameters: { ...this.hyperparameters },
        featureNames: fitted.featureNames,
        inputShape: [fitted.featureNames.length],
        extra: {
          bestIteration: fitted.bestIteration,
          rounds: fitted.ensemble.trees.length / 3,
          modelFile: GBDT_MODEL_FILE,
          xgboostFile: XGBOOST_EXPORT_FILE,
        },
      },
      { [GBDT_MODEL_FILE]: ensembleToJson(fitted.ensemble), [XGBOOST_EXPORT_FILE]: this.toXGBoostJson() },
    );
  }

  /** Read a directory written by `save`. */
  static async load(dir: string): Promise<GbdtModel> {
    const header = await readModelHeader(dir);
    if (header.name !== 'gbdt')
      throw new UsageError(`${dir} holds a '${header.name}' model, not gbdt`, { hint: 'Load it with ModelRegistry.load(dir).' });
    const bytes = await readModelFile(dir, GBDT_MODEL_FILE);
    const ensemble = ensembleFromJson(bytes.toString('utf8'), `${dir}/${GBDT_MODEL_FILE}`);
    const model = new GbdtModel(header.hyperparameters);
    const rounds = ensemble.trees.length / 3;
    const featureNames = header.featureNames ?? Array.from({ length: ensemble.numFeatures }, (_, j) => `f${j}`);
    const bestIteration = typeof header.extra?.bestIteration === 'number' ? header.extra.bestIteration : rounds - 1;
    model.#fitted = { ensemble, featureNames, bestIteration };
    model.#runtime = { library: 'tribar-gbdt', growPolicy: String(model.hyperparameters.growPolicy), rounds };
    return model;
  }

  describe(): ModelDescription {
    const description: ModelDescription = {
      name: this.name,
      family: GBDT_CARD.family,
      inputKind: GBDT_CARD.inputKind,
      hyperparameters: { ...this.hyperparameters },
      fitted: this.#fitted !== undefined,
    };
    if (this.#fitted === undefined) return description;
    return {
      ...description,
      featureNames: this.#fitted.featureNames,
      featureImportance: this.featureImportance('gain'),
      ...(this.#runtime ? { runtime: { ...this.#runtime } } : {}),
    };
  }

  dispose(): void {
    this.#fitted = undefined;
    this.#disposed = true;
  }

  #checkAlive(): void {
    if (this.#disposed) throw new UsageError('this gbdt model was disposed', { hint: 'Create a new model.' });
  }

  #requireFitted(call: string): Fitted {
    this.#checkAlive();
    if (this.#fitted === undefined)
      throw new UsageError(`gbdt.${call}() before fit()`, { hint: 'Call fit(train) or load a saved model first.' });
    return this.#fitted;
  }
}

export const gbdtFactory: ModelFactory = {
  create: (hyperparameters = {}) => new GbdtModel(hyperparameters),
  load: (dir) => GbdtModel.load(dir),
};

function checkTabular(input: ModelInput, where: string): number {
  if (input.shape.length !== 1) {
    throw new UsageError(`${where}: gbdt takes tabular rows (shape [features]), not [${input.shape.join(', ')}]`, {
      hint: 'Flatten sequence windows or use a sequence model.',
    });
  }
  return rowWidth(input, where);
}

function log(logger: Logger | undefined, epochs: number, bestEpoch: number, stoppedBy: string | null, seconds: number): void {
  logger?.info({ model: 'gbdt', epochs, bestEpoch, stoppedBy, seconds: Number(seconds.toFixed(3)) }, 'gbdt fit finished');
}
