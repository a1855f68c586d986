// XGBoostModel: the BaseModel of the xgboost family. Training runs in a worker thread; the fitted
// booster lives on the main thread (loaded from the worker's JSON), so prediction needs no worker.
import { UsageError, type Logger } from '@tribar/core';
import { readModelFile, readModelHeader, writeModelDir } from '../model-dir.js';
import { resolveHyperparameters } from '../registry.js';
import {
  NUM_CLASSES,
  type BaseModel,
  type FitOptions,
  type FitResult,
  type LabeledInput,
  type ModelCard,
  type ModelDescription,
  type ModelFactory,
  type ModelInput,
  type Probabilities,
} from '../types.js';
import { argmaxRows } from '../dense-input.js';
import { trainingWeights, XGBOOST_CARD, xgboostParams } from './card.js';
import { xgboostApi, locateXGBoost, type XGBoostApi } from './library.js';
import { NativeBooster, NativeMatrix, type MatrixData } from './native.js';
import { trainInWorker } from './thread.js';

const XGBOOST_MODEL_FILE = 'xgboost.json';

interface Fitted {
  api: XGBoostApi;
  booster: NativeBooster;
  featureNames: string[];
  bestIteration: number;
  rounds: number;
}

export class XGBoostModel implements BaseModel {
  readonly name = 'xgboost';
  readonly card: ModelCard = XGBOOST_CARD;
  readonly hyperparameters: Record<string, unknown>;
  #fitted: Fitted | undefined;
  #disposed = false;
  #runtime: Record<string, string | number | boolean> | undefined;

  /** Hyperparameters are checked against the card and completed with its defaults. */
  constructor(hyperparameters: Record<string, unknown> = {}) {
    this.hyperparameters = resolveHyperparameters(XGBOOST_CARD, hyperparameters);
  }

