import { UsageError } from '@tribar/core';
import type { Scalar, Tensor, Tensor3D, Variable } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { scaledDotAttention } from '../src/internal/kernels/attention.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';
import type { Tfjs } from '../src/internal/tfjs/backend.js';

/** The same attention in tfjs ops (the layers' former path), differentiated by tfjs autodiff. */
function reference(tf: Tfjs, q: Tensor3D, k: Tensor3D, v: Tensor3D, causal: boolean): Tensor3D {
  const [, steps, depth] = q.shape;
  let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(depth));
  if (causal) scores = tf.add(scores, tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([steps, steps]), -1, 0)), -1e9));
  return tf.matMul(tf.softmax(scores), v) as Tensor3D;
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs((x[i] as number) - (y[i] as number)));
  return m;
}

describe('scaledDotAttention against tfjs autodiff of the same attention in tfjs ops', () => {
  it.each([
    [3, 7, 4, true],
    [2, 5, 6, false],
    [1, 1, 3, true],
    [8, 12, 16, true],
  ] as const)(
    'groups %i, steps %i, depth %i, causal %s: values and the gradients of q, k, v within 1e-5',
    async (groups, steps, depth, causal) => {
      const { tf } = await selectTfjsBackend();
      const seed = groups * 100 + steps;
      const make = (s: number) => tf.variable(tf.randomNormal([groups, steps, depth], 0, 1, 'float32', s)) as Variable & Tensor3D;
      const [q, k, v] = [make(seed), make(seed + 1), make(seed + 2)];
      const weights = tf.randomNormal([groups, steps, depth], 0, 1, 'float32', seed + 3);
      const loss = (f: () => Tensor3D) => () => tf.sum(tf.mul(weights, f())) as Scalar;
      const ours = () => scaledDotAttention(tf, q, k, v, { causal });
      const theirs = () => reference(tf, q, k, v, causal);
      expect(maxAbsDiff(ours(), theirs())).toBeLessThan(1e-5);
      const a = tf.variableGrads(loss(ours), [q, k, v]);
      const r = tf.variableGrads(loss(theirs), [q, k, v]);
      for (const x of [q, k, v]) {
        const g = a.grads[x.name]!;
        // one step attends only to itself: its q and k get no gradient, in both implementations
        if (steps > 1 || x === v) expect(Array.from(g.dataSync()).some((d) => d !== 0)).toBe(true);
        expect(maxAbsDiff(g, r.grads[x.name]!)).toBeLessThan(1e-5);
      }
      tf.dispose([q, k, v, weights, a.value, r.value, ...Object.values(a.grads), ...Object.values(r.grads)]);
    },
  );

  it('is causal: changing keys and values after step t leaves the outputs up to t unchanged', async () => {
    const { tf } = await selectTfjsBackend();
    const q = tf.randomNormal([2, 6, 4], 0, 1, 'float32', 1) as Tensor3D;
    const k = tf.randomNormal([2, 6, 4], 0, 1, 'float32', 2) as Tensor3D;
    const v = tf.randomNormal([2, 6, 4], 0, 1, 'float32', 3) as Tensor3D;
    const later = tf.concat([tf.zeros([2, 4, 4]), tf.randomNormal([2, 2, 4], 0, 5, 'float32', 4)], 1);
    const before = scaledDotAttention(tf, q, k, v, { causal: true });
    const after = scaledDotAttention(tf, q, tf.add(k, later) as Tensor3D, tf.add(v, later) as Tensor3D, { causal: true });
    expect(Array.from(tf.slice(after, [0, 0, 0], [2, 4, 4]).dataSync())).toEqual(
      Array.from(tf.slice(before, [0, 0, 0], [2, 4, 4]).dataSync()),
    );
    expect(maxAbsDiff(tf.slice(after, [0, 4, 0], [2, 2, 4]), tf.slice(before, [0, 4, 0], [2, 2, 4]))).toBeGreaterThan(1e-3);
  });

  it('applies seeded inverted dropout to the probabilities while training: same seed same values, gradients match a fixed mask', async () => {
    const { tf } = await selectTfjsBackend();
    const make = (s: number) => tf.variable(tf.randomNormal([4, 9, 8], 0, 1, 'float32', s)) as Variable & Tensor3D;
    const [q, k, v] = [make(11), make(12), make(13)];
    const run = (seed: number) => scaledDotAttention(tf, q, k, v, { causal: true, training: true, dropout: { rate: 0.3, seed } });
    expect(Array.from(run(5).dataSync())).toEqual(Array.from(run(5).dataSync()));
    expect(maxAbsDiff(run(5), run(6))).toBeGreaterThan(1e-3);
    // without a tape and without `training`, dropout is off: the values are the plain attention's
    expect(
      maxAbsDiff(scaledDotAttention(tf, q, k, v, { causal: true, dropout: { rate: 0.3, seed: 5 } }), reference(tf, q, k, v, true)),
    ).toBeLessThan(1e-5);
    // The mask depends on the seed and the shape's groups and steps only: with q = k = 0 (uniform
    // probabilities) and v = identity, the output row i is mask_i/(1 − rate)/(i + 1), which recovers it.
    const probe = tf.tidy(() => {
      const zero = tf.zeros([4, 9, 9]) as Tensor3D;
      const eye = tf.tile(tf.reshape(tf.eye(9), [1, 9, 9]), [4, 1, 1]) as Tensor3D;
      return scaledDotAttention(tf, zero, zero, eye, { causal: true, training: true, dropout: { rate: 0.3, seed: 5 } });
    });
    const mask = tf.tidy(() => tf.cast(tf.greater(probe, 0), 'float32'));
    const kept = mask.dataSync();
    const share = Array.from(kept).reduce((a, m) => a + m, 0) / (4 * 45);
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.9);
    const weights = tf.randomNormal([4, 9, 8], 0, 1, 'float32', 14);
    const ours = tf.variableGrads(
      () => tf.sum(tf.mul(weights, scaledDotAttention(tf, q, k, v, { causal: true, dropout: { rate: 0.3, seed: 5 } }))) as Scalar,
      [q, k, v],
    );
    const theirs = tf.variableGrads(() => {
      const scores = tf.add(
        tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(8)),
        tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([9, 9]), -1, 0)), -1e9),
      );
      const dropped = tf.mul(tf.softmax(scores), tf.div(mask, 0.7));
      return tf.sum(tf.mul(weights, tf.matMul(dropped, v))) as Scalar;
    }, [q, k, v]);
    for (const x of [q, k, v]) expect(maxAbsDiff(ours.grads[x.name]!, theirs.grads[x.name]!)).toBeLessThan(1e-5);
  });

  it('rejects q, k, v of different shapes with a UsageError naming the operand', async () => {
    const { tf } = await selectTfjsBackend();
    const q = tf.zeros([2, 3, 4]) as Tensor3D;
    expect(() => scaledDotAttention(tf, q, q, tf.zeros([2, 3, 5]) as Tensor3D, { causal: true })).toThrow(UsageError);
    expect(() => scaledDotAttention(tf, q, q, tf.zeros([2, 3, 5]) as Tensor3D, { causal: true })).toThrow(/v has shape \[2, 3, 5\]/);
  });
});
