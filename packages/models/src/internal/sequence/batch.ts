import type { NamedTensorMap, Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { NUM_CLASSES } from '../types.js';
import type { SequenceFamily } from './engine.js';
import type { ForwardContext } from './layers.js';
import type { TrainShare } from './train-pool.js';

// One batch's work, shared by the engine's thread and the worker threads of predict-pool.ts and
// train-pool.ts, so every thread computes a window's numbers the same way.

/** The forward context of inference: no dropout. */
export const inference: ForwardContext = { training: false, dropout: (x) => x, attentionDropout: () => undefined };

/** The window's logits: the last step's for families that classify every step. */
export function lastLogits(tf: Tfjs, logits: Tensor2D | Tensor3D): Tensor2D {
  if (logits.rank === 2) return logits as Tensor2D;
  const [b, t, c] = logits.shape as [number, number, number];
  return tf.slice(logits, [0, t - 1, 0], [b, 1, c]).reshape([b, c]);
}

/**
 * Softmax probabilities (n × 3) of the first `n` windows in `x` (n × steps × features values): the one
 * inference step of the main thread and of the predict pool's workers, so both give the same numbers.
 */
export function predictBatch(
  tf: Tfjs,
  family: SequenceFamily,
  weights: ReadonlyMap<string, Tensor>,
  hp: Record<string, unknown>,
  x: Float32Array,
  n: number,
  steps: number,
  features: number,
): Float32Array {
  const p = tf.tidy(() => {
    const xs = tf.tensor3d(x.subarray(0, n * steps * features), [n, steps, features]);
    return tf.softmax(lastLogits(tf, family.forward(tf, weights, xs, hp, inference)));
  });
  const values = Float32Array.from(p.dataSync() as Float32Array);
  p.dispose();
  return values;
}

/**
 * The loss of one share of a batch (Σ w·CE over its rows ÷ the whole batch's weight) and its gradients
 * with respect to `variables`, through the family's forward with dropout seeded from `share.seed`.
 * Call inside `tf.tidy`. The data-parallel path's unit of work, on this thread and in every replica.
 */
export function shareGradients(
  tf: Tfjs,
  family: SequenceFamily,
  variables: Variable[],
  weights: ReadonlyMap<string, Tensor>,
  hp: Record<string, unknown>,
  share: TrainShare,
  steps: number,
  features: number,
): { value: Scalar; grads: NamedTensorMap } {
  let calls = 0;
  const ctx: ForwardContext = {
    training: true,
    dropout: (x, rate = share.dropout) => (rate > 0 ? (tf.dropout(x, rate, undefined, share.seed + 7919 * calls++) as typeof x) : x),
    attentionDropout: (rate = share.dropout) => (rate > 0 ? { rate, seed: share.seed + 7919 * calls++ } : undefined),
  };
  const { n } = share;
  const xs = tf.tensor3d(share.x.subarray(0, n * steps * features), [n, steps, features]);
  const ys = tf.tensor2d(share.y.subarray(0, n * NUM_CLASSES), [n, NUM_CLASSES]);
  const ws = tf.tensor1d(share.w.subarray(0, n));
  return tf.variableGrads(() => {
    const logits = lastLogits(tf, family.forward(tf, weights, xs, hp, ctx));
    const ce = tf.neg(tf.sum(tf.mul(ys, tf.logSoftmax(logits)), 1));
    return tf.div(tf.sum(tf.mul(ce, ws)), share.batchWeight) as Scalar;
  }, variables);
}

/** Scale all gradients by min(1, max / ‖g‖₂) over every parameter together (torch's clip_grad_norm_). */
export function clipByGlobalNorm(tf: Tfjs, grads: NamedTensorMap, max: number): NamedTensorMap {
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k] as Tensor)))));
  const scale = tf.minimum(1, tf.div(max, tf.add(norm, 1e-6)));
  const out: NamedTensorMap = {};
  for (const k of names) out[k] = tf.mul(grads[k] as Tensor, scale);
  return out;
}
