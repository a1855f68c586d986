import { Rng, UsageError } from '@tribar/core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { dataOf } from './products.js';

export interface AttentionOptions {
  /** Query i attends to keys j ≤ i only (the additive −∞ mask above the diagonal, without building it). */
  causal: boolean;
  /** Inverted dropout on the attention probabilities while training: rate and a seed for its mask. */
  dropout?: { rate: number; seed: number };
  /** Keep what the backward pass needs; defaults to whether tfjs is recording a gradient tape. */
  training?: boolean;
}

interface Dims {
  groups: number;
  steps: number;
  depth: number;
}

interface AttentionState {
  /** Softmax probabilities [groups, steps, steps] (0 above the diagonal when causal). */
  p: Float32Array;
  /** Dropout's keep mask scaled by 1/(1 − rate), [groups, steps, steps]; absent without dropout. */
  keep?: Float32Array;
  out: Float32Array;
}

/**
 * Scaled dot-product attention `softmax(q·kᵀ/√depth [+ causal mask]) · v` as one tfjs op over
 * typed arrays, for q, k, v [groups, steps, depth] (heads folded into the first axis). Forward and
 * backward are plain loops: at the sequence families' shapes (60 steps, heads of 16) a JavaScript
 * loop beats tfjs-wasm's batched matMul, softmax and their gradients (a dozen kernels and as many
 * [groups, steps, steps] intermediates), and causal attention skips the masked half outright.
 * The gradient is `tf.customGrad`'s, so the op composes with the dense projections around it.
 */
export function scaledDotAttention(tf: Tfjs, q: Tensor3D, k: Tensor3D, v: Tensor3D, options: AttentionOptions): Tensor3D {
  const dims = attentionShapes(q, k, v);
  const training = options.training ?? taping(tf);
  const dropout = training && options.dropout !== undefined && options.dropout.rate > 0 ? options.dropout : undefined;
  if (!training) {
    const { out } = attentionForward(dataOf(q), dataOf(k), dataOf(v), dims, options.causal, undefined, false);
    return tf.tensor3d(out, [dims.groups, dims.steps, dims.depth]);
  }
  const op = tf.customGrad((qs, ks, vs, save) => {
    const qd = dataOf(qs as Tensor);
    const kd = dataOf(ks as Tensor);
    const vd = dataOf(vs as Tensor);
    const state = attentionForward(qd, kd, vd, dims, options.causal, dropout, true);
    (save as (tensors: Tensor[]) => void)([]);
    return {
      value: tf.tensor3d(state.out, [dims.groups, dims.steps, dims.depth]),
      gradFunc: (dy: Tensor) => {
        const [dq, dk, dv] = attentionBackward(dataOf(dy), qd, kd, vd, state, dims, options.causal);
        const shape: [number, number, number] = [dims.groups, dims.steps, dims.depth];
        return [tf.tensor3d(dq, shape), tf.tensor3d(dk, shape), tf.tensor3d(dv, shape)];
      },
    };
  });
  return op(q, k, v) as Tensor3D;
}

