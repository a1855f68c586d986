import { UsageError } from '@tribar/core';
import type { Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import type { SequenceFamily } from './engine.js';
import { attentionParams, causalMask, dense, gelu, layerNorm, selfAttention, sinusoidalPositions } from './layers.js';
import type { ForwardContext, Weights } from './layers.js';
import { engineHyperparameters } from './params.js';
import type { ParamBuilder } from './params.js';

/** Pre-norm encoder blocks `${prefix}${l}`: x + attn(LN(x)), then x + FFN(LN(x)) (GELU), with dropout on each branch. */
export function encoderParams(p: ParamBuilder, prefix: string, layers: number, d: number, ffn: number): void {
  for (let l = 0; l < layers; l++) {
    p.layerNorm(`${prefix}${l}/norm1`, d);
    attentionParams(p, `${prefix}${l}/attention`, d);
    p.layerNorm(`${prefix}${l}/norm2`, d);
    p.dense(`${prefix}${l}/ffn1`, d, ffn).dense(`${prefix}${l}/ffn2`, ffn, d);
  }
}

export function encoder(
  tf: Tfjs,
  w: Weights,
  prefix: string,
  layers: number,
  heads: number,
  x: Tensor3D,
  mask: ReturnType<typeof causalMask> | undefined,
  ctx: ForwardContext,
): Tensor3D {
  let h = x;
  for (let l = 0; l < layers; l++) {
    const name = `${prefix}${l}`;
    h = tf.add(
      h,
      ctx.dropout(selfAttention(tf, w, `${name}/attention`, layerNorm(tf, w, `${name}/norm1`, h) as Tensor3D, heads, mask, ctx)),
    );
    const inner = gelu(tf, dense(tf, w, `${name}/ffn1`, layerNorm(tf, w, `${name}/norm2`, h)));
    h = tf.add(h, ctx.dropout(dense(tf, w, `${name}/ffn2`, ctx.dropout(inner)))) as Tensor3D;
  }
  return h;
}

export function checkHeads(name: string, d: number, heads: number): void {
  if (d % heads !== 0) {
    throw new UsageError(`${name}: hiddenSize ${d} is not divisible by heads ${heads}`, {
      hint: `Pick hiddenSize as a multiple of heads (e.g. ${heads * Math.max(1, Math.round(d / heads))}).`,
    });
  }
}

/**
 * A causal Transformer encoder (Vaswani et al. 2017, pre-norm as in GPT-2): a linear embedding of each
 * step, learned or sinusoidal positions, `layers` blocks of masked multi-head self-attention and a
 * GELU feed-forward, a final layer norm and a dense head on every step. Defaults follow
 * neuralforecast's VanillaTransformer (hidden 128, 4 heads, 2 encoder layers, dropout 0.05,
 * learning rate 1e-4) with hidden 64 and learning rate 1e-3 for a 2-core CPU's epoch budget.
 */
export const transformerFamily: SequenceFamily = {
  card: {
    name: 'transformer',
    family: 'neural',
    inputKind: 'sequence',
    description:
      'Causal pre-norm Transformer encoder (masked multi-head self-attention, GELU feed-forward), learned or sinusoidal positions, dense softmax head on the last step.',
    handlesMissing: false,
    hyperparameters: {
      hiddenSize: { kind: 'int', default: 64, range: [4, 1024], description: 'Model width d (neuralforecast: 128)' },
      heads: { kind: 'int', default: 4, range: [1, 32], description: 'Attention heads; must divide hiddenSize' },
      layers: { kind: 'int', default: 2, range: [1, 12], description: 'Encoder blocks (neuralforecast encoder_layers: 2)' },
      ffnSize: { kind: 'int', default: 128, range: [4, 4096], description: 'Feed-forward width' },
      positions: {
        kind: 'enum',
        default: 'learned',
        values: ['learned', 'sinusoidal'],
        description: 'Position encoding added to the step embeddings',
      },
      ...engineHyperparameters({ dropout: 0.05 }),
    },
  },
  causal: () => true,
  check: (hp) => checkHeads('transformer', hp['hiddenSize'] as number, hp['heads'] as number),
  params(p, hp, steps, features) {
    const d = hp['hiddenSize'] as number;
    p.dense('embed', features, d);
    if (hp['positions'] === 'learned') p.normal('positions', [steps, d], 0.02);
    encoderParams(p, 'block', hp['layers'] as number, d, hp['ffnSize'] as number);
    p.layerNorm('final', d).dense('head', d, 3);
  },
  forward(tf, w, x, hp, ctx) {
    const steps = x.shape[1];
    const d = hp['hiddenSize'] as number;
    const positions = hp['positions'] === 'learned' ? (w.get('positions') as Tensor3D) : sinusoidalPositions(tf, steps, d);
    const h = ctx.dropout(tf.add(dense(tf, w, 'embed', x), positions)) as Tensor3D;
    const encoded = encoder(tf, w, 'block', hp['layers'] as number, hp['heads'] as number, h, causalMask(tf, steps), ctx);
    return dense(tf, w, 'head', layerNorm(tf, w, 'final', encoded)) as Tensor3D;
  },
};