  async fit(train: LabeledInput, options: FitOptions = {}): Promise<FitResult> {
    this.#checkAlive();
    const cols = checkLabeled(train, 'train', undefined);
    const validation = options.validation;
    if (validation !== undefined) checkLabeled(validation, 'validation', cols);
    const featureNames = train.featureNames !== undefined ? [...train.featureNames] : Array.from({ length: cols }, (_, j) => `f${j}`);
    const hp = this.hyperparameters;
    const threads = hp.threads as number;
    const seed = options.seed ?? (hp.seed as number);
    const libraryPath = locateXGBoost();
    const started = performance.now();

    // What reaches the worker without a copy: buffers made here are transferred (moved); the caller's x is
    // shared when it lives in a SharedArrayBuffer (as @tribar/datasets allocates it) and cloned otherwise.
    const transfer: ArrayBuffer[] = [];
    const owned = (values: Float32Array): Float32Array => {
      if (values.buffer instanceof ArrayBuffer && values.byteOffset === 0 && values.byteLength === values.buffer.byteLength)
        transfer.push(values.buffer);
      return values;
    };
    const matrix = (input: LabeledInput, weights: Float32Array | undefined): MatrixData => ({
      x: input.x,
      rows: input.rows,
      cols,
      labels: owned(Float32Array.from(input.y)),
      ...(weights === undefined ? {} : { weights: weights === input.weights ? weights : owned(weights) }),
    });
    const { done, history } = await trainInWorker(
      {
        libraryPath,
        params: xgboostParams(hp, seed, validation !== undefined),
        rounds: hp.nEstimators as number,
        earlyStoppingRounds: hp.earlyStoppingRounds as number,
        restoreBest: options.restoreBest ?? validation !== undefined,
        train: matrix(train, trainingWeights(train.y, train.weights, hp.classWeights === 'balanced')),
        ...(validation !== undefined ? { validation: matrix(validation, validation.weights) } : {}),
        featureNames,
        threads,
      },
      options.onEpoch,
      options.signal,
      transfer,
    );

    const api = xgboostApi(libraryPath);
    const booster = NativeBooster.fromBuffer(api, done.model);
    setThreads(booster, threads);
    this.#release();
    this.#fitted = { api, booster, featureNames, bestIteration: done.bestEpoch, rounds: done.keptRounds };
    const seconds = (performance.now() - started) / 1000;
    this.#runtime = { library: 'xgboost', xgboostVersion: done.version, libraryPath, threads, rounds: done.keptRounds };
    log(options.logger, done.epochs, done.bestEpoch, done.stoppedBy, seconds);
    return {
      epochs: done.epochs,
      bestEpoch: done.bestEpoch,
      stoppedEarly: done.stoppedBy !== null && done.epochs < (hp.nEstimators as number),
      history,
      seconds,
      runtime: { ...this.#runtime },
    };
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    const fitted = this.#requireFitted('predictProba');
    checkInput(input, 'input', fitted.featureNames);
    const matrix = new NativeMatrix(
      fitted.api,
      { x: input.x, rows: input.rows, cols: fitted.featureNames.length },
      this.hyperparameters.threads as number,
    );
    try {
      const p = fitted.booster.predict(matrix);
      if (p.length !== input.rows * NUM_CLASSES)
        throw new UsageError(`XGBoost returned ${p.length} values for ${input.rows} rows × ${NUM_CLASSES} classes`);
      return { rows: input.rows, p };
    } finally {
      matrix.free();
    }
  }

  async predict(input: ModelInput): Promise<Uint8Array> {
    const { rows, p } = await this.predictProba(input);
    return argmaxRows(p, rows);
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
          rounds: fitted.rounds,
          xgboostVersion: fitted.api.version,
          modelFile: XGBOOST_MODEL_FILE,
        },
      },
      { [XGBOOST_MODEL_FILE]: fitted.booster.toJson() },
    );
  }

  /** Read a directory written by `save`. */
  static async load(dir: string): Promise<XGBoostModel> {
    const header = await readModelHeader(dir);
    if (header.name !== 'xgboost')
      throw new UsageError(`${dir} holds a '${header.name}' model, not xgboost`, { hint: 'Load it with ModelRegistry.load(dir).' });
    const bytes = await readModelFile(dir, XGBOOST_MODEL_FILE);
    const model = new XGBoostModel(header.hyperparameters);
    const api = xgboostApi();
    const booster = NativeBooster.fromBuffer(api, bytes);
    setThreads(booster, model.hyperparameters.threads as number);
    const rounds = booster.boostedRounds();
    const featureNames = header.featureNames ?? Array.from({ length: header.inputShape?.[0] ?? 0 }, (_, j) => `f${j}`);
    const bestIteration = typeof header.extra?.bestIteration === 'number' ? header.extra.bestIteration : rounds - 1;
    model.#fitted = { api, booster, featureNames, bestIteration, rounds };
    model.#runtime = {
      library: 'xgboost',
      xgboostVersion: api.version,
      libraryPath: api.path,
      threads: model.hyperparameters.threads as number,
      rounds,
    };
    return model;
  }

  describe(): ModelDescription {
    const description: ModelDescription = {
      name: this.name,
      family: XGBOOST_CARD.family,
      inputKind: XGBOOST_CARD.inputKind,
      hyperparameters: { ...this.hyperparameters },
      fitted: this.#fitted !== undefined,
    };
    if (this.#fitted === undefined) return description;
    const gain = this.#fitted.booster.featureScore('gain');
    // Features no tree splits on have no entry in XGBoost's score: they are worth 0.
    const importance: Record<string, number> = {};
    for (const name of this.#fitted.featureNames) importance[name] = gain.get(name) ?? 0;
    return {
      ...description,
      featureNames: this.#fitted.featureNames,
      featureImportance: importance,
      ...(this.#runtime ? { runtime: { ...this.#runtime } } : {}),
    };
  }

  dispose(): void {
    this.#release();
    this.#disposed = true;
  }

  #release(): void {
    this.#fitted?.booster.free();
    this.#fitted = undefined;
  }

  #checkAlive(): void {
    if (this.#disposed) throw new UsageError('this xgboost model was disposed', { hint: 'Create a new model.' });
  }

  #requireFitted(call: string): Fitted {
    this.#checkAlive();
    if (this.#fitted === undefined)
      throw new UsageError(`xgboost.${call}() before fit()`, { hint: 'Call fit(train) or load a saved model first.' });
    return this.#fitted;
  }
}

export const xgboostFactory: ModelFactory = {
  create: (hyperparameters = {}) => new XGBoostModel(hyperparameters),
  load: (dir) => XGBoostModel.load(dir),
};

/** nthread is not part of a saved model: set it on every booster the main thread predicts with. */
function setThreads(booster: NativeBooster, threads: number): void {
  const rc = booster.api.XGBoosterSetParam(booster.handle, 'nthread', String(threads));
  if (rc !== 0) throw new UsageError(`cannot set nthread=${threads}: ${booster.api.lastError()}`);
}

function checkInput(input: ModelInput, what: string, featureNames: readonly string[] | undefined): number {
  if (input.shape.length !== 1) {
    throw new UsageError(`xgboost takes tabular rows (shape [features]); ${what} has row shape [${input.shape.join(', ')}]`, {
      hint: 'Flatten sequence windows or use a sequence model.',
    });
  }
  const cols = input.shape[0] as number;
  if (!Number.isInteger(input.rows) || input.rows < 0 || input.x.length !== input.rows * cols) {
    throw new UsageError(`${what}.x has ${input.x.length} values, expected rows × features = ${input.rows} × ${cols}`);
  }
  if (featureNames !== undefined) {
    if (cols !== featureNames.length) {
      throw new UsageError(`${what} has ${cols} features, the model was fitted on ${featureNames.length}`, {
        hint: 'Pass the same feature columns, in the same order, as at fit time.',
      });
    }
    const given = input.featureNames;
    if (given !== undefined) {
      const j = given.findIndex((name, k) => name !== featureNames[k]);
      if (j >= 0)
        throw new UsageError(`${what} feature ${j} is '${given[j]}', the model expects '${featureNames[j]}'`, {
          hint: 'Reorder the columns as at fit time.',
        });
    }
  }
  if (input.featureNames !== undefined && input.featureNames.length !== cols) {
    throw new UsageError(`${what} names ${input.featureNames.length} features but rows have ${cols}`);
  }
  return cols;
}

function checkLabeled(input: LabeledInput, what: string, cols: number | undefined): number {
  const width = checkInput(input, what, undefined);
  if (cols !== undefined && width !== cols) {
    throw new UsageError(`${what} has ${width} features, train has ${cols}`, { hint: 'Train and validation must have the same columns.' });
  }
  if (input.rows === 0) throw new UsageError(`${what} has no rows`);
  if (input.y.length !== input.rows) throw new UsageError(`${what}.y has ${input.y.length} labels for ${input.rows} rows`);
  for (let i = 0; i < input.y.length; i++) {
    if ((input.y[i] as number) >= NUM_CLASSES) {
      throw new UsageError(`${what}.y[${i}] = ${input.y[i]} is not a class 0..${NUM_CLASSES - 1}`, {
        hint: 'Classes are trading labels + 1; drop invalid labels first.',
      });
    }
  }
  if (input.weights !== undefined) {
    if (input.weights.length !== input.rows)
      throw new UsageError(`${what}.weights has ${input.weights.length} values for ${input.rows} rows`);
    for (let i = 0; i < input.weights.length; i++) {
      const w = input.weights[i] as number;
      if (!(w >= 0) || !Number.isFinite(w)) throw new UsageError(`${what}.weights[${i}] = ${w}: weights must be finite and ≥ 0`);
    }
  }
  return width;
}

function log(logger: Logger | undefined, epochs: number, bestEpoch: number, stoppedBy: string | null, seconds: number): void {
  logger?.info({ model: 'xgboost', epochs, bestEpoch, stoppedBy, seconds: Number(seconds.toFixed(3)) }, 'xgboost fit finished');
}
