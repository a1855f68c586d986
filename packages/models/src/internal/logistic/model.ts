import { ArtifactError, silentLogger, UsageError } from '@tribar/core';
import { readModelFile, readModelHeader, writeModelDir } from '../model-dir.js';
import { resolveHyperparameters } from '../registry.js';
import { NUM_CLASSES } from '../types.js';
import type {
  BaseModel,
  EpochLog,
  FitOptions,
  FitResult,
  LabeledInput,
  ModelCard,
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
import { lbfgs } from './lbfgs.js';
import { logisticObjective, logisticProbabilities, parameterCount } from './objective.js';

export const LOGISTIC_CARD: ModelCard = {
  name: 'logistic',
  family: 'classical',
  inputKind: 'tabular',
  description:
    'Multinomial (softmax) logistic regression with an L2 penalty, fitted by L-BFGS over typed arrays; sklearn-comparable C, balanced class weights. Sequence rows are flattened.',
  aliases: ['lr', 'logistic_regression'],
  handlesMissing: false,
  hyperparameters: {
    C: {
      kind: 'float',
      default: 1,
      range: [1e-6, 1e6],
      log: true,
      description: 'Inverse L2 strength, as sklearn: C·Σ s_i·CE_i + ½‖W‖² (intercepts unpenalised)',
    },
    classWeights: {
      kind: 'enum',
      default: 'balanced',
      values: ['balanced', 'none'],
      description: "'balanced' = n/(k·count_c), multiplied with sample weights",
    },
    maxIter: { kind: 'int', default: 500, range: [1, 100_000], description: 'L-BFGS iterations (each one is an epoch for onEpoch)' },
    tol: {
      kind: 'float',
      default: 1e-4,
      range: [1e-12, 1],
      log: true,
      description: 'Stop when max |gradient| of the mean-scaled objective ≤ tol (sklearn/scipy pgtol)',
    },
  },
};

interface LogisticParams {
  C: number;
  classWeights: 'balanced' | 'none';
  maxIter: number;
  tol: number;
}

interface Fitted {
  params: Float64Array;
  width: number;
  inputShape: number[];
  featureNames: string[];
  runtime: Record<string, string | number | boolean>;
}

function resolveParams(given: Record<string, unknown>): LogisticParams {
  // The card's checks (types, ranges, unknown names) also guard direct factory.create calls.
  const resolved = resolveHyperparameters(LOGISTIC_CARD, given);
  const pick = <T>(key: string): T => resolved[key] as T;
  return { C: pick('C'), classWeights: pick('classWeights'), maxIter: pick('maxIter'), tol: pick('tol') };
}

export class LogisticModel implements BaseModel {
  readonly name = 'logistic';
  readonly card = LOGISTIC_CARD;
  readonly hyperparameters: LogisticParams;
  #fitted: Fitted | undefined;
  #disposed = false;

  constructor(hyperparameters: Record<string, unknown> = {}) {
    this.hyperparameters = resolveParams(hyperparameters);
  }

  async fit(train: LabeledInput, options: FitOptions = {}): Promise<FitResult> {
    this.#checkUsable();
    const started = performance.now();
    const logger = options.logger ?? silentLogger();
    const width = rowWidth(train, 'logistic.fit');
    checkLabels(train, 'logistic.fit');
    if (train.rows === 0) throw new UsageError('logistic.fit: no training rows', { hint: 'Fit on at least one labeled row.' });
    const featureNames = lastAxisNames(train);
    const validation = options.validation;
    if (validation !== undefined) {
      checkLabels(validation, 'logistic.fit validation');
      checkShapeMatches(validation, train.shape, 'logistic.fit validation');
    }
    const { C, classWeights, maxIter, tol } = this.hyperparameters;
    const classWeight = classWeights === 'balanced' ? balancedClassWeights(train.y) : new Float64Array(NUM_CLASSES).fill(1);
    const s = new Float64Array(train.rows);
    let sumS = 0;
    for (let i = 0; i < train.rows; i++) {
      s[i] = (classWeight[train.y[i] as number] as number) * (train.weights === undefined ? 1 : (train.weights[i] as number));
      sumS += s[i] as number;
    }
    if (!(sumS > 0)) throw new UsageError('logistic.fit: all sample weights are 0', { hint: 'Give some rows a positive weight.' });

    const problem = { x: train.x, rows: train.rows, width, y: train.y, s, sumS, C };
    const dataLoss = new Float64Array(1);
    const history: EpochLog[] = [];
    const restoreBest = options.restoreBest ?? validation !== undefined;
    let best: { epoch: number; loss: number; params: Float64Array } | undefined;
    let epochStarted = performance.now();
    const result = lbfgs((p, g) => logisticObjective(problem, p, g, dataLoss), new Float64Array(parameterCount(width)), {
      maxIter,
      tol,
      onIteration: (epoch, params) => {
        options.signal?.throwIfAborted();
        const log: EpochLog = { epoch, trainLoss: dataLoss[0] as number, elapsedMs: performance.now() - epochStarted };
        if (validation !== undefined) {
          const p = logisticProbabilities(validation.x, validation.rows, width, params);
          const { loss, accuracy } = weightedLogLoss(p, validation.y, validation.weights);
          log.valLoss = loss;
          log.valAccuracy = accuracy;
          if (restoreBest && (best === undefined || loss < best.loss)) best = { epoch, loss, params: Float64Array.from(params) };
        }
        history.push(log);
        const control = options.onEpoch?.(log);
        epochStarted = performance.now();
        return control?.stop === true;
      },
    });
    const keep = restoreBest && best !== undefined ? best : { epoch: Math.max(result.iterations - 1, 0), params: result.x };
    const runtime = { solver: 'lbfgs', converged: result.converged, iterations: result.iterations, maxGradient: result.maxGradient };
    this.#fitted = { params: keep.params, width, inputShape: [...train.shape], featureNames, runtime };
    logger.info({ model: 'logistic', ...runtime, bestEpoch: keep.epoch }, 'logistic regression fitted');
    return {
      epochs: result.iterations,
      bestEpoch: keep.epoch,
      stoppedEarly: result.stoppedByCallback,
      history,
      seconds: (performance.now() - started) / 1000,
      runtime,
    };
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    const fitted = this.#requireFitted();
    checkShapeMatches(input, fitted.inputShape, 'logistic');
    return { rows: input.rows, p: logisticProbabilities(input.x, input.rows, fitted.width, fitted.params) };
  }

  async predict(input: ModelInput): Promise<Uint8Array> {
    const { p, rows } = await this.predictProba(input);
    return argmaxRows(p, rows);
  }

  /** Coefficients `W` (3 × row width, row-major) and intercepts `b` (3), copies. */
  coefficients(): { weights: Float64Array; intercepts: Float64Array } {
    const { params, width } = this.#requireFitted();
    return { weights: params.slice(0, NUM_CLASSES * width), intercepts: params.slice(NUM_CLASSES * width) };
  }

  async save(dir: string): Promise<void> {
    const fitted = this.#requireFitted();
    const body = { width: fitted.width, params: Array.from(fitted.params) };
    await writeModelDir(
      dir,
      {
        name: 'logistic',
        hyperparameters: { ...this.hyperparameters },
        featureNames: fitted.featureNames,
        inputShape: fitted.inputShape,
        extra: { runtime: fitted.runtime },
      },
      // JSON keeps every float64 exactly (shortest round-trip form), so a loaded model predicts bit for bit the same.
      { 'coefficients.json': `${JSON.stringify(body)}\n` },
    );
  }

  static async load(dir: string): Promise<LogisticModel> {
    const header = await readModelHeader(dir);
    if (header.name !== 'logistic')
      throw new ArtifactError(`holds a '${header.name}' model, not logistic`, dir, { hint: 'Load it through the registry.' });
    const raw = JSON.parse((await readModelFile(dir, 'coefficients.json')).toString('utf8')) as { width: number; params: number[] };
    const inputShape = header.inputShape ?? [raw.width];
    if (raw.params.length !== parameterCount(raw.width) || inputShape.reduce((a, b) => a * b, 1) !== raw.width) {
      throw new ArtifactError('coefficients.json does not match the input shape in the header', `${dir}/coefficients.json`, {
        hint: 'Save the model again.',
      });
    }
    const model = new LogisticModel(header.hyperparameters);
    const runtime = (header.extra?.['runtime'] ?? {}) as Record<string, string | number | boolean>;
    model.#fitted = {
      params: Float64Array.from(raw.params),
      width: raw.width,
      inputShape,
      featureNames: header.featureNames ?? Array.from({ length: inputShape[inputShape.length - 1] as number }, (_, j) => `f${j}`),
      runtime,
    };
    return model;
  }

  describe(): ModelDescription {
    const description: ModelDescription = {
      name: this.name,
      family: this.card.family,
      inputKind: this.card.inputKind,
      hyperparameters: { ...this.hyperparameters },
      fitted: this.#fitted !== undefined,
    };
    const fitted = this.#fitted;
    if (fitted === undefined) return description;
    // Mean |coefficient| over the 3 classes (and over steps for sequence rows), per last-axis feature.
    const features = fitted.featureNames.length;
    const importance: Record<string, number> = {};
    const steps = fitted.width / features;
    for (let f = 0; f < features; f++) {
      let sum = 0;
      for (let c = 0; c < NUM_CLASSES; c++)
        for (let t = 0; t < steps; t++) sum += Math.abs(fitted.params[c * fitted.width + t * features + f] as number);
      importance[fitted.featureNames[f] as string] = sum / (NUM_CLASSES * steps);
    }
    return { ...description, featureNames: fitted.featureNames, featureImportance: importance, runtime: fitted.runtime };
  }

  dispose(): void {
    this.#fitted = undefined;
    this.#disposed = true;
  }

  #checkUsable(): void {
    if (this.#disposed) throw new UsageError('logistic model was disposed', { hint: 'Create a new model.' });
  }

  #requireFitted(): Fitted {
    this.#checkUsable();
    if (this.#fitted === undefined)
      throw new UsageError('logistic model is not fitted', {
        hint: 'Call fit(train) (or load a saved model) before predicting or saving.',
      });
    return this.#fitted;
  }
}

export const logisticFactory: ModelFactory = {
  create: (hyperparameters) => new LogisticModel(hyperparameters),
  load: (dir) => LogisticModel.load(dir),
};
