import { Rng } from '@tribar/core';
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { NUM_CLASSES } from '../types.js';

/**
 * The MLP as plain tfjs variables — kernels [in, out] and biases [out] per dense layer — with
 * its own forward pass. A LayersModel is built only to save in tfjs's format: owning the
 * variables lets training draw a fresh seeded dropout mask per batch (tfjs's Dropout layer with a
 * seed repeats one mask forever) and use fused matMul + bias + relu kernels.
 */
export interface Network {
  /** Units per layer, input width first, 3 last. */
  sizes: number[];
  /** [kernel0, bias0, kernel1, bias1, …], the order of LayersModel.getWeights(). */
  variables: Variable[];
}

/** Glorot-uniform kernels (Keras's default) drawn from our own seeded Rng, zero biases: identical on every backend. */
export function initialWeights(sizes: readonly number[], seed: number): Float32Array[] {
  const rng = new Rng(seed).fork('mlp/init');
  const out: Float32Array[] = [];
  for (let k = 0; k + 1 < sizes.length; k++) {
    const fanIn = sizes[k] as number;
    const fanOut = sizes[k + 1] as number;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const kernel = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-limit, limit);
    out.push(kernel, new Float32Array(fanOut));
  }
  return out;
}

export function weightShapes(sizes: readonly number[]): number[][] {
  const shapes: number[][] = [];
  for (let k = 0; k + 1 < sizes.length; k++) shapes.push([sizes[k] as number, sizes[k + 1] as number], [sizes[k + 1] as number]);
  return shapes;
}

export function createNetwork(tf: Tfjs, sizes: number[], weights: readonly Float32Array[]): Network {
  const shapes = weightShapes(sizes);
  const variables = weights.map((w, k) => tf.variable(tf.tensor(w, shapes[k]), true));
  return { sizes, variables };
}

export function snapshot(network: Network): Float32Array[] {
  return network.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

export function restore(tf: Tfjs, network: Network, weights: readonly Float32Array[]): void {
  const shapes = weightShapes(network.sizes);
  network.variables.forEach((v, k) => tf.tidy(() => v.assign(tf.tensor(weights[k] as Float32Array, shapes[k]))));
}

export function disposeNetwork(network: Network): void {
  for (const v of network.variables) v.dispose();
}

/**
 * One dense layer, `relu(x·W + b)` or `x·W + b`, with its gradient written out. tfjs's own gradient of
 * a matMul multiplies by transposed operands, and the wasm backend's matMul with a transposed operand
 * runs at 2 GFLOPS against 30 for a plain one (measured here, 256 × 1920 × 128): transposing first and
 * multiplying plainly makes an MLP epoch about 5× faster on wasm and changes nothing on other backends.
 * The first layer's input is data, never differentiated, so its gradient is zeros rather than a product.
 */
function dense(tf: Tfjs, x: Tensor2D, kernel: Tensor2D, bias: Tensor, relu: boolean, inputIsData: boolean): Tensor2D {
  const layer = tf.customGrad((input, w, b, save) => {
    const xs = input as Tensor2D;
    const ws = w as Tensor2D;
    const y = tf.fused.matMul({ a: xs, b: ws, bias: b as Tensor, ...(relu ? { activation: 'relu' as const } : {}) });
    (save as (tensors: Tensor[]) => void)([xs, ws, y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xSaved, wSaved, ySaved] = saved as [Tensor2D, Tensor2D, Tensor2D];
        const dz = (relu ? tf.mul(dy, tf.step(ySaved)) : dy) as Tensor2D;
        const dx = inputIsData ? tf.zerosLike(xSaved) : tf.matMul(dz, tf.transpose(wSaved));
        return [dx, tf.matMul(tf.transpose(xSaved), dz), tf.sum(dz, 0)];
      },
    };
  });
  return layer(x, kernel, bias) as Tensor2D;
}

/**
 * Logits for a batch [rows, width]. With `dropout` set, hidden activations are dropped with a
 * mask seeded per batch and layer (inverted dropout, so inference needs no rescaling).
 */
export function forward(tf: Tfjs, network: Network, x: Tensor2D, dropout?: { rate: number; seed: number }): Tensor2D {
  const { variables } = network;
  let h: Tensor2D = x;
  const layers = variables.length / 2;
  for (let k = 0; k < layers; k++) {
    const last = k === layers - 1;
    h = dense(tf, h, variables[2 * k] as Tensor2D, variables[2 * k + 1] as Tensor, !last, k === 0);
    if (!last && dropout !== undefined && dropout.rate > 0) h = tf.dropout(h, dropout.rate, undefined, dropout.seed + k) as Tensor2D;
  }
  return h;
}

/** Softmax probabilities of `rows` rows, computed `chunk` rows at a time from lazily filled batches. */
export function predictRows(
  tf: Tfjs,
  network: Network,
  rows: number,
  width: number,
  fill: (start: number, end: number, into: Float32Array) => void,
  chunk = 2048,
): Float32Array {
  const out = new Float32Array(rows * NUM_CLASSES);
  const buffer = new Float32Array(Math.min(chunk, Math.max(rows, 1)) * width);
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(start + chunk, rows);
    const view = buffer.subarray(0, (end - start) * width);
    fill(start, end, view);
    const p = tf.tidy(() => tf.softmax(forward(tf, network, tf.tensor2d(view, [end - start, width]))));
    out.set(p.dataSync() as Float32Array, start * NUM_CLASSES);
    p.dispose();
  }
  return out;
}
