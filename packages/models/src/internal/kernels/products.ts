import { UsageError } from '@tribar/core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';

/**
 * The matrix products of the recurrent kernels go through the active backend's plain (untransposed)
 * matMul: on wasm that is XNNPACK's SIMD GEMM, measured here 6–12× faster than the best JavaScript loop
 * over Float32Array (256×64·64×256 and 15,360×32·32×256; see bench/sequence.bench.ts), and on the gpu
 * backends it is the device's. Everything elementwise — the gates, the cell, their derivatives — runs in
 * JavaScript over typed arrays, fused into one pass per step.
 */

/**
 * `out ← a·b` (or `out += a·b` with `accumulate`) with `a` a row-major Float32Array of
 * `rows × b.shape[0]`; `out` holds `rows × b.shape[1]`.
 */
export function productInto(tf: Tfjs, a: Float32Array, rows: number, b: Tensor2D, out: Float32Array, accumulate = false): void {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(a, [rows, b.shape[0]]), b));
  const values = product.dataSync() as Float32Array;
  if (accumulate) for (let i = 0; i < values.length; i++) out[i] = (out[i] as number) + (values[i] as number);
  else out.set(values);
  product.dispose();
}

/**
 * The recurrent kernel's gradient `Σ_t h_{t-1}ᵀ·dz_t` as one product `H₋ᵀ·dZ`, for `h` the hidden states
 * [batch·steps, u] and `dz` the recurrent pre-activation gradients [batch·steps, m]: H₋ᵀ [u, batch·steps]
 * (h shifted one step, zero at t = 0) is written transposed in JavaScript and multiplied plainly.
 */
export function recurrentKernelGradient(tf: Tfjs, h: Float32Array, batch: number, steps: number, u: number, dz: Tensor2D): Tensor2D {
  const rows = batch * steps;
  const shiftedT = new Float32Array(u * rows);
  for (let b = 0; b < batch; b++) {
    for (let t = 1; t < steps; t++) {
      const row = b * steps + t;
      const base = (row - 1) * u;
      for (let j = 0; j < u; j++) shiftedT[j * rows + row] = h[base + j] as number;
    }
  }
  return tf.tidy(() => tf.matMul(tf.tensor2d(shiftedT, [u, rows]), dz));
}

/** Sequences per block in the layers' inference path (2,000 at once ran markedly slower per window than blocks of 256). */
const INFERENCE_BLOCK = 256;

interface RecurrentDims {
  batch: number;
  steps: number;
  inputs: number;
  units: number;
}

/**
 * A whole recurrent layer as one tfjs op, shared by the LSTM and GRU kernels: `forward` computes the
 * hidden sequence over typed arrays (and the state its backward pass needs), `backward` the gradients
 * of (x, kernel, recurrentKernel, bias) through time, wired up by `tf.customGrad`. Outside a gradient
 * tape (or with `training: false`) nothing is kept and INFERENCE_BLOCK sequences run at a time, so a
 * step's rows stay in cache.
 */
export function recurrentOp<Bias extends Tensor, State extends { h: Float32Array }>(
  tf: Tfjs,
  layer: { x: Tensor3D; kernel: Tensor2D; recurrentKernel: Tensor2D; bias: Bias; dims: RecurrentDims },
  options: { training?: boolean; inputGradient?: boolean },
  forward: (x: Tensor3D, kernel: Tensor2D, recurrentKernel: Tensor2D, bias: Bias, dims: RecurrentDims) => State,
  backward: (dy: Tensor, saved: [Tensor3D, Tensor2D, Tensor2D], state: State, dims: RecurrentDims, inputGradient: boolean) => Tensor[],
): Tensor3D {
  const { x, kernel, recurrentKernel, bias, dims } = layer;
  if (!(options.training ?? taping(tf))) {
    const parts: Tensor3D[] = [];
    for (let start = 0; start < dims.batch; start += INFERENCE_BLOCK) {
      const size = Math.min(INFERENCE_BLOCK, dims.batch - start);
      const block = size === dims.batch ? x : (tf.slice(x, [start, 0, 0], [size, dims.steps, dims.inputs]) as Tensor3D);
      const h = forward(block, kernel, recurrentKernel, bias, { ...dims, batch: size }).h;
      parts.push(tf.tensor3d(h, [size, dims.steps, dims.units]));
      if (block !== x) block.dispose();
    }
    if (parts.length === 1) return parts[0] as Tensor3D;
    const joined = tf.concat(parts, 0);
    tf.dispose(parts);
    return joined;
  }
  const op = tf.customGrad((xs, w, rw, b, save) => {
    const state = forward(xs as Tensor3D, w as Tensor2D, rw as Tensor2D, b as Bias, dims);
    (save as (tensors: Tensor[]) => void)([xs as Tensor, w as Tensor, rw as Tensor]);
    return {
      value: tf.tensor3d(state.h, [dims.batch, dims.steps, dims.units]),
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        backward(dy, saved as [Tensor3D, Tensor2D, Tensor2D], state, dims, options.inputGradient ?? true),
    };
  });
  return op(x, kernel, recurrentKernel, bias) as Tensor3D;
}

