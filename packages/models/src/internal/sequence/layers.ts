import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { scaledDotAttention } from '../kernels/attention.js';

/** A family's parameters by name (tfjs variables while training, plain tensors are fine too). */
export type Weights = ReadonlyMap<string, Tensor>;

/** What a forward pass may ask of the engine: whether it trains, and seeded dropout. */
export interface ForwardContext {
  training: boolean;
  /** Inverted dropout at the model's rate (identity when not training or the rate is 0), seeded per batch and call. */
  dropout<T extends Tensor>(x: T, rate?: number): T;
  /** Dropout on attention probabilities inside the fused attention op: its rate and seed, or undefined when off. */
  attentionDropout(rate?: number): { rate: number; seed: number } | undefined;
}

/**
 * Whether attention runs on the hand-written op of `../kernels/attention.ts`: on tfjs's cpu backend,
 * where it measured 1.7× faster than tfjs ops (forward, [1024, 60, 16] causal, by CPU time). On wasm
 * it measured level with tfjs's batched matMul and softmax (0.92×, forward and forward + backward), and
 * a GPU backend has the device's: those keep tfjs ops.
 */
export function fusedAttention(tf: Tfjs): boolean {
  return tf.getBackend() === 'cpu';
}

export function weight<T extends Tensor = Tensor>(w: Weights, name: string): T {
  const t = w.get(name);
  if (t === undefined) throw new Error(`sequence model: no parameter '${name}'`);
  return t as T;
}

/** `x·W + b` over the last axis of a tensor of any rank (`name/kernel` [in, out], `name/bias` [out]). */
export function dense(tf: Tfjs, w: Weights, name: string, x: Tensor): Tensor {
  const kernel = weight<Tensor2D>(w, `${name}/kernel`);
  const bias = weight<Tensor1D>(w, `${name}/bias`);
  const inputs = x.shape.at(-1) as number;
  const flat = x.reshape([-1, inputs]) as Tensor2D;
  const y = tf.add(tf.matMul(flat, kernel), bias);
  return y.reshape([...x.shape.slice(0, -1), kernel.shape[1]]);
}

/** Layer normalisation over the last axis (ε 1e-5, PyTorch's default). */
export function layerNorm(tf: Tfjs, w: Weights, name: string, x: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(normed, weight(w, `${name}/gamma`)), weight(w, `${name}/beta`));
}

/** GELU, tanh approximation (as GPT-2; tfjs 4 has no gelu op): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(tf: Tfjs, x: Tensor): Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Sinusoidal positions (Vaswani et al. 2017) as a constant [steps, d]. */
export function sinusoidalPositions(tf: Tfjs, steps: number, d: number): Tensor2D {
  const values = new Float32Array(steps * d);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < d; i++) {
      const angle = t / Math.pow(10_000, (2 * Math.floor(i / 2)) / d);
      values[t * d + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [steps, d]);
}

/** An additive mask [steps, steps]: 0 on and below the diagonal, −1e9 above (a step never attends to later steps). */
export function causalMask(tf: Tfjs, steps: number): Tensor2D {
  const values = new Float32Array(steps * steps);
  for (let i = 0; i < steps; i++) for (let j = i + 1; j < steps; j++) values[i * steps + j] = -1e9;
  return tf.tensor2d(values, [steps, steps]);
}

/** [b, T, h·dh] → [b·h, T, dh]. */
function splitHeads(tf: Tfjs, x: Tensor, heads: number): Tensor3D {
  const [b, t, d] = x.shape as [number, number, number];
  return tf.transpose(x.reshape([b, t, heads, d / heads]), [0, 2, 1, 3]).reshape([b * heads, t, d / heads]);
}

/** [b·h, T, dh] → [b, T, h·dh]. */
function mergeHeads(tf: Tfjs, x: Tensor, heads: number): Tensor3D {
  const [bh, t, dh] = x.shape as [number, number, number];
  return tf.transpose(x.reshape([bh / heads, heads, t, dh]), [0, 2, 1, 3]).reshape([bh / heads, t, heads * dh]);
}

/**
 * Multi-head scaled dot-product self-attention (`name/q`, `/k`, `/v`, `/o` dense layers), causal when
 * `mask` is given. Heads are folded into the batch so every product is a plain batched matMul.
 */
export function selfAttention(
  tf: Tfjs,
  w: Weights,
  name: string,
  x: Tensor3D,
  heads: number,
  mask: Tensor2D | undefined,
  ctx: ForwardContext,
): Tensor3D {
  const d = x.shape[2];
  const q = splitHeads(tf, dense(tf, w, `${name}/q`, x), heads);
  const k = splitHeads(tf, dense(tf, w, `${name}/k`, x), heads);
  const v = splitHeads(tf, dense(tf, w, `${name}/v`, x), heads);
  let attended: Tensor3D;
  if (fusedAttention(tf)) {
    const dropout = ctx.attentionDropout();
    attended = scaledDotAttention(tf, q, k, v, { causal: mask !== undefined, ...(dropout === undefined ? {} : { dropout }) });
  } else {
    let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d / heads));
    if (mask !== undefined) scores = tf.add(scores, mask);
    attended = tf.matMul(ctx.dropout(tf.softmax(scores)), v) as Tensor3D;
  }
  return dense(tf, w, `${name}/o`, mergeHeads(tf, attended, heads)) as Tensor3D;
}

/** The four dense layers of `selfAttention`. */
export function attentionParams(p: { dense(name: string, i: number, o: number): unknown }, name: string, d: number): void {
  for (const part of ['q', 'k', 'v', 'o']) p.dense(`${name}/${part}`, d, d);
}
