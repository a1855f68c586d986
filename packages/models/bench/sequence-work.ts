/**
 * The sequence workloads of bench/sequence.bench.ts and bench/webgpu-check.ts, on whichever tfjs backend
 * is active: the LSTM(64) + dense(3) epoch (Adam, batch 256, 2,048 sequences of 60 × 32) with
 * stock tfjs-layers and with the fused layer, the fused GRU, a causal pre-norm Transformer (2 layers,
 * d 64, 4 heads, feed-forward 128, learned positions) in tfjs ops, and inference of 10,000 windows.
 * PyTorch runs the same shapes in bench/sequence_reference.py.
 */
import { Rng } from '@tribar/core';
import type { Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import { gruLayer } from '../src/internal/kernels/gru.js';
import { lstmLayer } from '../src/internal/kernels/lstm.js';
import { scaledDotAttention } from '../src/internal/kernels/attention.js';
import { plainMatMul } from '../src/internal/kernels/matmul.js';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import { SEQUENCE_FAMILIES } from '../src/internal/sequence/index.js';
import type { Tfjs } from '../src/internal/tfjs/backend.js';

export const STEPS = 60;
export const FEATURES = 32;
export const ROWS = 2048;
export const BATCH = 256;
export const UNITS = 64;
export const WINDOWS = 10_000;
export const CHUNK = 2_000;
const HEADS = 4;
const FEED_FORWARD = 128;

export interface SequenceData {
  x: Float32Array;
  y: Int32Array;
  windows: Float32Array;
}

export function sequenceData(seed: number, windows = WINDOWS): SequenceData {
  const rng = new Rng(seed);
  const x = new Float32Array(ROWS * STEPS * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Int32Array(ROWS);
  for (let i = 0; i < ROWS; i++) y[i] = Math.floor(rng.uniform(0, 3)) % 3;
  const w = new Float32Array(windows * STEPS * FEATURES);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal();
  return { x, y, windows: w };
}

interface Model {
  variables: Variable[];
  /** Logits [batch, 3] of a batch [batch, steps, features]. */
  logits: (x: Tensor3D) => Tensor2D;
}

function glorot(tf: Tfjs, rng: Rng, shape: [number, number]): Variable {
  const limit = Math.sqrt(6 / (shape[0] + shape[1]));
  const values = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
  return tf.variable(tf.tensor2d(values, shape));
}

function constant(tf: Tfjs, shape: number[], value: number): Variable {
  return tf.variable(tf.fill(shape, value));
}

export function fusedRecurrent(tf: Tfjs, kind: 'lstm' | 'gru', seed: number): Model {
  const rng = new Rng(seed);
  const gates = kind === 'lstm' ? 4 : 3;
  const kernel = glorot(tf, rng, [FEATURES, gates * UNITS]);
  const recurrent = glorot(tf, rng, [UNITS, gates * UNITS]);
  // Keras's unit_forget_bias for the LSTM; the GRU's [input; recurrent] bias rows start at zero
  const bias =
    kind === 'lstm'
      ? tf.variable(tf.concat([tf.zeros([UNITS]), tf.ones([UNITS]), tf.zeros([2 * UNITS])]))
      : constant(tf, [2, 3 * UNITS], 0);
  const head = glorot(tf, rng, [UNITS, 3]);
  const headBias = constant(tf, [3], 0);
  const layer = kind === 'lstm' ? lstmLayer : gruLayer;
  return {
    variables: [kernel, recurrent, bias, head, headBias],
    logits: (x) => {
      const [batch] = x.shape;
      const sequence = layer(tf, x, kernel as Tensor2D, recurrent as Tensor2D, bias as Tensor1D & Tensor2D, { inputGradient: false });
      const last = tf.reshape(tf.slice(sequence, [0, STEPS - 1, 0], [batch, 1, UNITS]), [batch, UNITS]) as Tensor2D;
      return tf.add(tf.matMul(last, head as Tensor2D), headBias) as Tensor2D;
    },
  };
}

function layerNorm(tf: Tfjs, x: Tensor2D, gamma: Tensor, beta: Tensor): Tensor2D {
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta) as Tensor2D;
}

/**
 * A causal pre-norm Transformer encoder in tfjs ops (PyTorch's TransformerEncoderLayer with norm_first).
 * Every product is `plainMatMul` over explicitly transposed operands: wasm's transposed matMul is slow.
 */
export function transformer(tf: Tfjs, seed: number, layers = 2): Model {
  const rng = new Rng(seed);
  const d = UNITS;
  const dh = d / HEADS;
  const project = glorot(tf, rng, [FEATURES, d]);
  const projectBias = constant(tf, [d], 0);
  const positions = tf.variable(tf.mul(tf.randomNormal([STEPS, d], 0, 1, 'float32', seed), 0.02));
  const blocks = Array.from({ length: layers }, () => ({
    norm1: [constant(tf, [d], 1), constant(tf, [d], 0)] as const,
    qkv: glorot(tf, rng, [d, 3 * d]),
    qkvBias: constant(tf, [3 * d], 0),
    out: glorot(tf, rng, [d, d]),
    outBias: constant(tf, [d], 0),
    norm2: [constant(tf, [d], 1), constant(tf, [d], 0)] as const,
    up: glorot(tf, rng, [d, FEED_FORWARD]),
    upBias: constant(tf, [FEED_FORWARD], 0),
    down: glorot(tf, rng, [FEED_FORWARD, d]),
    downBias: constant(tf, [d], 0),
  }));
  const finalNorm = [constant(tf, [d], 1), constant(tf, [d], 0)] as const;
  const head = glorot(tf, rng, [d, 3]);
  const headBias = constant(tf, [3], 0);
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([STEPS, STEPS]), -1, 0)), -1e9));
  const variables = [
    project,
    projectBias,
    positions,
    ...blocks.flatMap((b) => [
      b.norm1[0],
      b.norm1[1],
      b.qkv,
      b.qkvBias,
      b.out,
      b.outBias,
      b.norm2[0],
      b.norm2[1],
      b.up,
      b.upBias,
      b.down,
      b.downBias,
    ]),
    finalNorm[0],
    finalNorm[1],
    head,
    headBias,
  ];
  const heads = (t: Tensor2D, batch: number, perm: number[]): Tensor => tf.transpose(tf.reshape(t, [batch, STEPS, HEADS, dh]), perm);
  const mm = (a: Tensor, b: Tensor): Tensor2D => plainMatMul(tf, a, b) as Tensor2D;
  return {
    variables,
    logits: (x) => {
      const [batch] = x.shape;
      const rows = batch * STEPS;
      const embedded = tf.add(tf.reshape(tf.add(mm(tf.reshape(x, [rows, FEATURES]), project), projectBias), [batch, STEPS, d]), positions);
      let h = tf.reshape(embedded, [rows, d]) as Tensor2D;
      for (const b of blocks) {
        const a = layerNorm(tf, h, b.norm1[0], b.norm1[1]);
        const [q, k, v] = tf.split(tf.add(mm(a, b.qkv), b.qkvBias), 3, 1) as Tensor2D[];
        // q [batch, heads, steps, dh] · kᵀ [batch, heads, dh, steps]: the transpose is the reshape's permutation
        const scores = tf.add(tf.mul(mm(heads(q!, batch, [0, 2, 1, 3]), heads(k!, batch, [0, 2, 3, 1])), 1 / Math.sqrt(dh)), mask);
        const attended = mm(tf.softmax(scores), heads(v!, batch, [0, 2, 1, 3]));
        const context = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [rows, d]);
        h = tf.add(h, tf.add(mm(context, b.out), b.outBias)) as Tensor2D;
        const f = layerNorm(tf, h, b.norm2[0], b.norm2[1]);
        h = tf.add(h, tf.add(mm(tf.relu(tf.add(mm(f, b.up), b.upBias)), b.down), b.downBias)) as Tensor2D;
      }
      const last = tf.reshape(tf.slice(tf.reshape(h, [batch, STEPS, d]), [0, STEPS - 1, 0], [batch, 1, d]), [batch, d]) as Tensor2D;
      return tf.add(mm(layerNorm(tf, last, finalNorm[0], finalNorm[1]), head), headBias) as Tensor2D;
    },
  };
}

