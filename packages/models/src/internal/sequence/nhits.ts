import { UsageError } from '@tribar/core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import type { SequenceFamily } from './engine.js';
import { dense } from './layers.js';
import { engineHyperparameters } from './params.js';

/** Max-pool over time with kernel k and stride k, the window's start edge-padded so the last pool ends at t. */
function maxPoolTime(tf: Tfjs, x: Tensor3D, k: number): Tensor3D {
  if (k === 1) return x;
  const [b, steps, f] = x.shape;
  const pad = (k - (steps % k)) % k;
  const first = tf.slice(x, [0, 0, 0], [b, 1, f]);
  const padded = pad > 0 ? tf.concat([tf.tile(first, [1, pad, 1]), x], 1) : x;
  return tf.max(padded.reshape([b, (steps + pad) / k, k, f]), 2) as Tensor3D;
}

/** Linear interpolation from `knots` evenly spaced points to `steps` (N-HiTS' interpolation), as a [knots, steps] matrix. */
function interpolation(knots: number, steps: number): Float32Array {
  const m = new Float32Array(knots * steps);
  for (let t = 0; t < steps; t++) {
    const at = knots === 1 ? 0 : (t * (knots - 1)) / Math.max(steps - 1, 1);
    const low = Math.floor(at);
    const high = Math.min(low + 1, knots - 1);
    const frac = at - low;
    m[low * steps + t]! += 1 - frac;
    if (high !== low) m[high * steps + t]! += frac;
  }
  return m;
}

interface Block {
  name: string;
  pool: number;
  knots: number;
}

function blocks(hp: Record<string, unknown>, steps: number): Block[] {
  const pools = hp['poolKernels'] as number[];
  const downsample = hp['downsample'] as number[];
  const out: Block[] = [];
  for (let s = 0; s < pools.length; s++) {
    for (let k = 0; k < (hp['blocksPerStack'] as number); k++) {
      out.push({ name: `stack${s}/block${k}`, pool: pools[s] as number, knots: Math.max(1, Math.ceil(steps / (downsample[s] as number))) });
    }
  }
  return out;
}

/**
 * N-HiTS (Challu et al. 2023) adapted to classification. Stacks of blocks, each reading the
 * residual window through a max-pool of its own rate, an MLP, and two outputs: a backcast given at
 * `ceil(steps / downsample)` knots and linearly interpolated back to every step (the paper's
 * hierarchical interpolation: coarse stacks explain slow structure, later stacks the finer rest),
 * subtracted from the residual as in N-BEATS' doubly residual stacking; and, where the paper
 * forecasts a horizon, 3 class logits. The window's logits are the sum over blocks. Defaults follow
 * neuralforecast's NHITS (3 stacks of 1 block, pool kernels 2, 2, 1, downsample 4, 2, 1, 2 layers)
 * with 128 units instead of 512 for a 2-core CPU.
 */
export const nhitsFamily: SequenceFamily = {
  card: {
    name: 'nhits',
    family: 'neural',
    inputKind: 'sequence',
    description:
      'N-HiTS for classification: multi-rate max-pooling stacks, MLP blocks with interpolated backcasts (doubly residual) and summed class logits.',
    handlesMissing: false,
    hyperparameters: {
      poolKernels: {
        kind: 'int-list',
        default: [2, 2, 1],
        description: 'Max-pool kernel of each stack (neuralforecast n_pool_kernel_size)',
      },
      downsample: {
        kind: 'int-list',
        default: [4, 2, 1],
        description: 'Backcast knots of each stack = ceil(steps / downsample) (neuralforecast n_freq_downsample)',
      },
      blocksPerStack: { kind: 'int', default: 1, range: [1, 8], description: 'Blocks in each stack (neuralforecast n_blocks: 1)' },
      mlpUnits: { kind: 'int', default: 128, range: [4, 4096], description: 'Units of each MLP layer (neuralforecast: 512)' },
      mlpLayers: { kind: 'int', default: 2, range: [1, 8], description: 'MLP layers per block (neuralforecast: 2)' },
      ...engineHyperparameters({ dropout: 0 }),
    },
  },
  causal: () => false,
  check(hp) {
    if ((hp['poolKernels'] as number[]).length !== (hp['downsample'] as number[]).length) {
      throw new UsageError(`nhits: poolKernels and downsample must have one entry per stack`, {
        hint: 'Give both lists the same length (e.g. [2, 2, 1] and [4, 2, 1]).',
      });
    }
  },
  params(p, hp, steps, features) {
    const units = hp['mlpUnits'] as number;
    for (const block of blocks(hp, steps)) {
      let inputs = Math.ceil(steps / block.pool) * features;
      for (let l = 0; l < (hp['mlpLayers'] as number); l++) {
        p.dense(`${block.name}/mlp${l}`, inputs, units);
        inputs = units;
      }
      p.dense(`${block.name}/backcast`, units, block.knots * features).dense(`${block.name}/logits`, units, 3);
    }
  },
  forward(tf, w, x, hp, ctx) {
    const [b, steps, features] = x.shape;
    let residual: Tensor3D = x;
    let logits: Tensor | undefined;
    for (const block of blocks(hp, steps)) {
      const pooled = maxPoolTime(tf, residual, block.pool);
      let h: Tensor = pooled.reshape([b, pooled.shape[1] * features]);
      for (let l = 0; l < (hp['mlpLayers'] as number); l++) h = ctx.dropout(tf.relu(dense(tf, w, `${block.name}/mlp${l}`, h)));
      const knots = dense(tf, w, `${block.name}/backcast`, h).reshape([b, block.knots, features]);
      const m = tf.tensor2d(interpolation(block.knots, steps), [block.knots, steps]);
      const perFeature = tf.transpose(knots, [0, 2, 1]).reshape([b * features, block.knots]) as Tensor2D;
      const backcast = tf.transpose(tf.matMul(perFeature, m).reshape([b, features, steps]), [0, 2, 1]) as Tensor3D;
      residual = tf.sub(residual, backcast);
      const blockLogits = dense(tf, w, `${block.name}/logits`, h);
      logits = logits === undefined ? blockLogits : tf.add(logits, blockLogits);
    }
    return logits as Tensor2D;
  },
};
