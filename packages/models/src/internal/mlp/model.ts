import { ArtifactError, Rng, silentLogger, UsageError } from '@tribar/core';
import type { AdamOptimizer, Scalar } from '@tensorflow/tfjs';
import { readModelFile, readModelHeader, writeModelDir } from '../model-dir.js';
import { selectTfjsBackend } from '../tfjs/backend.js';
import type { Tfjs } from '../tfjs/backend.js';
import { NUM_CLASSES } from '../types.js';
import type {
  BaseModel,
  EpochLog,
  FitOptions,
  FitResult,
  LabeledInput,
  ModelDescription,
  ModelFactory,
  ModelInput,
  Probabilities,
} from '../types.js';
import {
  argmaxRows,
  balancedClassWeights,
  checkLabels,
  checkShapeMatches,
  lastAxisNames,
  rowWidth,
  weightedLogLoss,
} from '../dense-input.js';
import { MLP_CARD, resolveMlpParams } from './card.js';
import type { MlpParams } from './card.js';
import { createNetwork, disposeNetwork, forward, initialWeights, predictRows, restore, snapshot } from './network.js';
import type { Network } from './network.js';
import { fromTfjsFiles, toTfjsFiles } from './tfjs-format.js';

interface Fitted {
  tf: Tfjs;
  network: Network;
  inputShape: number[];
  featureNames: string[];
  runtime: Record<string, string | number | boolean>;
}

/** Copy rows `order[start..end)` (or start..end) of x into `into`, NaN → 0 (the scaled features' centre). */
function fillRows(x: Float32Array, width: number, start: number, end: number, into: Float32Array, order?: Uint32Array): void {
  for (let r = start; r < end; r++) {
    const row = order === undefined ? r : (order[r] as number);
    const from = row * width;
    const to = (r - start) * width;
    for (let j = 0; j < width; j++) {
      const v = x[from + j] as number;
      into[to + j] = v === v ? v : 0;
    }
  }
}

export class MlpModel implements BaseModel {
  readonly name = 'mlp';
  readonly card = MLP_CARD;
  readonly hyperparameters: MlpParams;
  #fitted: Fitted | undefined;
  #disposed = false;

  constructor(hyperparameters: Record<string, unknown> = {}) {
    this.hyperparameters = resolveMlpParams(hyperparameters);
  }

