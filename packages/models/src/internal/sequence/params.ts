import type { Rng } from '@tribar/core';
import type { HyperparameterSpec } from '../types.js';

/**
 * Hyperparameters every sequence family shares (the engine reads them). Defaults: Adam at 1e-3 as
 * neuralforecast's recurrent models, batch 256 windows instead of neuralforecast's 32 (a 2-core CPU
 * spends most of a small batch on per-op overhead), gradient-norm clip 1.0 as neuralforecast's
 * `gradient_clip_val` in its examples.
 */
export function engineHyperparameters(
  defaults: { learningRate?: number; dropout?: number; maxEpochs?: number } = {},
): Record<string, HyperparameterSpec> {
  return {
    batchSize: { kind: 'int', default: 256, range: [1, 65_536], description: 'Windows per optimiser step' },
    maxEpochs: { kind: 'int', default: defaults.maxEpochs ?? 30, range: [1, 10_000], description: 'Passes over the training windows' },
    learningRate: {
      kind: 'float',
      default: defaults.learningRate ?? 1e-3,
      range: [1e-7, 1],
      log: true,
      description: 'Adam step size (the onEpoch hook may change it per epoch)',
    },
    gradClipNorm: {
      kind: 'float',
      default: 1,
      range: [0, 1000],
      description: 'Clip the global gradient norm to this before each step (0 = no clipping)',
    },
    dropout: { kind: 'float', default: defaults.dropout ?? 0.1, range: [0, 0.9], description: 'Dropout rate inside the network' },
    classWeights: {
      kind: 'enum',
      default: 'balanced',
      values: ['balanced', 'none'],
      description: "'balanced' weights the loss by n/(k·count_c) unless sample weights are given",
    },
    seed: { kind: 'int', default: 42, range: [0, 2_147_483_647], description: 'Seeds initial weights, batch order and dropout' },
  };
}

/** The engine's view of a model's resolved hyperparameters. */
export interface EngineParams {
  batchSize: number;
  maxEpochs: number;
  learningRate: number;
  gradClipNorm: number;
  dropout: number;
  classWeights: 'balanced' | 'none';
  seed: number;
}

export function engineParams(hp: Record<string, unknown>): EngineParams {
  return {
    batchSize: hp['batchSize'] as number,
    maxEpochs: hp['maxEpochs'] as number,
    learningRate: hp['learningRate'] as number,
    gradClipNorm: hp['gradClipNorm'] as number,
    dropout: hp['dropout'] as number,
    classWeights: hp['classWeights'] as 'balanced' | 'none',
    seed: hp['seed'] as number,
  };
}

/** One named parameter tensor and its initial values. */
export interface ParamInit {
  name: string;
  shape: number[];
  values: Float32Array;
}

/**
 * Builds a family's initial parameters from the engine's seeded `Rng`, in plain typed arrays, so the
 * starting point is identical on every tfjs backend (tfjs initialisers draw from the backend).
 */
export class ParamBuilder {
  readonly params: ParamInit[] = [];
  constructor(readonly rng: Rng) {}

  /** Glorot (Xavier) uniform, PyTorch's / Keras' default for dense and attention kernels. */
  glorot(name: string, shape: number[], fanIn = shape.at(-2) ?? 1, fanOut = shape.at(-1) ?? 1): this {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.#add(name, shape, () => this.rng.uniform(-limit, limit));
  }

  /** U(−1/√fanIn, 1/√fanIn): PyTorch's default for LSTM/GRU weights and conv kernels. */
  fanIn(name: string, shape: number[], fanIn: number): this {
    const limit = 1 / Math.sqrt(fanIn);
    return this.#add(name, shape, () => this.rng.uniform(-limit, limit));
  }

  constant(name: string, shape: number[], value: number): this {
    return this.#add(name, shape, () => value);
  }

  normal(name: string, shape: number[], sd: number): this {
    return this.#add(name, shape, () => this.rng.normal(0, sd));
  }

  /** A dense layer `name/kernel` [in, out] (Glorot) and `name/bias` [out] (zeros). */
  dense(name: string, inputs: number, outputs: number): this {
    return this.glorot(`${name}/kernel`, [inputs, outputs]).constant(`${name}/bias`, [outputs], 0);
  }

  /** A layer norm `name/gamma` (ones) and `name/beta` (zeros). */
  layerNorm(name: string, size: number): this {
    return this.constant(`${name}/gamma`, [size], 1).constant(`${name}/beta`, [size], 0);
  }

  #add(name: string, shape: number[], draw: () => number): this {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = draw();
    this.params.push({ name, shape, values });
    return this;
  }
}
