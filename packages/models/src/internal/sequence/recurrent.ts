import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { gruLayer as fusedGru } from '../kernels/gru.js';
import { lstmLayer as fusedLstm } from '../kernels/lstm.js';
import type { ParamBuilder } from './params.js';

/**
 * The recurrent cells. Weights are stored in PyTorch's layout (`torch.nn.LSTM`: i, f, g, o;
 * `torch.nn.GRU`: r, z, n); the layers run on the hand-written fused kernels of `../kernels`
 * (3–4× faster than the same cell in tfjs ops on wasm, checked against tfjs autodiff to 1e-5).
 */
export interface RecurrentWeights {
  /** [features, gates·units]. */
  kernel: Tensor2D;
  /** [units, gates·units]. */
  recurrent: Tensor2D;
  /** [gates·units]: input and recurrent biases summed (LSTM) or the input bias (GRU). */
  bias: Tensor1D;
  /** GRU only, [units]: the recurrent bias of the candidate, applied inside the reset gate as in PyTorch. */
  recurrentBias?: Tensor1D;
}

/**
 * One LSTM layer: x [b, T, f] → hidden states [b, T, units] (zero initial state), run by the fused
 * kernel of `../kernels/lstm.ts` (forward and backward through time over typed arrays; PyTorch's
 * i, f, g, o gate order is Keras's i, f, c, o, so the weights pass as they are).
 * `inputIsData`: x is the input batch, whose gradient nobody needs.
 */
export function lstmLayer(tf: Tfjs, x: Tensor3D, w: RecurrentWeights, inputIsData = false): Tensor3D {
  return fusedLstm(tf, x, w.kernel, w.recurrent, w.bias, { inputGradient: !inputIsData });
}

/**
 * One GRU layer, by the fused kernel of `../kernels/gru.ts`, which takes Keras's `reset_after`
 * layout (gates z, r, h; biases [input; recurrent]). The same cell as PyTorch's: the columns are
 * reordered (r, z, n → z, r, n) and the recurrent bias row is 0 for z and r (PyTorch's r and z
 * recurrent biases are folded into `bias`) and `recurrentBias` for the candidate. The reordering
 * is tfjs ops, so gradients flow back to the stored PyTorch-layout weights.
 */
function gruLayer(tf: Tfjs, x: Tensor3D, w: RecurrentWeights, inputIsData = false): Tensor3D {
  const units = w.recurrent.shape[0];
  if (w.recurrentBias === undefined) throw new Error('gruLayer: recurrentBias is missing');
  const toKeras = <T extends Tensor>(t: T, axis: number): T => {
    const [r, z, n] = tf.split(t, 3, axis);
    return tf.concat([z as Tensor, r as Tensor, n as Tensor], axis) as T;
  };
  const bias = tf.stack([toKeras(w.bias, 0), tf.concat([tf.zeros([2 * units]), w.recurrentBias], 0)]) as Tensor2D;
  return fusedGru(tf, x, toKeras(w.kernel, 1), toKeras(w.recurrent, 1), bias, { inputGradient: !inputIsData });
}

export type RecurrentCell = 'lstm' | 'gru';

/** Parameters of one recurrent layer `name` (PyTorch's U(−1/√units, 1/√units) initialisation). */
export function recurrentParams(p: ParamBuilder, name: string, cell: RecurrentCell, inputs: number, units: number): void {
  const gates = cell === 'lstm' ? 4 : 3;
  p.fanIn(`${name}/kernel`, [inputs, gates * units], units)
    .fanIn(`${name}/recurrent`, [units, gates * units], units)
    .fanIn(`${name}/bias`, [gates * units], units);
  if (cell === 'gru') p.fanIn(`${name}/recurrentBias`, [units], units);
}

export function recurrentWeights(w: ReadonlyMap<string, Tensor>, name: string): RecurrentWeights {
  const get = <T extends Tensor>(part: string): T => {
    const t = w.get(`${name}/${part}`);
    if (t === undefined) throw new Error(`sequence model: no parameter '${name}/${part}'`);
    return t as T;
  };
  const recurrentBias = w.get(`${name}/recurrentBias`) as Tensor1D | undefined;
  return {
    kernel: get('kernel'),
    recurrent: get('recurrent'),
    bias: get('bias'),
    ...(recurrentBias !== undefined ? { recurrentBias } : {}),
  };
}

/** Run `cell` over x, or over x and reversed x with concatenated outputs when `reverse` weights are given. */
export function runRecurrent(
  tf: Tfjs,
  cell: RecurrentCell,
  x: Tensor3D,
  forward: RecurrentWeights,
  reverse?: RecurrentWeights,
  inputIsData = false,
): Tensor3D {
  const layer = cell === 'lstm' ? lstmLayer : gruLayer;
  const out = layer(tf, x, forward, inputIsData);
  if (reverse === undefined) return out;
  const back = tf.reverse(layer(tf, tf.reverse(x, 1), reverse, inputIsData), 1);
  return tf.concat([out, back], 2) as Tensor3D;
}
