import { describe, expect, it } from 'vitest';
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import { createNetwork, forward, initialWeights } from '../src/internal/mlp/network.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';

describe('the MLP forward pass with its hand-written layer gradient', () => {
  it('gives the same logits and parameter gradients as tfjs autodiff of matMul + bias + relu', async () => {
    const { tf } = await selectTfjsBackend();
    const sizes = [7, 5, 4, 3];
    const network = createNetwork(tf, sizes, initialWeights(sizes, 11));
    // biases are zero at initialisation; give them values so their gradient path is exercised
    network.variables.forEach((v, k) => {
      if (k % 2 === 1) v.assign(tf.linspace(-0.3, 0.4, v.shape[0] as number));
    });
    const xs = tf.randomNormal([9, 7], 0, 1, 'float32', 3) as Tensor2D;
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 2, 1, 0, 1, 2, 0], 'int32'), 3);
    const loss = (logits: Tensor2D) => tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.logSoftmax(logits)), 1))) as Scalar;
    const reference = (x: Tensor2D): Tensor2D => {
      let h = x;
      for (let k = 0; k < sizes.length - 1; k++) {
        const z = tf.add(tf.matMul(h, network.variables[2 * k] as Tensor2D), network.variables[2 * k + 1] as Tensor) as Tensor2D;
        h = k < sizes.length - 2 ? tf.relu(z) : z;
      }
      return h;
    };
    const ours = tf.variableGrads(() => loss(forward(tf, network, xs)), network.variables);
    const theirs = tf.variableGrads(() => loss(reference(xs)), network.variables);
    expect(ours.value.dataSync()[0]).toBeCloseTo(theirs.value.dataSync()[0] as number, 6);
    expect(Array.from(forward(tf, network, xs).dataSync())).toEqual(Array.from(reference(xs).dataSync()).map((v) => expect.closeTo(v, 6)));
    for (const v of network.variables) {
      const a = Array.from(ours.grads[v.name]!.dataSync());
      const b = Array.from(theirs.grads[v.name]!.dataSync());
      expect(a.length).toBe(b.length);
      expect(a.some((g) => g !== 0)).toBe(true);
      expect(a).toEqual(b.map((g) => expect.closeTo(g, 6)));
    }
  });
});
