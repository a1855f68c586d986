import { UsageError } from '@tribar/core';
import type { Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gruLayer } from '../src/internal/kernels/gru.js';
import { lstmLayer } from '../src/internal/kernels/lstm.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';
import type { Tfjs } from '../src/internal/tfjs/backend.js';

/** The same cells written in plain tfjs ops (Keras's equations), differentiated by tfjs autodiff. */
function referenceLstm(tf: Tfjs, x: Tensor3D, w: Tensor2D, rw: Tensor2D, b: Tensor1D): Tensor3D {
  const [batch, steps] = x.shape;
  const u = rw.shape[0];
  let h = tf.zeros([batch, u]) as Tensor2D;
  let c = tf.zeros([batch, u]) as Tensor2D;
  const out: Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [batch, 1, -1]), [1]) as Tensor2D;
    const z = tf.add(tf.add(tf.matMul(xt, w), tf.matMul(h, rw)), b) as Tensor2D;
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as Tensor2D[];
    c = tf.add(tf.mul(tf.sigmoid(zf!), c), tf.mul(tf.sigmoid(zi!), tf.tanh(zg!))) as Tensor2D;
    h = tf.mul(tf.sigmoid(zo!), tf.tanh(c)) as Tensor2D;
    out.push(h);
  }
  return tf.stack(out, 1) as Tensor3D;
}

function referenceGru(tf: Tfjs, x: Tensor3D, w: Tensor2D, rw: Tensor2D, b: Tensor2D): Tensor3D {
  const [batch, steps] = x.shape;
  const u = rw.shape[0];
  const [bIn, bRec] = tf.unstack(b) as Tensor1D[];
  let h = tf.zeros([batch, u]) as Tensor2D;
  const out: Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [batch, 1, -1]), [1]) as Tensor2D;
    const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, w), bIn!), 3, 1) as Tensor2D[];
    const [rz, rr, rh] = tf.split(tf.add(tf.matMul(h, rw), bRec!), 3, 1) as Tensor2D[];
    const z = tf.sigmoid(tf.add(xz!, rz!));
    const r = tf.sigmoid(tf.add(xr!, rr!));
    const hh = tf.tanh(tf.add(xh!, tf.mul(r, rh!)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh)) as Tensor2D;
    out.push(h);
  }
  return tf.stack(out, 1) as Tensor3D;
}

type Layer = (tf: Tfjs, x: Tensor3D, w: Tensor2D, rw: Tensor2D, b: Tensor) => Tensor3D;

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs((x[i] as number) - (y[i] as number)));
  return m;
}

async function compare(kind: 'lstm' | 'gru', batch: number, steps: number, inputs: number, units: number, seed: number): Promise<void> {
  const { tf } = await selectTfjsBackend();
  const gates = kind === 'lstm' ? 4 : 3;
  const ours: Layer =
    kind === 'lstm' ? (t, x, w, rw, b) => lstmLayer(t, x, w, rw, b as Tensor1D) : (t, x, w, rw, b) => gruLayer(t, x, w, rw, b as Tensor2D);
  const theirs: Layer =
    kind === 'lstm'
      ? (t, x, w, rw, b) => referenceLstm(t, x, w, rw, b as Tensor1D)
      : (t, x, w, rw, b) => referenceGru(t, x, w, rw, b as Tensor2D);
  const x = tf.variable(tf.randomNormal([batch, steps, inputs], 0, 1, 'float32', seed), true) as Variable & Tensor3D;
  const w = tf.variable(tf.randomNormal([inputs, gates * units], 0, 0.5, 'float32', seed + 1), true) as Variable & Tensor2D;
  const rw = tf.variable(tf.randomNormal([units, gates * units], 0, 0.5, 'float32', seed + 2), true) as Variable & Tensor2D;
  const b = tf.variable(tf.randomNormal(kind === 'lstm' ? [4 * units] : [2, 3 * units], 0, 0.3, 'float32', seed + 3), true);
  // A loss that weighs every output differently, so every position's gradient is exercised.
  const weights = tf.randomNormal([batch, steps, units], 0, 1, 'float32', seed + 4);
  const loss = (layer: Layer) => () => tf.sum(tf.mul(weights, layer(tf, x, w, rw, b))) as Scalar;
  const a = tf.variableGrads(loss(ours), [x, w, rw, b]);
  const r = tf.variableGrads(loss(theirs), [x, w, rw, b]);
  expect(maxAbsDiff(ours(tf, x, w, rw, b), theirs(tf, x, w, rw, b))).toBeLessThan(1e-5);
  expect(Math.abs((a.value.dataSync()[0] as number) - (r.value.dataSync()[0] as number))).toBeLessThan(
    1e-4 * Math.max(1, Math.abs(r.value.dataSync()[0] as number)),
  );
  for (const v of [x, w, rw, b]) {
    const g = a.grads[v.name]!;
    expect(g.shape).toEqual(v.shape);
    // the reference's recurrent gradient is exactly zero when steps = 1; otherwise every gradient moves
    if (!(steps === 1 && v === rw)) expect(Array.from(g.dataSync()).some((q) => q !== 0)).toBe(true);
    expect(maxAbsDiff(g, r.grads[v.name]!)).toBeLessThan(1e-5);
  }
  tf.dispose([x, w, rw, b, weights, a.value, r.value, ...Object.values(a.grads), ...Object.values(r.grads)]);
}

const SHAPES: [number, number, number, number][] = [
  [3, 5, 4, 6], // units ≠ input width
  [1, 7, 3, 2], // batch 1
  [4, 1, 5, 3], // steps 1
  [2, 9, 8, 8],
];

