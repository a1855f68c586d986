import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import type { SequenceFamily } from './engine.js';
import { dense, weight } from './layers.js';
import type { Weights } from './layers.js';
import { engineHyperparameters } from './params.js';

/**
 * A causal dilated convolution: the output at t reads steps t − (kernel − 1 − j)·dilation, j = 0 …
 * kernel − 1, only (`name/kernel` [kernel, in, out], `name/bias` [out]). Written as the taps' shifted
 * copies side by side times the kernel as one matrix (im2col), because tfjs has no gradient for a
 * conv1d with dilation > 1.
 */
function causalConv(tf: Tfjs, w: Weights, name: string, x: Tensor3D, dilation: number): Tensor3D {
  const kernel = weight<Tensor3D>(w, `${name}/kernel`);
  const [k, inputs, outputs] = kernel.shape;
  const [b, steps] = x.shape;
  const taps: Tensor3D[] = [];
  for (let j = 0; j < k; j++) {
    const shift = Math.min((k - 1 - j) * dilation, steps);
    taps.push(
      shift === 0
        ? x
        : (tf.pad(tf.slice(x, [0, 0, 0], [b, steps - shift, inputs]), [
            [0, 0],
            [shift, 0],
            [0, 0],
          ]) as Tensor3D),
    );
  }
  const columns = (k === 1 ? x : tf.concat(taps, 2)).reshape([b * steps, k * inputs]) as Tensor2D;
  const y = tf.add(tf.matMul(columns, kernel.reshape([k * inputs, outputs]) as Tensor2D), weight(w, `${name}/bias`));
  return y.reshape([b, steps, outputs]);
}

/**
 * A temporal convolutional network (Bai, Kolter & Koltun 2018): residual blocks of two causal
 * dilated convolutions with ReLU and dropout, a 1×1 convolution on the skip path where the width
 * changes, dilations doubling per block, a dense head on every step. Defaults follow
 * neuralforecast's TCN (kernel 2, dilations 1…16, 128 channels) with 64 channels for a 2-core CPU.
 */
export const tcnFamily: SequenceFamily = {
  card: {
    name: 'tcn',
    family: 'neural',
    inputKind: 'sequence',
    description: 'Temporal convolutional network: residual blocks of causal dilated 1-D convolutions, dense softmax head on the last step.',
    handlesMissing: false,
    hyperparameters: {
      channels: {
        kind: 'int',
        default: 64,
        range: [2, 1024],
        description: 'Channels of every block (neuralforecast encoder_hidden_size: 128)',
      },
      kernelSize: { kind: 'int', default: 2, range: [2, 16], description: 'Convolution width (neuralforecast: 2)' },
      dilations: {
        kind: 'int-list',
        default: [1, 2, 4, 8, 16],
        description:
          'Dilation of each residual block (neuralforecast: 1, 2, 4, 8, 16); the receptive field is 1 + 2·(kernelSize − 1)·Σ dilations',
      },
      ...engineHyperparameters({ dropout: 0.1 }),
    },
  },
  causal: () => true,
  params(p, hp, _steps, features) {
    const c = hp['channels'] as number;
    const k = hp['kernelSize'] as number;
    let inputs = features;
    for (const [b] of (hp['dilations'] as number[]).entries()) {
      p.fanIn(`block${b}/conv1/kernel`, [k, inputs, c], k * inputs).constant(`block${b}/conv1/bias`, [c], 0);
      p.fanIn(`block${b}/conv2/kernel`, [k, c, c], k * c).constant(`block${b}/conv2/bias`, [c], 0);
      if (inputs !== c) p.fanIn(`block${b}/skip/kernel`, [1, inputs, c], inputs).constant(`block${b}/skip/bias`, [c], 0);
      inputs = c;
    }
    p.dense('head', c, 3);
  },
  forward(tf, w, x, hp, ctx) {
    let h = x;
    for (const [b, dilation] of (hp['dilations'] as number[]).entries()) {
      const inner = ctx.dropout(tf.relu(causalConv(tf, w, `block${b}/conv1`, h, dilation)));
      const out = ctx.dropout(tf.relu(causalConv(tf, w, `block${b}/conv2`, inner, dilation)));
      const skip = w.has(`block${b}/skip/kernel`) ? causalConv(tf, w, `block${b}/skip`, h, 1) : h;
      h = tf.relu(tf.add(out, skip)) as Tensor3D;
    }
    return dense(tf, w, 'head', h) as Tensor3D;
  },
};