/** One epoch of Adam(1e-3) over the 2,048 sequences in batches of 256; seconds. */
export function trainEpoch(tf: Tfjs, model: Model, data: SequenceData, rows = ROWS): number {
  const optimizer = tf.train.adam(1e-3);
  const start = performance.now();
  for (let i = 0; i < rows; i += BATCH) {
    const n = Math.min(BATCH, rows - i);
    tf.tidy(() => {
      const x = tf.tensor3d(data.x.subarray(i * STEPS * FEATURES, (i + n) * STEPS * FEATURES), [n, STEPS, FEATURES]);
      const y = tf.oneHot(tf.tensor1d(data.y.subarray(i, i + n), 'int32'), 3);
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.logits(x)) as Scalar, true, model.variables);
      cost?.dataSync();
    });
  }
  const seconds = (performance.now() - start) / 1000;
  optimizer.dispose();
  return seconds;
}

/** Softmax over the 10,000 windows, 2,000 at a time; seconds. */
export function inference(tf: Tfjs, model: Model, data: SequenceData): number {
  const windows = data.windows.length / (STEPS * FEATURES);
  const start = performance.now();
  for (let i = 0; i < windows; i += CHUNK) {
    const n = Math.min(CHUNK, windows - i);
    tf.tidy(() =>
      tf
        .softmax(model.logits(tf.tensor3d(data.windows.subarray(i * STEPS * FEATURES, (i + n) * STEPS * FEATURES), [n, STEPS, FEATURES])))
        .dataSync(),
    );
  }
  return (performance.now() - start) / 1000;
}

