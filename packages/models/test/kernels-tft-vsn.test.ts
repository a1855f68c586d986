import { Rng, UsageError } from '@tribar/core';
import type { Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectedVariableGrns, VARIABLE_GRN_WEIGHTS, variableGrnShapes } from '../src/internal/kernels/tft-vsn.js';
import type { VariableGrnWeights } from '../src/internal/kernels/tft-vsn.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';
import type { Tfjs } from '../src/internal/tfjs/backend.js';

const NAMES = VARIABLE_GRN_WEIGHTS;

/**
 * The same computation in tfjs ops, as tft.ts ran it before the fused op: the embedding materialised
 * [rows, F, d], per-feature GRNs as batched matMuls over a leading feature axis, the weighted sum.
 */
function reference(tf: Tfjs, x: Tensor2D, selection: Tensor2D, w: VariableGrnWeights): Tensor2D {
  const [rows, F] = x.shape;
  const d = w.embedKernel.shape[1] as number;
  const embedded = tf.add(tf.mul(x.reshape([rows, F, 1]), w.embedKernel), w.embedBias);
  const perFeature = tf.transpose(embedded, [1, 0, 2]) as Tensor3D;
  const dense = (input: Tensor3D, kernel: Tensor, bias: Tensor): Tensor3D => tf.add(tf.matMul(input, kernel as Tensor3D), bias) as Tensor3D;
  const eta2 = tf.elu(dense(perFeature, w.fc2Kernel, w.fc2Bias)) as Tensor3D;
  const eta1 = dense(eta2, w.fc1Kernel, w.fc1Bias);
  const gated = tf.mul(tf.sigmoid(dense(eta1, w.gateKernel, w.gateBias)), dense(eta1, w.valueKernel, w.valueBias));
  const r = tf.add(perFeature, gated);
  const { mean, variance } = tf.moments(r, -1, true);
  const normed = tf.add(tf.mul(tf.div(tf.sub(r, mean), tf.sqrt(tf.add(variance, 1e-5))), w.gamma), w.beta);
  const processed = tf.transpose(normed, [1, 0, 2]);
  return tf.sum(tf.mul(processed, selection.reshape([rows, F, 1])), 1).reshape([rows, d]) as Tensor2D;
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs((x[i] as number) - (y[i] as number)));
  return m;
}

async function setup(rows: number, F: number, d: number, seed: number) {
  const { tf } = await selectTfjsBackend();
  const rng = new Rng(seed);
  const make = (shape: number[], sd: number): Variable =>
    tf.variable(
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * sd),
        shape,
      ),
    );
  const shapes = variableGrnShapes(F, d);
  const w = Object.fromEntries(NAMES.map((k) => [k, make(shapes[k], 0.6)])) as unknown as VariableGrnWeights;
  const x = make([rows, F], 1) as Variable & Tensor2D;
  const selection = tf.variable(tf.softmax(make([rows, F], 1))) as Variable & Tensor2D;
  const cotangent = tf.tensor2d(
    Float32Array.from({ length: rows * d }, () => rng.normal()),
    [rows, d],
  );
  return { tf, w, x, selection, cotangent, all: [x, selection, ...NAMES.map((k) => w[k] as Variable)] };
}

describe('selectedVariableGrns against tfjs autodiff of the same GRNs in tfjs ops', () => {
  it.each([
    [7, 3, 4],
    [33, 5, 8],
    [1, 1, 4],
    [20, 11, 16],
  ] as const)('rows %i, features %i, width %i: values and every gradient within 1e-5', async (rows, F, d) => {
    const { tf, w, x, selection, cotangent, all } = await setup(rows, F, d, rows * 7 + F);
    const loss = (f: () => Tensor2D) => () => tf.sum(tf.mul(cotangent, f())) as Scalar;
    const ours = () => selectedVariableGrns(tf, x, selection, w);
    const theirs = () => reference(tf, x, selection, w);
    expect(maxAbsDiff(ours(), theirs())).toBeLessThan(1e-5);
    const a = tf.variableGrads(loss(ours), all);
    const r = tf.variableGrads(loss(theirs), all);
    for (const v of all) {
      const g = a.grads[v.name]!;
      expect(Array.from(g.dataSync()).some((e) => e !== 0)).toBe(true);
      const scale = Math.max(1, ...Array.from(r.grads[v.name]!.dataSync()).map(Math.abs));
      expect(maxAbsDiff(g, r.grads[v.name]!) / scale).toBeLessThan(1e-5);
    }
    tf.dispose([...all, cotangent, a.value, r.value, ...Object.values(a.grads), ...Object.values(r.grads)]);
  });

  it('with dropout: the mask follows the seed, and the gradient is that of the masked forward pass (finite differences)', async () => {
    const { tf, w, x, selection, cotangent, all } = await setup(6, 3, 4, 5);
    const dropout = { rate: 0.3, seed: 17 };
    const run = () => selectedVariableGrns(tf, x, selection, w, { dropout, training: true });
    const plain = selectedVariableGrns(tf, x, selection, w, { training: false });
    expect(maxAbsDiff(run(), run())).toBe(0);
    expect(maxAbsDiff(run(), plain)).toBeGreaterThan(1e-3);
    const other = selectedVariableGrns(tf, x, selection, w, { dropout: { rate: 0.3, seed: 18 }, training: true });
    expect(maxAbsDiff(run(), other)).toBeGreaterThan(1e-3);
    const lossOf = () => tf.sum(tf.mul(cotangent, run())).dataSync()[0] as number;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(cotangent, run())) as Scalar, all);
    // central differences on a few entries of every input, in float32 (hence the looser bound)
    for (const v of all) {
      const values = v.dataSync() as Float32Array;
      const g = grads[v.name]!.dataSync();
      for (const i of [0, values.length - 1]) {
        const h = 1e-2;
        const at = (delta: number) => {
          const copy = Float32Array.from(values);
          copy[i] = (copy[i] as number) + delta;
          v.assign(tf.tensor(copy, v.shape));
          return lossOf();
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(values, v.shape));
        expect(Math.abs(numeric - (g[i] as number))).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    }
    tf.dispose([...all, cotangent, plain]);
  });

  it('rejects weights of the wrong shape with a UsageError naming the weight', async () => {
    const { tf, w, x, selection } = await setup(4, 3, 4, 9);
    const bad = { ...w, gateKernel: tf.zeros([3, 4, 5]) };
    expect(() => selectedVariableGrns(tf, x, selection, bad)).toThrow(UsageError);
    expect(() => selectedVariableGrns(tf, x, selection, bad)).toThrow(/gateKernel has shape \[3, 4, 5\], expected \[3, 4, 4\]/);
  });
});
