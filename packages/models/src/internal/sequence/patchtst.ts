import { UsageError } from '@tribar/core';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import type { SequenceFamily } from './engine.js';
import { dense, weight } from './layers.js';
import type { Weights } from './layers.js';
import { engineHyperparameters } from './params.js';
import { checkHeads, encoder, encoderParams } from './transformer.js';

/**
 * Patches of one channel's series, end-padded by `stride` copies of the last step as in the paper,
 * as a 0/1 selection matrix [steps, count × length]: a product with it cuts every patch at once and
 * its gradient is a product too (tfjs-wasm has no kernel for the gradient of a gather).
 */
function patchSelection(steps: number, length: number, stride: number): { count: number; selection: Float32Array } {
  const padded = steps + stride;
  const count = Math.floor((padded - length) / stride) + 1;
  const selection = new Float32Array(steps * count * length);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < length; j++) selection[Math.min(n * stride + j, steps - 1) * count * length + n * length + j] = 1;
  }
  return { count, selection };
}

/** Activation values one PatchTST inference pass may hold per tensor. */
const PASS_VALUES = 4 * 1024 * 1024;

/** RevIN (Kim et al. 2022): each window's channel standardised over time, then a learned per-channel affine. */
function revin(tf: Tfjs, w: Weights, x: Tensor3D): Tensor3D {
  const { mean, variance } = tf.moments(x, 1, true);
  const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(normed, weight(w, 'revin/gamma')), weight(w, 'revin/beta')) as Tensor3D;
}

/**
 * PatchTST (Nie et al. 2023): RevIN, channel independence (every feature is its own univariate
 * series through the same weights), patches of `patchLength` every `stride` steps embedded
 * linearly with learned positions, a pre-norm Transformer encoder over the patches, and the paper's
 * classification head: every channel's patch states flattened together, dropout, dense → 3. RevIN's
 * de-normalisation is for forecasts in the series' scale; a classifier has none, so only the
 * normalisation is kept. Not causal inside the window (patches attend both ways): the window itself
 * ends at t, so nothing after t is seen. Defaults follow neuralforecast's PatchTST (patch 16, stride 8,
 * 3 layers, dropout 0.2, head dropout 0) with width 64 / 4 heads / feed-forward 128 instead of
 * 128 / 16 / 256 for a 2-core CPU.
 */
export const patchtstFamily: SequenceFamily = {
  card: {
    name: 'patchtst',
    family: 'neural',
    inputKind: 'sequence',
    description:
      'PatchTST: RevIN, channel-independent patches, a Transformer encoder over patches, flatten head over all channels → softmax.',
    handlesMissing: false,
    hyperparameters: {
      patchLength: { kind: 'int', default: 16, range: [1, 512], description: 'Steps per patch (neuralforecast patch_len: 16)' },
      stride: { kind: 'int', default: 8, range: [1, 512], description: 'Steps between patch starts (neuralforecast: 8)' },
      hiddenSize: { kind: 'int', default: 64, range: [4, 1024], description: 'Patch embedding width (neuralforecast: 128)' },
      heads: { kind: 'int', default: 4, range: [1, 32], description: 'Attention heads; must divide hiddenSize (neuralforecast: 16)' },
      layers: { kind: 'int', default: 3, range: [1, 12], description: 'Encoder blocks (neuralforecast encoder_layers: 3)' },
      ffnSize: { kind: 'int', default: 128, range: [4, 4096], description: 'Feed-forward width (neuralforecast linear_hidden_size: 256)' },
      revin: { kind: 'bool', default: true, description: 'Standardise each window channel by its own mean and sd, with a learned affine' },
      headDropout: { kind: 'float', default: 0, range: [0, 0.9], description: 'Dropout before the flatten head (neuralforecast: 0)' },
      ...engineHyperparameters({ dropout: 0.2 }),
    },
  },
  causal: () => false,
  // Every window is `features` series of `count` patches through the encoder: ~4M values per
  // activation keeps an inference pass far below wasm's 4 GiB heap (1,024 windows × 32 features
  // at the defaults aborted it).
  windowsPerPass(hp, steps, features) {
    const { count } = patchSelection(steps, hp['patchLength'] as number, hp['stride'] as number);
    const width = Math.max(hp['hiddenSize'] as number, hp['ffnSize'] as number);
    return Math.max(1, Math.floor(PASS_VALUES / (features * count * width)));
  },
  check(hp, steps) {
    checkHeads('patchtst', hp['hiddenSize'] as number, hp['heads'] as number);
    if ((hp['patchLength'] as number) > steps) {
      throw new UsageError(`patchtst: patchLength ${hp['patchLength']} is longer than the ${steps}-step window`, {
        hint: 'Pick patchLength ≤ train.lookback.',
      });
    }
  },
  params(p, hp, steps, features) {
    const d = hp['hiddenSize'] as number;
    const { count } = patchSelection(steps, hp['patchLength'] as number, hp['stride'] as number);
    if (hp['revin'] === true) p.constant('revin/gamma', [features], 1).constant('revin/beta', [features], 0);
    p.dense('patch', hp['patchLength'] as number, d).normal('positions', [count, d], 0.02);
    encoderParams(p, 'block', hp['layers'] as number, d, hp['ffnSize'] as number);
    p.dense('head', features * count * d, 3);
  },
  forward(tf, w, x, hp, ctx) {
    const [b, steps, features] = x.shape;
    const d = hp['hiddenSize'] as number;
    const length = hp['patchLength'] as number;
    const { count, selection } = patchSelection(steps, length, hp['stride'] as number);
    const normed = hp['revin'] === true ? revin(tf, w, x) : x;
    const series = tf.transpose(normed, [0, 2, 1]).reshape([b * features, steps]) as Tensor2D;
    const patches = tf.matMul(series, tf.tensor2d(selection, [steps, count * length])).reshape([b * features, count, length]);
    const embedded = ctx.dropout(tf.add(dense(tf, w, 'patch', patches), w.get('positions')!)) as Tensor3D;
    const encoded = encoder(tf, w, 'block', hp['layers'] as number, hp['heads'] as number, embedded, undefined, ctx);
    const flat = ctx.dropout(encoded.reshape([b, features * count * d]), hp['headDropout'] as number);
    return dense(tf, w, 'head', flat) as Tensor2D;
  },
};