describe.each(['lstm', 'gru'] as const)('the fused %s layer against tfjs autodiff of the same cell in tfjs ops', (kind) => {
  it.each(SHAPES)('batch %i, steps %i, in %i, units %i: values and every gradient within 1e-5', async (batch, steps, inputs, units) => {
    await compare(kind, batch, steps, inputs, units, 10 * batch + steps);
  });
});

describe('the fused layers outside a gradient tape', () => {
  it('give the same values without keeping state, and compose with ops after them (the last step as the final state)', async () => {
    const { tf } = await selectTfjsBackend();
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5) as Tensor3D;
    const w = tf.randomNormal([3, 20], 0, 0.5, 'float32', 6) as Tensor2D;
    const rw = tf.randomNormal([5, 20], 0, 0.5, 'float32', 7) as Tensor2D;
    const b = tf.randomNormal([20], 0, 0.3, 'float32', 8) as Tensor1D;
    const inference = lstmLayer(tf, x, w, rw, b);
    const training = lstmLayer(tf, x, w, rw, b, { training: true });
    expect(Array.from(inference.dataSync())).toEqual(Array.from(training.dataSync()));
    const last = tf.slice(inference, [0, 3, 0], [2, 1, 5]);
    expect(maxAbsDiff(last, tf.slice(referenceLstm(tf, x, w, rw, b), [0, 3, 0], [2, 1, 5]))).toBeLessThan(1e-6);
  });

  it('run inference in blocks of sequences with the same values as one pass (batch 600 = 256 + 256 + 88)', async () => {
    const { tf } = await selectTfjsBackend();
    const x = tf.randomNormal([600, 3, 2], 0, 1, 'float32', 25) as Tensor3D;
    const w = tf.randomNormal([2, 12], 0, 0.5, 'float32', 26) as Tensor2D;
    const rw = tf.randomNormal([4, 12], 0, 0.5, 'float32', 27) as Tensor2D;
    const b = tf.randomNormal([2, 12], 0, 0.3, 'float32', 28) as Tensor2D;
    const blocked = gruLayer(tf, x, w, rw, b);
    expect(blocked.shape).toEqual([600, 3, 4]);
    expect(Array.from(blocked.dataSync())).toEqual(Array.from(gruLayer(tf, x, w, rw, b, { training: true }).dataSync()));
    const lw = tf.randomNormal([2, 16], 0, 0.5, 'float32', 29) as Tensor2D;
    const lrw = tf.randomNormal([4, 16], 0, 0.5, 'float32', 30) as Tensor2D;
    const lb = tf.randomNormal([16], 0, 0.3, 'float32', 31) as Tensor1D;
    expect(Array.from(lstmLayer(tf, x, lw, lrw, lb).dataSync())).toEqual(
      Array.from(lstmLayer(tf, x, lw, lrw, lb, { training: true }).dataSync()),
    );
  });

  it('with inputGradient false give zeros for x and the same weight gradients', async () => {
    const { tf } = await selectTfjsBackend();
    const x = tf.randomNormal([3, 6, 4], 0, 1, 'float32', 15) as Tensor3D;
    const w = tf.variable(tf.randomNormal([4, 15], 0, 0.5, 'float32', 16)) as Variable & Tensor2D;
    const rw = tf.variable(tf.randomNormal([5, 15], 0, 0.5, 'float32', 17)) as Variable & Tensor2D;
    const b = tf.variable(tf.randomNormal([2, 15], 0, 0.3, 'float32', 18)) as Variable & Tensor2D;
    const both = (inputGradient: boolean) =>
      tf.grads((xs: Tensor, kw: Tensor, krw: Tensor, kb: Tensor) =>
        tf.sum(tf.square(gruLayer(tf, xs as Tensor3D, kw as Tensor2D, krw as Tensor2D, kb as Tensor2D, { inputGradient }))),
      )([x, w, rw, b]);
    const full = both(true);
    const data = both(false);
    expect(Array.from(full[0]!.dataSync()).some((g) => g !== 0)).toBe(true);
    expect(Array.from(data[0]!.dataSync()).every((g) => g === 0)).toBe(true);
    for (let k = 1; k < 4; k++) expect(Array.from(data[k]!.dataSync())).toEqual(Array.from(full[k]!.dataSync()));
  });

  it('reject mismatched shapes with a typed error naming the field', async () => {
    const { tf } = await selectTfjsBackend();
    const x = tf.zeros([2, 4, 3]) as Tensor3D;
    expect(() => lstmLayer(tf, x, tf.zeros([4, 20]) as Tensor2D, tf.zeros([5, 20]) as Tensor2D, tf.zeros([20]) as Tensor1D)).toThrow(
      expect.objectContaining({ constructor: UsageError, message: expect.stringContaining('kernel has shape [4, 20], expected [3, 20]') }),
    );
    expect(() =>
      gruLayer(tf, x, tf.zeros([3, 15]) as Tensor2D, tf.zeros([5, 15]) as Tensor2D, tf.zeros([15]) as unknown as Tensor2D),
    ).toThrow(/gruLayer: bias has shape \[15\], expected \[2, 15\]/);
    expect(() =>
      lstmLayer(
        tf,
        tf.zeros([2, 3]) as unknown as Tensor3D,
        tf.zeros([3, 20]) as Tensor2D,
        tf.zeros([5, 20]) as Tensor2D,
        tf.zeros([20]) as Tensor1D,
      ),
    ).toThrow(/x has shape \[2, 3\], expected rank 3/);
  });
});
