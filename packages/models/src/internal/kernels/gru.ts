import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import type { RecurrentLayerOptions } from './lstm.js';
import {
  recurrentOp,
  columnSumsInto,
  computeData,
  dataOf,
  productInto,
  recurrentKernelGradient,
  recurrentShapes,
  sigmoid,
  tanh,
} from './products.js';

/**
 * A whole GRU layer as one tfjs op, Keras v2's GRU with `reset_after=True` (also cuDNN's):
 * `kernel` [in, 3u], `recurrentKernel` [u, 3u], `bias` [2, 3u] (row 0 the input bias, row 1 the
 * recurrent bias), gates in the order z, r, h:
 *   z = σ(x·W_z + b_z + h·U_z + b'_z), r = σ(x·W_r + b_r + h·U_r + b'_r),
 *   ĥ = tanh(x·W_h + b_h + r ⊙ (h·U_h + b'_h)), h ← z ⊙ h + (1 − z) ⊙ ĥ, from a zero state.
 * `x` [batch, steps, in] → the hidden sequence [batch, steps, units]; forward and backward through
 * time over Float32Array like {@link lstmLayer}, its gradient `tf.customGrad`'s.
 */
export function gruLayer(
  tf: Tfjs,
  x: Tensor3D,
  kernel: Tensor2D,
  recurrentKernel: Tensor2D,
  bias: Tensor2D,
  options: RecurrentLayerOptions = {},
): Tensor3D {
  const dims = recurrentShapes('gruLayer', 3, x, kernel, recurrentKernel, bias, (u) => [2, 3 * u]);
  return recurrentOp(
    tf,
    { x, kernel, recurrentKernel, bias, dims },
    options,
    (xs, w, rw, b, d) => gruForward(tf, xs, w, rw, b, d),
    (dy, saved, state, d, inputGradient) => gruBackward(tf, dy, saved, state, d, inputGradient),
  );
}

interface Dims {
  batch: number;
  steps: number;
  inputs: number;
  units: number;
}

interface GruState {
  /** Activated z, r, ĥ per (batch, step) row [batch·steps, 3u]; overwritten by the backward pass. */
  gates: Float32Array;
  /** The recurrent candidate part h_{t-1}·U_h + b'_h per row [batch·steps, u]. */
  candidate: Float32Array;
  /** Hidden states [batch·steps, u], the output. */
  h: Float32Array;
}

function gruForward(tf: Tfjs, x: Tensor3D, kernel: Tensor2D, recurrentKernel: Tensor2D, bias: Tensor2D, dims: Dims): GruState {
  const { batch, steps, inputs, units: u } = dims;
  const g3 = 3 * u;
  const rb = computeData(tf, () => tf.slice(bias, [1, 0], [1, g3]));
  const gates = computeData(tf, () => tf.add(tf.matMul(tf.reshape(x, [batch * steps, inputs]), kernel), tf.slice(bias, [0, 0], [1, g3])));
  const candidate = new Float32Array(batch * steps * u);
  const h = new Float32Array(batch * steps * u);
  const hPrev = new Float32Array(batch * u);
  const recurrent = new Float32Array(batch * g3);
  for (let t = 0; t < steps; t++) {
    if (t > 0) productInto(tf, hPrev, batch, recurrentKernel, recurrent);
    for (let b = 0; b < batch; b++) {
      const row = b * steps + t;
      const z0 = row * g3;
      const r0 = b * g3;
      const s = row * u;
      for (let j = 0; j < u; j++) {
        let rz = rb[j] as number;
        let rr = rb[u + j] as number;
        let rh = rb[2 * u + j] as number;
        let prev = 0;
        if (t > 0) {
          rz += recurrent[r0 + j] as number;
          rr += recurrent[r0 + u + j] as number;
          rh += recurrent[r0 + 2 * u + j] as number;
          prev = hPrev[b * u + j] as number;
        }
        const z = sigmoid((gates[z0 + j] as number) + rz);
        const r = sigmoid((gates[z0 + u + j] as number) + rr);
        const hh = tanh((gates[z0 + 2 * u + j] as number) + r * rh);
        const hidden = z * prev + (1 - z) * hh;
        gates[z0 + j] = z;
        gates[z0 + u + j] = r;
        gates[z0 + 2 * u + j] = hh;
        candidate[s + j] = rh;
        h[s + j] = hidden;
        hPrev[b * u + j] = hidden;
      }
    }
  }
  return { gates, candidate, h };
}

function gruBackward(
  tf: Tfjs,
  dy: Tensor,
  saved: [Tensor3D, Tensor2D, Tensor2D],
  state: GruState,
  dims: Dims,
  inputGradient: boolean,
): Tensor[] {
  const { batch, steps, inputs, units: u } = dims;
  const g3 = 3 * u;
  const [x, kernel, recurrentKernel] = saved;
  const { gates, candidate, h } = state;
  const rows = batch * steps;
  const dh = dataOf(dy);
  const dhNext = new Float32Array(batch * u);
  const dRecStep = new Float32Array(batch * g3);
  // Gradients of the recurrent pre-activations [z, r, candidate] per row: z and r equal the input side's.
  const dRec = new Float32Array(rows * g3);
  const recurrentT = tf.transpose(recurrentKernel) as Tensor2D;
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < batch; b++) {
      const row = b * steps + t;
      const z0 = row * g3;
      const s = row * u;
      const n = b * u;
      const d = b * g3;
      for (let j = 0; j < u; j++) {
        const z = gates[z0 + j] as number;
        const r = gates[z0 + u + j] as number;
        const hh = gates[z0 + 2 * u + j] as number;
        const prev = t > 0 ? (h[s - u + j] as number) : 0;
        const dHidden = (dh[s + j] as number) + (dhNext[n + j] as number);
        const dah = dHidden * (1 - z) * (1 - hh * hh);
        const daz = dHidden * (prev - hh) * z * (1 - z);
        const dar = dah * (candidate[s + j] as number) * r * (1 - r);
        const dCandidate = dah * r;
        gates[z0 + j] = daz;
        gates[z0 + u + j] = dar;
        gates[z0 + 2 * u + j] = dah;
        dRec[z0 + j] = daz;
        dRec[z0 + u + j] = dar;
        dRec[z0 + 2 * u + j] = dCandidate;
        dRecStep[d + j] = daz;
        dRecStep[d + u + j] = dar;
        dRecStep[d + 2 * u + j] = dCandidate;
        // the direct path h_{t-1} → h_t; the product below adds the path through U
        dhNext[n + j] = dHidden * z;
      }
    }
    if (t > 0) productInto(tf, dRecStep, batch, recurrentT, dhNext, true);
  }
  recurrentT.dispose();
  const dBias = new Float32Array(2 * g3);
  columnSumsInto(gates, rows, g3, dBias, 0); // gates now hold the input pre-activation gradients
  columnSumsInto(dRec, rows, g3, dBias, g3);
  return tf.tidy(() => {
    const dIn = tf.tensor2d(gates, [rows, g3]);
    const dx = inputGradient ? tf.reshape(tf.matMul(dIn, tf.transpose(kernel)), [batch, steps, inputs]) : tf.zerosLike(x);
    const dKernel = tf.matMul(tf.transpose(tf.reshape(x, [rows, inputs])), dIn);
    const dRecurrent = recurrentKernelGradient(tf, h, batch, steps, u, tf.tensor2d(dRec, [rows, g3]));
    return [dx, dKernel, dRecurrent, tf.tensor2d(dBias, [2, g3])];
  });
}
