import { ArtifactError, Rng, silentLogger, UsageError } from '@tribar/core';
import type { AdamOptimizer, NamedTensorMap, Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import { argmaxRows, balancedClassWeights, checkLabels, lastAxisNames, weightedLogLoss } from '../dense-input.js';
import { readModelFile, readModelHeader, writeModelDir } from '../model-dir.js';
import { resolveHyperparameters } from '../registry.js';
import { selectTfjsBackend } from '../tfjs/backend.js';
import { sequenceThreads, sequenceTrainThreads } from '../tfjs/wasm-threads.js';
import type { Tfjs } from '../tfjs/backend.js';
import { NUM_CLASSES } from '../types.js';
import type {
  BaseModel,
  EpochLog,
  FitOptions,
  FitResult,
  LabeledInput,
  LabeledRows,
  ModelCard,
  ModelDescription,
  ModelFactory,
  ModelRows,
  Probabilities,
} from '../types.js';
import { decodeWeights, encodeWeights, WEIGHTS_BIN, WEIGHTS_JSON } from './format.js';
import type { ForwardContext, Weights } from './layers.js';
import { engineParams, ParamBuilder } from './params.js';
import type { ParamInit } from './params.js';
import { clipByGlobalNorm, inference, lastLogits, predictBatch, shareGradients } from './batch.js';
import { PredictPool } from './predict-pool.js';
import { MIN_PARALLEL_TRAIN, TrainPool } from './train-pool.js';
import type { TrainShare } from './train-pool.js';
import { windowReader } from './rows.js';
import type { WindowReader } from './rows.js';

/** Windows per forward pass when predicting (bounded memory whatever the row count). */
const PREDICT_CHUNK = 1024;
/** Training windows whose variable-selection weights make a family's feature importance. */
const IMPORTANCE_ROWS = 2048;

/**
 * A sequence family is a card, its parameters and a forward function on tfjs ops; the engine owns
 * everything else (backend, seeded init, batches, loss, Adam, clipping, callbacks, save/load).
 */
export interface SequenceFamily {
  card: ModelCard;
  /** Whether the output at step t depends on steps ≤ t only (e.g. false for a bidirectional LSTM). */
  causal(hp: Record<string, unknown>): boolean;
  /** Reject hyperparameters that do not fit the row shape (throw a `UsageError` naming them). */
  check?(hp: Record<string, unknown>, steps: number, features: number): void;
  params(p: ParamBuilder, hp: Record<string, unknown>, steps: number, features: number): void;
  /**
   * Logits of a batch x [b, steps, features]: [b, steps, 3] for families that classify every step
   * (the window's class is the last step's), or [b, 3].
   */
  forward(tf: Tfjs, w: Weights, x: Tensor3D, hp: Record<string, unknown>, ctx: ForwardContext): Tensor2D | Tensor3D;
  /**
   * Most windows one inference pass may hold (default PREDICT_CHUNK): families whose inner batch is
   * larger than the window count (PatchTST runs windows × features series) bound their memory here.
   */
  windowsPerPass?(hp: Record<string, unknown>, steps: number, features: number): number;
  /** Per-feature importance of a batch, [features] summing to 1 (TFT's variable-selection weights). */
  importance?(tf: Tfjs, w: Weights, x: Tensor3D, hp: Record<string, unknown>): Tensor1D;
}

interface Fitted {
  tf: Tfjs;
  variables: Variable[];
  names: string[];
  weights: Map<string, Tensor>;
  steps: number;
  features: number;
  featureNames: string[];
  featureImportance?: Record<string, number>;
  runtime: Record<string, string | number | boolean>;
  /** The worker threads predicting for this model (started by the first large predict), or undefined where they cannot run. */
  pool?: Promise<PredictPool | undefined>;
}

export class SequenceModel implements BaseModel {
  readonly name: string;
  readonly card: ModelCard;
  readonly hyperparameters: Record<string, unknown>;
  readonly #family: SequenceFamily;
  #fitted: Fitted | undefined;
  #disposed = false;

  constructor(family: SequenceFamily, hyperparameters: Record<string, unknown> = {}) {
    this.#family = family;
    this.card = family.card;
    this.name = family.card.name;
    this.hyperparameters = resolveHyperparameters(family.card, hyperparameters);
  }

  /** Whether the output at step t ignores later steps with these hyperparameters. */
  get causal(): boolean {
    return this.#family.causal(this.hyperparameters);
  }

  async fit(train: LabeledRows, options: FitOptions<LabeledRows> = {}): Promise<FitResult> {
    this.#checkUsable();
    const started = performance.now();
    const name = this.name;
    const logger = (options.logger ?? silentLogger()).child({ model: name });
    const reader = windowReader(train, `${name}.fit`);
    // checkLabels and lastAxisNames read rows, shape, y, weights and featureNames only.
    checkLabels(train as LabeledInput, `${name}.fit`);
    if (reader.rows === 0) throw new UsageError(`${name}.fit: no training rows`, { hint: 'Fit on at least one labeled window.' });
    const featureNames = lastAxisNames(train as LabeledInput);
    const { steps, features } = reader;
    const validation = options.validation;
    let valReader: WindowReader | undefined;
    if (validation !== undefined) {
      valReader = windowReader(validation, `${name}.fit validation`);
      checkLabels(validation as LabeledInput, `${name}.fit validation`);
      if (valReader.steps !== steps || valReader.features !== features) {
        throw new UsageError(
          `${name}.fit: validation windows are ${valReader.steps} × ${valReader.features}, train ${steps} × ${features}`,
          {
            hint: 'Validate on windows of the same lookback and feature columns.',
          },
        );
      }
    }
    const hp = this.hyperparameters;
    this.#family.check?.(hp, steps, features);
    const ep = engineParams(hp);
    const seed = options.seed ?? ep.seed;
    const rng = new Rng(seed);
    const shuffleRng = rng.fork(`${name}/shuffle`);
    const dropoutRng = rng.fork(`${name}/dropout`);
    const builder = new ParamBuilder(rng.fork(`${name}/init`));
    this.#family.params(builder, hp, steps, features);

    const { tf, backend, threads } = await selectTfjsBackend({ logger });
    logger.info(
      { backend, threads, steps, features, rows: reader.rows, parameters: builder.params.reduce((a, p) => a + p.values.length, 0) },
      `${name}: fit starts`,
    );

    // Balanced class weights unless sample weights are given (as the mlp does).
    const rowWeight = new Float32Array(reader.rows);
    if (train.weights !== undefined) rowWeight.set(train.weights);
    else {
      const cw = ep.classWeights === 'balanced' ? balancedClassWeights(train.y) : new Float64Array(NUM_CLASSES).fill(1);
      for (let i = 0; i < reader.rows; i++) rowWeight[i] = cw[train.y[i] as number] as number;
    }

    this.#release();
    const fitted = this.#materialise(tf, builder.params, { steps, features, featureNames, runtime: {} });
    const optimizer = tf.train.adam(ep.learningRate, 0.9, 0.999, 1e-8);
    // tfjs keeps the rate in a protected field that applyGradients reads on every step.
    const adam = optimizer as unknown as { learningRate: number } & AdamOptimizer;
    const batchSize = Math.min(ep.batchSize, reader.rows);
    const width = steps * features;
    const xBuffer = new Float32Array(batchSize * width);
    const yBuffer = new Float32Array(batchSize * NUM_CLASSES);
    const wBuffer = new Float32Array(batchSize);
    const order = new Int32Array(reader.rows);
    for (let i = 0; i < reader.rows; i++) order[i] = i;

    const history: EpochLog[] = [];
    const restoreBest = options.restoreBest ?? validation !== undefined;
    let best: { epoch: number; loss: number; weights: Float32Array[] } | undefined;
    let stoppedEarly = false;
    let learningRate = options.initialLearningRate ?? ep.learningRate;
    const pool = await this.#trainPool(backend, builder.params, reader.rows * width, steps, features, logger);
    try {
      for (let epoch = 0; epoch < ep.maxEpochs; epoch++) {
        const epochStarted = performance.now();
        adam.learningRate = learningRate;
        shuffleRng.shuffle(order);
        // The weighted loss sum stays on the device and is read once per epoch (a read per batch would sync every step).
        let lossSum: Scalar | undefined;
        let weightSum = 0;
        for (let start = 0; start < reader.rows; start += batchSize) {
          options.signal?.throwIfAborted();
          const n = Math.min(batchSize, reader.rows - start);
          const positions = order.subarray(start, start + n);
          reader.read(positions, xBuffer);
          yBuffer.fill(0, 0, n * NUM_CLASSES);
          let batchWeight = 0;
          for (let r = 0; r < n; r++) {
            const row = positions[r] as number;
            yBuffer[r * NUM_CLASSES + (train.y[row] as number)] = 1;
            wBuffer[r] = rowWeight[row] as number;
            batchWeight += rowWeight[row] as number;
          }
          if (batchWeight === 0) continue;
          const batchSeed = dropoutRng.int(0, 0x3fffffff);
          if (pool !== undefined && n >= 2 * (pool.replicas + 1)) {
            const share = (a: number, b: number, seed: number): TrainShare => ({
              n: b - a,
              x: xBuffer.slice(a * width, b * width),
              y: yBuffer.slice(a * NUM_CLASSES, b * NUM_CLASSES),
              w: wBuffer.slice(a, b),
              batchWeight,
              dropout: ep.dropout,
              seed,
            });
            const parts = pool.replicas + 1;
            const bound = (k: number): number => Math.floor((k * n) / parts);
            const remote = pool.gradients(
              fitted.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array)),
              Array.from({ length: pool.replicas }, (_, k) => share(bound(k + 1), bound(k + 2), batchSeed + k + 1)),
            );
            // share 0 here while the replicas compute theirs
            const local = tf.tidy(() =>
              shareGradients(tf, this.#family, fitted.variables, fitted.weights, hp, share(0, bound(1), batchSeed), steps, features),
            );
            try {
              const replies = await remote;
              tf.tidy(() => {
                const grads: NamedTensorMap = {};
                fitted.variables.forEach((v, i) => {
                  let g = tf.clone(local.grads[v.name] as Tensor);
                  for (const r of replies) g = tf.add(g, tf.tensor(r.grads[i] as Float32Array, v.shape));
                  grads[v.name] = g;
                });
                const clipped = ep.gradClipNorm > 0 ? clipByGlobalNorm(tf, grads, ep.gradClipNorm) : grads;
                optimizer.applyGradients(clipped as unknown as Parameters<typeof optimizer.applyGradients>[0]);
                const value = replies.reduce<Scalar>((a, r) => tf.add(a, r.loss), local.value);
                const next = tf.add(tf.mul(value, batchWeight), lossSum ?? 0) as Scalar;
                lossSum?.dispose();
                lossSum = tf.keep(next);
                weightSum += batchWeight;
              });
            } finally {
              tf.dispose([local.value, ...Object.values(local.grads)]);
            }
            continue;
          }
          let calls = 0;
          const ctx: ForwardContext = {
            training: true,
            dropout: (x, rate = ep.dropout) => (rate > 0 ? (tf.dropout(x, rate, undefined, batchSeed + 7919 * calls++) as typeof x) : x),
            attentionDropout: (rate = ep.dropout) => (rate > 0 ? { rate, seed: batchSeed + 7919 * calls++ } : undefined),
          };
          tf.tidy(() => {
            const xs = tf.tensor3d(xBuffer.subarray(0, n * width), [n, steps, features]);
            const ys = tf.tensor2d(yBuffer.subarray(0, n * NUM_CLASSES), [n, NUM_CLASSES]);
            const ws = tf.tensor1d(wBuffer.subarray(0, n));
            const { value, grads } = tf.variableGrads(() => {
              const logits = lastLogits(tf, this.#family.forward(tf, fitted.weights, xs, hp, ctx));
              const ce = tf.neg(tf.sum(tf.mul(ys, tf.logSoftmax(logits)), 1));
              return tf.div(tf.sum(tf.mul(ce, ws)), batchWeight) as Scalar;
            }, fitted.variables);
            const clipped = ep.gradClipNorm > 0 ? clipByGlobalNorm(tf, grads, ep.gradClipNorm) : grads;
            // variableGrads keys grads by variable name, which applyGradients accepts at run time.
            optimizer.applyGradients(clipped as unknown as Parameters<typeof optimizer.applyGradients>[0]);
            const next = tf.add(tf.mul(value, batchWeight), lossSum ?? 0) as Scalar;
            lossSum?.dispose();
            lossSum = tf.keep(next);
            weightSum += batchWeight;
          });
        }
        const trainLoss = lossSum === undefined ? Number.NaN : (lossSum.dataSync()[0] as number) / weightSum;
        lossSum?.dispose();
        const log: EpochLog = { epoch, trainLoss, learningRate, elapsedMs: 0 };
        if (validation !== undefined && valReader !== undefined) {
          const p = this.#predictWith(fitted, valReader);
          const { loss, accuracy } = weightedLogLoss(p, validation.y, validation.weights);
          log.valLoss = loss;
          log.valAccuracy = accuracy;
          if (restoreBest && (best === undefined || loss < best.loss)) best = { epoch, loss, weights: snapshot(fitted) };
        }
        log.elapsedMs = performance.now() - epochStarted;
        history.push(log);
        logger.debug({ ...log }, `${name}: epoch ${epoch}`);
        const control = options.onEpoch?.(log);
        if (control?.learningRate !== undefined) learningRate = control.learningRate;
        if (control?.stop === true) {
          stoppedEarly = true;
          break;
        }
      }
    } catch (error) {
      disposeFitted(fitted);
      throw error;
    } finally {
      optimizer.dispose();
      await pool?.dispose();
    }
    let bestEpoch = history.length - 1;
    if (restoreBest && best !== undefined) {
      restore(tf, fitted, best.weights);
      bestEpoch = best.epoch;
    }
    fitted.runtime = {
      backend,
      ...(threads !== undefined ? { threads } : {}),
      ...(pool !== undefined ? { trainThreads: pool.replicas + 1 } : {}),
      tfjs: tf.version.tfjs,
    };
    const importance = this.#importance(fitted, reader);
    if (importance !== undefined) fitted.featureImportance = importance;
    this.#fitted = fitted;
    logger.info({ epochs: history.length, bestEpoch, backend }, `${name} fitted`);
    return {
      epochs: history.length,
      bestEpoch,
      stoppedEarly,
      history,
      seconds: (performance.now() - started) / 1000,
      runtime: fitted.runtime,
    };
  }

  async predictProba(input: ModelRows): Promise<Probabilities> {
    const fitted = this.#requireFitted();
    const reader = windowReader(input, `${this.name}.predict`);
    if (reader.steps !== fitted.steps || reader.features !== fitted.features) {
      throw new UsageError(
        `${this.name}.predict: windows are ${reader.steps} × ${reader.features}, the model was fitted on ${fitted.steps} × ${fitted.features}`,
        { hint: 'Predict with the same feature columns and lookback the model was trained on.' },
      );
    }
    const threads = sequenceThreads();
    const chunk = this.#chunk(fitted, reader.rows);
    const backend = fitted.tf.getBackend();
    // Threads pay for their start and the chunk copies only with a full chunk for each of them.
    if (threads > 1 && reader.rows >= threads * PREDICT_CHUNK && (backend === 'wasm' || backend === 'cpu') && (await this.#registered())) {
      fitted.pool ??= PredictPool.start(threads, {
        family: this.name,
        backend,
        hyperparameters: this.hyperparameters,
        params: snapshotParams(fitted),
        steps: fitted.steps,
        features: fitted.features,
      }).catch(() => undefined); // a family the workers do not know, or no worker threads: one thread
      const pool = await fitted.pool;
      if (pool !== undefined) {
        const p = new Float32Array(reader.rows * NUM_CLASSES);
        await pool.predict(reader, chunk, p);
        return { rows: reader.rows, p };
      }
    }
    return { rows: reader.rows, p: this.#predictWith(fitted, reader) };
  }

  /** Worker threads that predict large inputs for this model: 1 until a large predict started them, or where they cannot run. */
  async predictThreads(): Promise<number> {
    return (await this.#fitted?.pool)?.threads ?? 1;
  }

  async predict(input: ModelRows): Promise<Uint8Array> {
    const { p, rows } = await this.predictProba(input);
    return argmaxRows(p, rows);
  }

  /**
   * Logits of every step, [rows × steps × 3] (families that classify every step), for checking
   * causality: with a causal family, step t's logits do not depend on steps after t.
   */
  stepLogits(input: ModelRows): Float32Array {
    const fitted = this.#requireFitted();
    const reader = windowReader(input, `${this.name}.stepLogits`);
    const x = new Float32Array(reader.rows * reader.steps * reader.features);
    const all = new Int32Array(reader.rows);
    for (let i = 0; i < reader.rows; i++) all[i] = i;
    reader.read(all, x);
    const { tf } = fitted;
    const out = tf.tidy(() =>
      this.#family.forward(
        tf,
        fitted.weights,
        tf.tensor3d(x, [reader.rows, reader.steps, reader.features]),
        this.hyperparameters,
        inference,
      ),
    );
    if (out.rank !== 3) {
      out.dispose();
      throw new UsageError(`${this.name} classifies the whole window only; it has no per-step outputs`);
    }
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return Float32Array.from(values);
  }

  async save(dir: string): Promise<void> {
    const fitted = this.#requireFitted();
    const { json, bin } = encodeWeights(this.name, snapshotParams(fitted));
    await writeModelDir(
      dir,
      {
        name: this.name,
        hyperparameters: this.hyperparameters,
        featureNames: fitted.featureNames,
        inputShape: [fitted.steps, fitted.features],
        extra: { runtime: fitted.runtime, ...(fitted.featureImportance ? { featureImportance: fitted.featureImportance } : {}) },
      },
      { [WEIGHTS_JSON]: json, [WEIGHTS_BIN]: bin },
    );
  }

  /** Load a directory that `save` wrote for this family. */
  async loadInto(dir: string): Promise<void> {
    const header = await readModelHeader(dir);
    if (header.name !== this.name) {
      throw new ArtifactError(`holds a '${header.name}' model, not ${this.name}`, dir, { hint: 'Load it through the registry.' });
    }
    const shape = header.inputShape;
    if (shape?.length !== 2) throw new ArtifactError('header lacks a [steps, features] inputShape', dir, { hint: 'Save the model again.' });
    const [steps, features] = shape as [number, number];
    const params = decodeWeights(
      this.name,
      (await readModelFile(dir, WEIGHTS_JSON)).toString('utf8'),
      await readModelFile(dir, WEIGHTS_BIN),
      `${dir}/${WEIGHTS_JSON}`,
    );
    const expected = new ParamBuilder(new Rng(0));
    this.#family.params(expected, this.hyperparameters, steps, features);
    const mismatch =
      expected.params.length !== params.length ||
      expected.params.some((p, k) => p.name !== params[k]!.name || p.shape.join('x') !== params[k]!.shape.join('x'));
    if (mismatch) {
      throw new ArtifactError('weights do not match the hyperparameters and input shape in the header', `${dir}/${WEIGHTS_JSON}`, {
        hint: 'Save the model again.',
      });
    }
    const { tf, backend, threads } = await selectTfjsBackend();
    const saved = (header.extra?.['runtime'] ?? {}) as Record<string, string | number | boolean>;
    const featureNames = header.featureNames ?? Array.from({ length: features }, (_, j) => `f${j}`);
    this.#release();
    const fitted = this.#materialise(tf, params, {
      steps,
      features,
      featureNames,
      runtime: { ...saved, backend, ...(threads !== undefined ? { threads } : {}) },
    });
    const importance = header.extra?.['featureImportance'] as Record<string, number> | undefined;
    if (importance !== undefined) fitted.featureImportance = importance;
    this.#fitted = fitted;
  }

  describe(): ModelDescription {
    const fitted = this.#fitted;
    const base: ModelDescription = {
      name: this.name,
      family: this.card.family,
      inputKind: this.card.inputKind,
      hyperparameters: structuredClone(this.hyperparameters),
      fitted: fitted !== undefined,
    };
    if (fitted === undefined) return base;
    const parameters = fitted.variables.reduce((a, v) => a + v.size, 0);
    return {
      ...base,
      featureNames: fitted.featureNames,
      ...(fitted.featureImportance ? { featureImportance: { ...fitted.featureImportance } } : {}),
      runtime: { ...fitted.runtime, parameters, inputShape: `${fitted.steps} × ${fitted.features}` },
    };
  }

  dispose(): void {
    this.#release();
    this.#disposed = true;
  }

  #release(): void {
    if (this.#fitted !== undefined) disposeFitted(this.#fitted);
    void this.#fitted?.pool?.then((pool) => pool?.dispose());
    this.#fitted = undefined;
  }

  #materialise(tf: Tfjs, params: readonly ParamInit[], rest: Pick<Fitted, 'steps' | 'features' | 'featureNames' | 'runtime'>): Fitted {
    const variables = params.map((p) => tf.variable(tf.tensor(p.values, p.shape), true));
    const weights = new Map<string, Tensor>(params.map((p, k) => [p.name, variables[k] as Tensor]));
    return { tf, variables, names: params.map((p) => p.name), weights, ...rest };
  }

  /**
   * Replicas for data-parallel training (TRIBAR_SEQUENCE_TRAIN_THREADS − 1) for a fit of at least MIN_PARALLEL_TRAIN
   * values of a registered family on wasm or cpu; undefined (one thread) otherwise or where they cannot start (logged).
   */
  async #trainPool(
    backend: string,
    params: readonly ParamInit[],
    values: number,
    steps: number,
    features: number,
    logger: ReturnType<typeof silentLogger>,
  ): Promise<TrainPool | undefined> {
    const replicas = sequenceTrainThreads() - 1;
    if (replicas < 1 || values < MIN_PARALLEL_TRAIN || (backend !== 'wasm' && backend !== 'cpu') || !(await this.#registered()))
      return undefined;
    try {
      const pool = await TrainPool.start(replicas, {
        role: 'train',
        family: this.name,
        backend,
        hyperparameters: this.hyperparameters,
        params: [...params],
        steps,
        features,
      });
      logger.info({ threads: replicas + 1 }, `${this.name}: training on ${replicas + 1} threads`);
      return pool;
    } catch (error) {
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, `${this.name}: training on one thread`);
      return undefined;
    }
  }

  /** Whether the family is the registered one of its name (the pool's workers run the registered family by name). */
  async #registered(): Promise<boolean> {
    // imported when needed: index.ts re-exports this module
    const { SEQUENCE_FAMILIES } = await import('./index.js');
    return SEQUENCE_FAMILIES.includes(this.#family);
  }

  /** Windows per forward pass when predicting `rows` windows (the family's bound, at most PREDICT_CHUNK). */
  #chunk(fitted: Fitted, rows: number): number {
    const perPass = this.#family.windowsPerPass?.(this.hyperparameters, fitted.steps, fitted.features) ?? PREDICT_CHUNK;
    return Math.max(1, Math.min(PREDICT_CHUNK, perPass, rows));
  }

  #predictWith(fitted: Fitted, reader: WindowReader): Float32Array {
    const { tf, steps, features } = fitted;
    const out = new Float32Array(reader.rows * NUM_CLASSES);
    const chunk = this.#chunk(fitted, reader.rows);
    const buffer = new Float32Array(chunk * steps * features);
    const positions = new Int32Array(chunk);
    for (let start = 0; start < reader.rows; start += chunk) {
      const n = Math.min(chunk, reader.rows - start);
      for (let i = 0; i < n; i++) positions[i] = start + i;
      reader.read(positions.subarray(0, n), buffer);
      out.set(predictBatch(tf, this.#family, fitted.weights, this.hyperparameters, buffer, n, steps, features), start * NUM_CLASSES);
    }
    return out;
  }

  #importance(fitted: Fitted, reader: WindowReader): Record<string, number> | undefined {
    const importance = this.#family.importance;
    if (importance === undefined) return undefined;
    const { tf, steps, features } = fitted;
    const n = Math.min(IMPORTANCE_ROWS, reader.rows);
    const positions = new Int32Array(n);
    for (let i = 0; i < n; i++) positions[i] = Math.floor((i * reader.rows) / n);
    const x = new Float32Array(n * steps * features);
    reader.read(positions, x);
    const t = tf.tidy(() => importance(tf, fitted.weights, tf.tensor3d(x, [n, steps, features]), this.hyperparameters));
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return Object.fromEntries(fitted.featureNames.map((f, j) => [f, values[j] as number]));
  }

  #checkUsable(): void {
    if (this.#disposed) throw new UsageError(`${this.name} model was disposed`, { hint: 'Create a new model.' });
  }

  #requireFitted(): Fitted {
    this.#checkUsable();
    if (this.#fitted === undefined) {
      throw new UsageError(`${this.name} model is not fitted`, {
        hint: 'Call fit(train) (or load a saved model) before predicting or saving.',
      });
    }
    return this.#fitted;
  }
}

function snapshot(fitted: Fitted): Float32Array[] {
  return fitted.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

function snapshotParams(fitted: Fitted): ParamInit[] {
  return fitted.variables.map((v, k) => ({
    name: fitted.names[k] as string,
    shape: [...v.shape],
    values: Float32Array.from(v.dataSync() as Float32Array),
  }));
}

function restore(tf: Tfjs, fitted: Fitted, weights: readonly Float32Array[]): void {
  fitted.variables.forEach((v, k) => tf.tidy(() => v.assign(tf.tensor(weights[k] as Float32Array, v.shape))));
}

function disposeFitted(fitted: Fitted): void {
  for (const v of fitted.variables) v.dispose();
}

/** The registry factory of a family. */
export function sequenceFactory(family: SequenceFamily): ModelFactory {
  return {
    create: (hyperparameters) => new SequenceModel(family, hyperparameters),
    load: async (dir) => {
      const header = await readModelHeader(dir);
      const model = new SequenceModel(family, header.hyperparameters);
      await model.loadInto(dir);
      return model;
    },
  };
}