function attentionForward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  { groups, steps: T, depth: D }: Dims,
  causal: boolean,
  dropout: { rate: number; seed: number } | undefined,
  keepState: boolean,
): AttentionState {
  const scale = 1 / Math.sqrt(D);
  const out = new Float32Array(groups * T * D);
  const p = keepState ? new Float32Array(groups * T * T) : new Float32Array(T);
  const keep = dropout === undefined ? undefined : new Float32Array(groups * T * T);
  const rng = dropout === undefined ? undefined : new Rng(dropout.seed);
  const kept = dropout === undefined ? 1 : 1 / (1 - dropout.rate);
  const row = new Float64Array(T);
  for (let g = 0; g < groups; g++) {
    const base = g * T * D;
    for (let i = 0; i < T; i++) {
      const last = causal ? i : T - 1;
      const qi = base + i * D;
      let max = -Infinity;
      for (let j = 0; j <= last; j++) {
        const kj = base + j * D;
        let s = 0;
        for (let c = 0; c < D; c++) s += (q[qi + c] as number) * (k[kj + c] as number);
        s *= scale;
        row[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j <= last; j++) {
        const e = Math.exp((row[j] as number) - max);
        row[j] = e;
        sum += e;
      }
      const pBase = keepState ? (g * T + i) * T : 0;
      const oi = base + i * D;
      for (let j = 0; j <= last; j++) {
        const pij = (row[j] as number) / sum;
        p[pBase + j] = pij;
        let weight = pij;
        if (keep !== undefined) {
          const m = (rng as Rng).next() < (dropout as { rate: number }).rate ? 0 : kept;
          keep[pBase + j] = m;
          weight *= m;
        }
        if (weight === 0) continue;
        const vj = base + j * D;
        for (let c = 0; c < D; c++) out[oi + c] = (out[oi + c] as number) + weight * (v[vj + c] as number);
      }
    }
  }
  return keep === undefined ? { p, out } : { p, keep, out };
}

function attentionBackward(
  dy: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  state: AttentionState,
  { groups, steps: T, depth: D }: Dims,
  causal: boolean,
): [Float32Array, Float32Array, Float32Array] {
  const scale = 1 / Math.sqrt(D);
  const { p, keep } = state;
  const dq = new Float32Array(groups * T * D);
  const dk = new Float32Array(groups * T * D);
  const dv = new Float32Array(groups * T * D);
  const dp = new Float64Array(T);
  for (let g = 0; g < groups; g++) {
    const base = g * T * D;
    for (let i = 0; i < T; i++) {
      const last = causal ? i : T - 1;
      const oi = base + i * D;
      const pBase = (g * T + i) * T;
      // dP_ij = dO_i · v_j (through the dropout mask); dV_j += P'_ij · dO_i
      let dot = 0;
      for (let j = 0; j <= last; j++) {
        const m = keep === undefined ? 1 : (keep[pBase + j] as number);
        const pij = p[pBase + j] as number;
        const vj = base + j * D;
        let s = 0;
        if (m !== 0) {
          const w = pij * m;
          for (let c = 0; c < D; c++) {
            const d = dy[oi + c] as number;
            s += d * (v[vj + c] as number);
            dv[vj + c] = (dv[vj + c] as number) + w * d;
          }
        }
        const dpij = s * m;
        dp[j] = dpij;
        dot += pij * dpij;
      }
      // softmax: dS_ij = P_ij (dP_ij − Σ_j P_ij dP_ij); dQ_i = scale Σ_j dS_ij k_j; dK_j += scale dS_ij q_i
      for (let j = 0; j <= last; j++) {
        const ds = (p[pBase + j] as number) * ((dp[j] as number) - dot) * scale;
        if (ds === 0) continue;
        const kj = base + j * D;
        for (let c = 0; c < D; c++) {
          dq[oi + c] = (dq[oi + c] as number) + ds * (k[kj + c] as number);
          dk[kj + c] = (dk[kj + c] as number) + ds * (q[oi + c] as number);
        }
      }
    }
  }
  return [dq, dk, dv];
}

function attentionShapes(q: Tensor, k: Tensor, v: Tensor): Dims {
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    if (t.rank !== 3 || t.shape.join('x') !== q.shape.join('x')) {
      throw new UsageError(`scaledDotAttention: ${name} has shape [${t.shape.join(', ')}], expected [${q.shape.join(', ')}] like q`, {
        hint: 'q, k and v are [groups, steps, depth] (heads folded into groups), all of the same shape.',
      });
    }
    if (t.dtype !== 'float32') throw new UsageError(`scaledDotAttention: ${name} has dtype ${t.dtype}, expected float32`);
  }
  const [groups, steps, depth] = q.shape as [number, number, number];
  return { groups, steps, depth };
}

function taping(tf: Tfjs): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}
