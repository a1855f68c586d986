import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { recurrentOp, columnSumsInto, computeData, dataOf, productInto, recurrentKernelGradient, recurrentShapes } from './products.js';

export interface RecurrentLayerOptions {
  /**
   * Keep what backpropagation through time needs. Defaults to whether tfjs is recording a gradient
   * tape (inside `tf.variableGrads`, `tf.grad`, an optimizer's `minimize`); inference keeps nothing.
   */
  training?: boolean;
  /**
   * Compute the gradient with respect to `x` (default true). Set false when `x` is data (the first layer
   * over the input batch): its gradient is then zeros and the backward pass skips a product as large as the forward input projection.
   */
  inputGradient?: boolean;
}

/**
 * A whole LSTM layer as one tfjs op: `x` [batch, steps, in] → the hidden sequence [batch, steps, units]
 * (its last step is the final state). Keras's layout, the one tfjs saves: `kernel` [in, 4u],
 * `recurrentKernel` [u, 4u], `bias` [4u], gates in the order i, f, c, o; sigmoid gates, tanh cell,
 * zero initial state. Forward over all steps and backward through time run over Float32Array with
 * the gates fused into one pass per step; the gradient (x, kernel, recurrentKernel, bias) is
 * `tf.customGrad`'s, so the layer composes with any tfjs ops around it.
 */
export function lstmLayer(
  tf: Tfjs,
  x: Tensor3D,
  kernel: Tensor2D,
  recurrentKernel: Tensor2D,
  bias: Tensor1D,
  options: RecurrentLayerOptions = {},
): Tensor3D {
  const dims = recurrentShapes('lstmLayer', 4, x, kernel, recurrentKernel, bias, (u) => [4 * u]);
  return recurrentOp(
    tf,
    { x, kernel, recurrentKernel, bias, dims },
    options,
    (xs, w, rw, b, d) => lstmForward(tf, xs, w, rw, b, d),
    (dy, saved, state, d, inputGradient) => lstmBackward(tf, dy, saved, state, d, inputGradient),
  );
}

interface Dims {
  batch: number;
  steps: number;
  inputs: number;
  units: number;
}

interface LstmState {
  /** Activated gates i, f, g, o per (batch, step) row [batch·steps, 4u]; the backward pass overwrites them with their pre-activation gradients. */
  gates: Float32Array;
  /** Cell states [batch·steps, u]. */
  c: Float32Array;
  /** tanh of the cell states, kept for the backward pass. */
  tanhC: Float32Array;
  /** Hidden states [batch·steps, u], the layer's output. */
  h: Float32Array;
}

function lstmForward(tf: Tfjs, x: Tensor3D, kernel: Tensor2D, recurrentKernel: Tensor2D, bias: Tensor1D, dims: Dims): LstmState {
  const { batch, steps, inputs, units: u } = dims;
  const g4 = 4 * u;
  const gates = computeData(tf, () => tf.add(tf.matMul(tf.reshape(x, [batch * steps, inputs]), kernel), bias));
  const c = new Float32Array(batch * steps * u);
  const tanhC = new Float32Array(batch * steps * u);
  const h = new Float32Array(batch * steps * u);
  const hPrev = new Float32Array(batch * u);
  const recurrent = new Float32Array(batch * g4);
  for (let t = 0; t < steps; t++) {
    if (t > 0) productInto(tf, hPrev, batch, recurrentKernel, recurrent);
    for (let b = 0; b < batch; b++) {
      const row = b * steps + t;
      const z = row * g4;
      const r = b * g4;
      const s = row * u;
      const sPrev = s - u;
      for (let j = 0; j < u; j++) {
        let zi = gates[z + j] as number;
        let zf = gates[z + u + j] as number;
        let zg = gates[z + 2 * u + j] as number;
        let zo = gates[z + 3 * u + j] as number;
        let cPrev = 0;
        if (t > 0) {
          zi += recurrent[r + j] as number;
          zf += recurrent[r + u + j] as number;
          zg += recurrent[r + 2 * u + j] as number;
          zo += recurrent[r + 3 * u + j] as number;
          cPrev = c[sPrev + j] as number;
        }
        // sigmoid and tanh written out (the same expressions as products.ts, so the same values): a CPU
        // profile showed V8 calling them here rather than inlining; a batch's forward + backward took ~4 % less
        const i = 1 / (1 + Math.exp(-zi));
        const f = 1 / (1 + Math.exp(-zf));
        const g = 2 / (1 + Math.exp(-2 * zg)) - 1;
        const o = 1 / (1 + Math.exp(-zo));
        const cell = f * cPrev + i * g;
        const tc = 2 / (1 + Math.exp(-2 * cell)) - 1;
        const hidden = o * tc;
        gates[z + j] = i;
        gates[z + u + j] = f;
        gates[z + 2 * u + j] = g;
        gates[z + 3 * u + j] = o;
        c[s + j] = cell;
        tanhC[s + j] = tc;
        h[s + j] = hidden;
        hPrev[b * u + j] = hidden;
      }
    }
  }
  return { gates, c, tanhC, h };
}