/** Column sums of a row-major `rows × cols` array, written into `out` at `offset`. */
export function columnSumsInto(a: Float32Array, rows: number, cols: number, out: Float32Array, offset = 0): void {
  for (let j = 0; j < cols; j++) out[offset + j] = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) out[offset + j] = (out[offset + j] as number) + (a[base + j] as number);
  }
}

/** Typed data of a float32 tensor (a copy on wasm and gpu backends, the backing array on cpu: never write to it). */
export function dataOf(tensor: Tensor): Float32Array {
  return tensor.dataSync() as Float32Array;
}

/**
 * The data of the tensor `make` computes, the tensor and its intermediates disposed. Never return a
 * typed array from `tf.tidy` itself: tidy walks its result element by element looking for tensors
 * (5 s for one LSTM batch's gate array, measured).
 */
export function computeData(tf: Tfjs, make: () => Tensor): Float32Array {
  const tensor = tf.tidy(make);
  const values = tensor.dataSync() as Float32Array;
  // the cpu backend hands back the tensor's own storage (the caller overwrites it): copy; the others already copied
  const data = tf.getBackend() === 'cpu' ? Float32Array.from(values) : values;
  tensor.dispose();
  return data;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** tanh through one exp (Math.tanh costs about three times as much in V8); exact to float64 rounding, ±1 at the extremes. */
export function tanh(z: number): number {
  return 2 / (1 + Math.exp(-2 * z)) - 1;
}

/** Checks the shapes of a recurrent layer's inputs: x [batch, steps, in], kernel [in, gates·units], recurrent [units, gates·units]. */
export function recurrentShapes(
  layer: string,
  gates: number,
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor,
  biasShape: (units: number) => number[],
): { batch: number; steps: number; inputs: number; units: number } {
  const fail = (field: string, detail: string): never => {
    throw new UsageError(`${layer}: ${field} ${detail}`, {
      hint: `x is [batch, steps, in], kernel [in, ${gates}·units], recurrentKernel [units, ${gates}·units] (Keras's layout)`,
    });
  };
  if (x.rank !== 3) fail('x', `has shape [${x.shape.join(', ')}], expected rank 3`);
  const [batch, steps, inputs] = x.shape as [number, number, number];
  if (recurrentKernel.rank !== 2 || (recurrentKernel.shape[1] as number) !== gates * (recurrentKernel.shape[0] as number)) {
    fail('recurrentKernel', `has shape [${recurrentKernel.shape.join(', ')}], expected [units, ${gates}·units]`);
  }
  const units = recurrentKernel.shape[0] as number;
  if (kernel.rank !== 2 || kernel.shape[0] !== inputs || kernel.shape[1] !== gates * units) {
    fail('kernel', `has shape [${kernel.shape.join(', ')}], expected [${inputs}, ${gates * units}]`);
  }
  const expected = biasShape(units);
  if (bias.shape.length !== expected.length || bias.shape.some((d, k) => d !== expected[k])) {
    fail('bias', `has shape [${bias.shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
  for (const [name, t] of [
    ['x', x],
    ['kernel', kernel],
    ['recurrentKernel', recurrentKernel],
    ['bias', bias],
  ] as const) {
    if (t.dtype !== 'float32') fail(name, `has dtype ${t.dtype}, expected float32`);
  }
  if (batch === 0 || steps === 0) fail('x', `has an empty dimension: [${x.shape.join(', ')}]`);
  return { batch, steps, inputs, units };
}

/** Whether tfjs is recording a gradient tape now (inside tf.grad / variableGrads / minimize). */
function taping(tf: Tfjs): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}
