import type { Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { plainMatMul } from '../src/internal/kernels/matmul.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';

describe('plainMatMul, a matMul whose gradient multiplies untransposed operands', () => {
  it.each([
    [
      [5, 3],
      [3, 4],
    ],
    [
      [1, 7],
      [7, 2],
    ],
    [
      [2, 3, 6, 4],
      [2, 3, 4, 6],
    ], // batched: [batch, heads, steps, d] · [batch, heads, d, steps]
  ])('%j · %j: value and both gradients match tfjs autodiff to 1e-5', async (sa, sb) => {
    const { tf } = await selectTfjsBackend();
    const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
    const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
    const weights = tf.randomNormal([...sa.slice(0, -1), sb[sb.length - 1] as number], 0, 1, 'float32', 3);
    const loss = (f: (x: Tensor, y: Tensor) => Tensor) => (x: Tensor, y: Tensor) => tf.sum(tf.mul(weights, f(x, y)));
    const ours = tf.grads(loss((x, y) => plainMatMul(tf, x, y)))([a, b]);
    const theirs = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
    const close = (p: Tensor, q: Tensor) => {
      expect(p.shape).toEqual(q.shape);
      expect(Array.from(p.dataSync())).toEqual(Array.from(q.dataSync()).map((v) => expect.closeTo(v, 5)));
    };
    close(plainMatMul(tf, a, b), tf.matMul(a, b));
    close(ours[0]!, theirs[0]!);
    close(ours[1]!, theirs[1]!);
    expect(Array.from(ours[1]!.dataSync()).some((v) => v !== 0)).toBe(true);
  });
});
