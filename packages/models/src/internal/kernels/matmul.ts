import type { Tensor } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';

/** The transpose of the last two axes (a no-op permutation elsewhere), materialised. */
function swapLast(tf: Tfjs, t: Tensor): Tensor {
  const perm = t.shape.map((_, k) => k);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1] as number, perm[r - 2] as number];
  return tf.transpose(t, perm);
}

/**
 * `a·b` (rank 2, or batched over leading axes of equal shape) whose gradient multiplies only plain,
 * untransposed operands: tfjs's own gradient of a matMul multiplies by transposed operands, and the wasm
 * backend's matMul with a transposed operand runs several times slower than a plain one (the MLP's dense
 * layer measured 2 against 30 GFLOPS). Transposing first and multiplying plainly gives the same numbers.
 */
export function plainMatMul(tf: Tfjs, a: Tensor, b: Tensor): Tensor {
  const op = tf.customGrad((x, y, save) => {
    (save as (tensors: Tensor[]) => void)([x as Tensor, y as Tensor]);
    return {
      value: tf.matMul(x as Tensor, y as Tensor),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ys] = saved as [Tensor, Tensor];
        return [tf.matMul(dy, swapLast(tf, ys)), tf.matMul(swapLast(tf, xs), dy)];
      },
    };
  });
  return op(a, b);
}
