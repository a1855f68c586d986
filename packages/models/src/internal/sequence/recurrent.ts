import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import type { ParamBuilder } from './params.js';

/**
 * The recurrent cells, each one function over plain tfjs ops (autodiff through time by
 * `tf.variableGrads`), so a hand-written fused kernel can replace one without touching a family.
 * Gate layout follows PyTorch (`torch.nn.LSTM`: i, f, g, o; `torch.nn.GRU`: r, z, n).
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

/** x [b, T, f] → x·kernel + bias as T tensors [b, gates·units] (one large matMul instead of T small ones). */
function inputProjections(tf: Tfjs, x: Tensor3D, w: RecurrentWeights): Tensor2D[] {
  const [b, steps, f] = x.shape;
  const gates = w.kernel.shape[1];
  const projected = tf.add(tf.matMul(x.reshape([b * steps, f]) as Tensor2D, w.kernel), w.bias).reshape([b, steps, gates]);
  return tf.unstack(projected, 1) as Tensor2D[];
}

/** One LSTM layer: x [b, T, f] → hidden states [b, T, units] (zero initial state). */
export function lstmLayer(tf: Tfjs, x: Tensor3D, w: RecurrentWeights): Tensor3D {
  const units = w.recurrent.shape[0];
  const b = x.shape[0];
  let h: Tensor2D = tf.zeros([b, units]);
  let c: Tensor2D = tf.zeros([b, units]);
  const outputs: Tensor2D[] = [];
  for (const xt of inputProjections(tf, x, w)) {
    const z = tf.add(xt, tf.matMul(h, w.recurrent));
    const [i, f, g, o] = tf.split(z, 4, 1) as [Tensor2D, Tensor2D, Tensor2D, Tensor2D];
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    outputs.push(h);
  }
  return tf.stack(outputs, 1) as Tensor3D;
}

/** One GRU layer: x [b, T, f] → hidden states [b, T, units] (zero initial state). */
function gruLayer(tf: Tfjs, x: Tensor3D, w: RecurrentWeights): Tensor3D {
  const units = w.recurrent.shape[0];
  const b = x.shape[0];
  if (w.recurrentBias === undefined) throw new Error('gruLayer: recurrentBias is missing');
  const recurrentBias = w.recurrentBias;
  let h: Tensor2D = tf.zeros([b, units]);
  const outputs: Tensor2D[] = [];
  const [rzKernel, nKernel] = tf.split(w.recurrent, [2 * units, units], 1) as [Tensor2D, Tensor2D];
  for (const xt of inputProjections(tf, x, w)) {
    const [xrz, xn] = tf.split(xt, [2 * units, units], 1) as [Tensor2D, Tensor2D];
    const rz = tf.sigmoid(tf.add(xrz, tf.matMul(h, rzKernel)));
    const [r, z] = tf.split(rz, 2, 1) as [Tensor2D, Tensor2D];
    const n = tf.tanh(tf.add(xn, tf.mul(r, tf.add(tf.matMul(h, nKernel), recurrentBias))));
    // h' = (1 − z)·n + z·h = n + z·(h − n)
    h = tf.add(n, tf.mul(z, tf.sub(h, n)));
    outputs.push(h);
  }
  return tf.stack(outputs, 1) as Tensor3D;
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
export function runRecurrent(tf: Tfjs, cell: RecurrentCell, x: Tensor3D, forward: RecurrentWeights, reverse?: RecurrentWeights): Tensor3D {
  const layer = cell === 'lstm' ? lstmLayer : gruLayer;
  const out = layer(tf, x, forward);
  if (reverse === undefined) return out;
  const back = tf.reverse(layer(tf, tf.reverse(x, 1), reverse), 1);
  return tf.concat([out, back], 2) as Tensor3D;
}