function lstmBackward(
  tf: Tfjs,
  dy: Tensor,
  saved: [Tensor3D, Tensor2D, Tensor2D],
  state: LstmState,
  dims: Dims,
  inputGradient: boolean,
): Tensor[] {
  const { batch, steps, inputs, units: u } = dims;
  const g4 = 4 * u;
  const [x, kernel, recurrentKernel] = saved;
  const { gates, c, tanhC, h } = state;
  const dh = dataOf(dy);
  const dhNext = new Float32Array(batch * u);
  const dcNext = new Float32Array(batch * u);
  const dzStep = new Float32Array(batch * g4);
  const recurrentT = tf.transpose(recurrentKernel) as Tensor2D;
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < batch; b++) {
      const row = b * steps + t;
      const z = row * g4;
      const s = row * u;
      const n = b * u;
      const d = b * g4;
      for (let j = 0; j < u; j++) {
        const i = gates[z + j] as number;
        const f = gates[z + u + j] as number;
        const g = gates[z + 2 * u + j] as number;
        const o = gates[z + 3 * u + j] as number;
        const tc = tanhC[s + j] as number;
        const cPrev = t > 0 ? (c[s - u + j] as number) : 0;
        const dHidden = (dh[s + j] as number) + (dhNext[n + j] as number);
        const dCell = (dcNext[n + j] as number) + dHidden * o * (1 - tc * tc);
        const dzi = dCell * g * i * (1 - i);
        const dzf = dCell * cPrev * f * (1 - f);
        const dzg = dCell * i * (1 - g * g);
        const dzo = dHidden * tc * o * (1 - o);
        dcNext[n + j] = dCell * f;
        gates[z + j] = dzi;
        gates[z + u + j] = dzf;
        gates[z + 2 * u + j] = dzg;
        gates[z + 3 * u + j] = dzo;
        dzStep[d + j] = dzi;
        dzStep[d + u + j] = dzf;
        dzStep[d + 2 * u + j] = dzg;
        dzStep[d + 3 * u + j] = dzo;
      }
    }
    if (t > 0) productInto(tf, dzStep, batch, recurrentT, dhNext);
  }
  recurrentT.dispose();
  const rows = batch * steps;
  const dBias = new Float32Array(g4);
  columnSumsInto(gates, rows, g4, dBias); // gates now hold the pre-activation gradients
  return tf.tidy(() => {
    const dz = tf.tensor2d(gates, [rows, g4]);
    const dx = inputGradient ? tf.reshape(tf.matMul(dz, tf.transpose(kernel)), [batch, steps, inputs]) : tf.zerosLike(x);
    const dKernel = tf.matMul(tf.transpose(tf.reshape(x, [rows, inputs])), dz);
    return [dx, dKernel, recurrentKernelGradient(tf, h, batch, steps, u, dz), tf.tensor1d(dBias)];
  });
}