/** The stock tfjs-layers LSTM (sigmoid gates, as Keras and PyTorch), one epoch by model.fit; seconds. */
export async function stockLstmEpoch(tf: Tfjs, data: SequenceData, rows = ROWS): Promise<number> {
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ units: UNITS, inputShape: [STEPS, FEATURES], recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.tensor3d(data.x.subarray(0, rows * STEPS * FEATURES), [rows, STEPS, FEATURES]);
  const y = tf.oneHot(tf.tensor1d(data.y.subarray(0, rows), 'int32'), 3);
  const start = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return seconds;
}

export function disposeModel(model: Model): void {
  for (const v of model.variables) v.dispose();
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Card families through the real engine, shaped as PyTorch's side: dropout 0, batch 256, one epoch. */
export const FAMILY_EPOCHS = {
  'family-lstm': { family: 'lstm', hp: { hiddenSize: UNITS, layers: 1, dropout: 0 } },
  'family-transformer': { family: 'transformer', hp: { hiddenSize: UNITS, heads: HEADS, layers: 2, ffnSize: FEED_FORWARD, dropout: 0 } },
  'family-patchtst': { family: 'patchtst', hp: { dropout: 0 } },
} as const;

/** One epoch of a registered sequence family over the 2,048 sequences by `SequenceModel.fit`; seconds of the epoch itself. */
export async function familyEpoch(name: keyof typeof FAMILY_EPOCHS, data: SequenceData, rows = ROWS): Promise<number> {
  const { family, hp } = FAMILY_EPOCHS[name];
  const card = SEQUENCE_FAMILIES.find((f) => f.card.name === family)!;
  const model = new SequenceModel(card, { ...hp, maxEpochs: 1, batchSize: BATCH, classWeights: 'none', gradClipNorm: 0 });
  const fit = await model.fit({
    x: data.x.subarray(0, rows * STEPS * FEATURES),
    rows,
    shape: [STEPS, FEATURES],
    y: Uint8Array.from(data.y.subarray(0, rows)),
  });
  model.dispose();
  return (fit.history[0]?.elapsedMs ?? Number.NaN) / 1000;
}

/**
 * Causal attention of one Transformer epoch (8 batches × 2 layers of 256 sequences × 4 heads, 60 steps,
 * heads of 16), forward and backward, by the fused op or by the tfjs ops it replaced; seconds.
 */
export function attentionEpoch(tf: Tfjs, fused: boolean, batches = (ROWS / BATCH) * 2): number {
  const shape: [number, number, number] = [BATCH * HEADS, STEPS, UNITS / HEADS];
  const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal(shape, 0, 1, 'float32', s) as Tensor3D) as [Tensor3D, Tensor3D, Tensor3D];
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([STEPS, STEPS]), -1, 0)), -1e9));
  const attend = (qs: Tensor, ks: Tensor, vs: Tensor): Tensor =>
    fused
      ? scaledDotAttention(tf, qs as Tensor3D, ks as Tensor3D, vs as Tensor3D, { causal: true })
      : tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(qs, ks, false, true), 1 / Math.sqrt(UNITS / HEADS)), mask)), vs);
  const grads = tf.grads((qs: Tensor, ks: Tensor, vs: Tensor) => tf.sum(attend(qs, ks, vs)));
  const start = performance.now();
  for (let i = 0; i < batches; i++) tf.tidy(() => grads([q, k, v]).forEach((g) => g.dataSync()));
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([q, k, v, mask]);
  return seconds;
}