  async fit(train: LabeledInput, options: FitOptions = {}): Promise<FitResult> {
    this.#checkUsable();
    const started = performance.now();
    const logger = options.logger ?? silentLogger();
    const width = rowWidth(train, 'mlp.fit');
    checkLabels(train, 'mlp.fit');
    if (train.rows === 0) throw new UsageError('mlp.fit: no training rows', { hint: 'Fit on at least one labeled row.' });
    const featureNames = lastAxisNames(train);
    const validation = options.validation;
    if (validation !== undefined) {
      checkLabels(validation, 'mlp.fit validation');
      checkShapeMatches(validation, train.shape, 'mlp.fit validation');
    }
    const { tf, backend } = await selectTfjsBackend({ logger });
    const hp = this.hyperparameters;
    const seed = options.seed ?? hp.seed;
    const rng = new Rng(seed);
    const shuffleRng = rng.fork('mlp/shuffle');
    const dropoutRng = rng.fork('mlp/dropout');

    // §14.2: balanced class weights in the loss, but with sample weights a per-sample-weighted mean instead.
    const rowWeight = new Float32Array(train.rows);
    if (train.weights !== undefined) rowWeight.set(train.weights);
    else {
      const cw = hp.classWeights === 'balanced' ? balancedClassWeights(train.y) : new Float64Array(NUM_CLASSES).fill(1);
      for (let i = 0; i < train.rows; i++) rowWeight[i] = cw[train.y[i] as number] as number;
    }

    if (this.#fitted !== undefined) disposeNetwork(this.#fitted.network);
    this.#fitted = undefined;
    const sizes = [width, ...hp.hiddenUnits, NUM_CLASSES];
    const network = createNetwork(tf, sizes, initialWeights(sizes, seed));
    const optimizer = tf.train.adam(hp.learningRate, 0.9, 0.999, 1e-8);
    // tfjs keeps the rate in a protected field that applyGradients reads on every step.
    const adam = optimizer as unknown as { learningRate: number } & AdamOptimizer;
    const batchSize = Math.min(hp.batchSize, train.rows);
    const xBuffer = new Float32Array(batchSize * width);
    const yBuffer = new Float32Array(batchSize * NUM_CLASSES);
    const wBuffer = new Float32Array(batchSize);
    const order = new Uint32Array(train.rows);
    for (let i = 0; i < train.rows; i++) order[i] = i;

    const history: EpochLog[] = [];
    const restoreBest = options.restoreBest ?? validation !== undefined;
    let best: { epoch: number; loss: number; weights: Float32Array[] } | undefined;
    let stoppedEarly = false;
    let learningRate = options.initialLearningRate ?? hp.learningRate;
    try {
      for (let epoch = 0; epoch < hp.maxEpochs; epoch++) {
        const epochStarted = performance.now();
        adam.learningRate = learningRate;
        shuffleRng.shuffle(order);
        // The weighted loss sum stays on the device and is read once per epoch: a read per batch
        // would wait for every step to finish (a full sync on tfjs-node-gpu).
        let lossSum: Scalar | undefined;
        let weightSum = 0;
        for (let start = 0; start < train.rows; start += batchSize) {
          options.signal?.throwIfAborted();
          const end = Math.min(start + batchSize, train.rows);
          const n = end - start;
          fillRows(train.x, width, start, end, xBuffer, order);
          yBuffer.fill(0, 0, n * NUM_CLASSES);
          let batchWeight = 0;
          for (let r = 0; r < n; r++) {
            const row = order[start + r] as number;
            yBuffer[r * NUM_CLASSES + (train.y[row] as number)] = 1;
            wBuffer[r] = rowWeight[row] as number;
            batchWeight += rowWeight[row] as number;
          }
          if (batchWeight === 0) continue;
          const dropSeed = dropoutRng.int(0, 0x3fffffff);
          const decay = 1 - learningRate * hp.weightDecay;
          tf.tidy(() => {
            const xs = tf.tensor2d(xBuffer.subarray(0, n * width), [n, width]);
            const ys = tf.tensor2d(yBuffer.subarray(0, n * NUM_CLASSES), [n, NUM_CLASSES]);
            const ws = tf.tensor1d(wBuffer.subarray(0, n));
            const { value, grads } = optimizer.computeGradients(() => {
              const logits = forward(tf, network, xs, { rate: hp.dropout, seed: dropSeed });
              const ce = tf.neg(tf.sum(tf.mul(ys, tf.logSoftmax(logits)), 1));
              return tf.div(tf.sum(tf.mul(ce, ws)), batchWeight) as Scalar;
            }, network.variables);
            // AdamW (decoupled weight decay, as torch.optim.AdamW): shrink every parameter before the Adam step.
            if (decay !== 1) for (const v of network.variables) v.assign(tf.mul(v, decay));
            // computeGradients keys grads by variable name, which applyGradients accepts at run time.
            optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
            const next = tf.add(tf.mul(value, batchWeight), lossSum ?? 0) as Scalar;
            lossSum?.dispose();
            lossSum = tf.keep(next);
            weightSum += batchWeight;
          });
        }
        const trainLoss = lossSum === undefined ? Number.NaN : (lossSum.dataSync()[0] as number) / weightSum;
        lossSum?.dispose();
        const log: EpochLog = { epoch, trainLoss, learningRate, elapsedMs: 0 };
        if (validation !== undefined) {
          const p = predictRows(tf, network, validation.rows, width, (s, e, into) => fillRows(validation.x, width, s, e, into));
          const { loss, accuracy } = weightedLogLoss(p, validation.y, validation.weights);
          log.valLoss = loss;
          log.valAccuracy = accuracy;
          if (restoreBest && (best === undefined || loss < best.loss)) best = { epoch, loss, weights: snapshot(network) };
        }
        log.elapsedMs = performance.now() - epochStarted;
        history.push(log);
        const control = options.onEpoch?.(log);
        if (control?.learningRate !== undefined) learningRate = control.learningRate;
        if (control?.stop === true) {
          stoppedEarly = true;
          break;
        }
      }
    } catch (error) {
      disposeNetwork(network);
      throw error;
    } finally {
      optimizer.dispose();
    }
    let bestEpoch = history.length - 1;
    if (restoreBest && best !== undefined) {
      restore(tf, network, best.weights);
      bestEpoch = best.epoch;
    }
    const runtime = { backend, tfjs: tf.version.tfjs };
    this.#fitted = { tf, network, inputShape: [...train.shape], featureNames, runtime };
    logger.info({ model: 'mlp', epochs: history.length, bestEpoch, backend }, 'mlp fitted');
    return { epochs: history.length, bestEpoch, stoppedEarly, history, seconds: (performance.now() - started) / 1000, runtime };
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    const { tf, network, inputShape } = this.#requireFitted();
    checkShapeMatches(input, inputShape, 'mlp');
    const width = network.sizes[0] as number;
    return { rows: input.rows, p: predictRows(tf, network, input.rows, width, (s, e, into) => fillRows(input.x, width, s, e, into)) };
  }

  async predict(input: ModelInput): Promise<Uint8Array> {
    const { p, rows } = await this.predictProba(input);
    return argmaxRows(p, rows);
  }

  async save(dir: string): Promise<void> {
    const { tf, network, inputShape, featureNames, runtime } = this.#requireFitted();
    const { modelJson, weightsBin } = await toTfjsFiles(tf, inputShape, network.sizes, this.hyperparameters.dropout, snapshot(network));
    await writeModelDir(
      dir,
      {
        name: 'mlp',
        hyperparameters: { ...this.hyperparameters, hiddenUnits: [...this.hyperparameters.hiddenUnits] },
        featureNames,
        inputShape,
        extra: { runtime },
      },
      { 'tfjs/model.json': modelJson, 'tfjs/weights.bin': weightsBin },
    );
  }

  static async load(dir: string): Promise<MlpModel> {
    const header = await readModelHeader(dir);
    if (header.name !== 'mlp')
      throw new ArtifactError(`holds a '${header.name}' model, not mlp`, dir, { hint: 'Load it through the registry.' });
    const model = new MlpModel(header.hyperparameters);
    const inputShape = header.inputShape;
    if (inputShape === undefined) throw new ArtifactError('header lacks inputShape', dir, { hint: 'Save the model again.' });
    const { tf, backend } = await selectTfjsBackend();
    const weights = await fromTfjsFiles(
      tf,
      (await readModelFile(dir, 'tfjs/model.json')).toString('utf8'),
      await readModelFile(dir, 'tfjs/weights.bin'),
    );
    const sizes = [inputShape.reduce((a, b) => a * b, 1), ...model.hyperparameters.hiddenUnits, NUM_CLASSES];
    if (
      weights.length !== 2 * (sizes.length - 1) ||
      weights.some((w, k) => w.length !== (k % 2 === 0 ? sizes[k / 2]! * sizes[k / 2 + 1]! : sizes[(k + 1) / 2]!))
    ) {
      throw new ArtifactError('tfjs weights do not match the header (input shape, hiddenUnits)', `${dir}/tfjs/model.json`, {
        hint: 'Save the model again.',
      });
    }
    const featureNames = header.featureNames ?? Array.from({ length: inputShape[inputShape.length - 1] as number }, (_, j) => `f${j}`);
    const saved = (header.extra?.['runtime'] ?? {}) as Record<string, string | number | boolean>;
    model.#fitted = { tf, network: createNetwork(tf, sizes, weights), inputShape, featureNames, runtime: { ...saved, backend } };
    return model;
  }

  describe(): ModelDescription {
    const fitted = this.#fitted;
    const hyperparameters = { ...this.hyperparameters, hiddenUnits: [...this.hyperparameters.hiddenUnits] };
    const base: ModelDescription = {
      name: this.name,
      family: this.card.family,
      inputKind: this.card.inputKind,
      hyperparameters,
      fitted: fitted !== undefined,
    };
    if (fitted === undefined) return base;
    return { ...base, featureNames: fitted.featureNames, runtime: { ...fitted.runtime, architecture: fitted.network.sizes.join(' → ') } };
  }

  dispose(): void {
    if (this.#fitted !== undefined) disposeNetwork(this.#fitted.network);
    this.#fitted = undefined;
    this.#disposed = true;
  }

  #checkUsable(): void {
    if (this.#disposed) throw new UsageError('mlp model was disposed', { hint: 'Create a new model.' });
  }

  #requireFitted(): Fitted {
    this.#checkUsable();
    if (this.#fitted === undefined)
      throw new UsageError('mlp model is not fitted', { hint: 'Call fit(train) (or load a saved model) before predicting or saving.' });
    return this.#fitted;
  }
}

export const mlpFactory: ModelFactory = {
  create: (hyperparameters) => new MlpModel(hyperparameters),
  load: (dir) => MlpModel.load(dir),
};

export { MLP_CARD };
