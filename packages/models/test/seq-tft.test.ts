import { Rng } from '@tribar/core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ParamBuilder } from '../src/internal/sequence/params.js';
import { tftFamily } from '../src/internal/sequence/tft.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';
import { familySuite } from './seq-task.js';

// The suite also checks tft's feature importance (mean variable-selection weights) on the trained model.
familySuite(tftFamily, {
  hp: { hiddenSize: 8, heads: 2, maxEpochs: 6, batchSize: 32, learningRate: 0.01, dropout: 0 },
  minAccuracy: 0.7,
  causal: true,
});

describe('tft variable selection', () => {
  it('folds the embedding into the selection GRN without changing its weights: the same as a GRN over the materialised [rows, F·d] embeddings', async () => {
    const { tf } = await selectTfjsBackend();
    const [steps, features, d] = [5, 7, 4];
    const hp = { hiddenSize: d, heads: 2 };
    const builder = new ParamBuilder(new Rng(3));
    tftFamily.params(builder, hp, steps, features);
    // every parameter perturbed, biases included (they start at zero)
    const rng = new Rng(4);
    const w = new Map<string, Tensor>(
      builder.params.map((p) => [
        p.name,
        tf.tensor(
          Float32Array.from(p.values, (v) => v + 0.3 * rng.normal()),
          p.shape,
        ),
      ]),
    );
    const rows = 2 * steps;
    const x = tf.tensor3d(
      Float32Array.from({ length: rows * features }, () => rng.normal()),
      [2, steps, features],
    );
    const get = (name: string): Tensor => w.get(name)!;
    const dense = (input: Tensor, name: string): Tensor =>
      tf.add(tf.matMul(input as Tensor2D, get(`${name}/kernel`) as Tensor2D), get(`${name}/bias`));
    const flat = tf.add(tf.mul(x.reshape([rows, features, 1]), get('embed/kernel')), get('embed/bias')).reshape([rows, features * d]);
    const eta1 = dense(tf.elu(dense(flat, 'select/fc2')), 'select/fc1');
    const sum = tf.add(dense(flat, 'select/skip'), tf.mul(tf.sigmoid(dense(eta1, 'select/glu/gate')), dense(eta1, 'select/glu/value')));
    const { mean, variance } = tf.moments(sum, -1, true);
    const normed = tf.add(
      tf.mul(tf.div(tf.sub(sum, mean), tf.sqrt(tf.add(variance, 1e-5))), get('select/norm/gamma')),
      get('select/norm/beta'),
    );
    const expected = tf.mean(tf.softmax(normed), 0).dataSync();
    const importance = tftFamily.importance!(tf, w, x, hp).dataSync();
    expect(importance).toHaveLength(features);
    // far from uniform, so agreeing to 1e-6 says something
    expect(Math.max(...Array.from(expected)) - Math.min(...Array.from(expected))).toBeGreaterThan(0.05);
    for (let f = 0; f < features; f++) expect(Math.abs((importance[f] as number) - (expected[f] as number))).toBeLessThan(1e-6);
  });
});
