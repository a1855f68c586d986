import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import type { SequenceFamily } from './engine.js';
import { causalMask, dense, fusedAttention, layerNorm, weight } from './layers.js';
import { scaledDotAttention } from '../kernels/attention.js';
import { plainMatMul } from '../kernels/matmul.js';
import { selectedVariableGrns } from '../kernels/tft-vsn.js';
import type { VariableGrnWeights } from '../kernels/tft-vsn.js';
import type { ForwardContext, Weights } from './layers.js';
import { engineHyperparameters } from './params.js';
import type { ParamBuilder } from './params.js';
import { lstmLayer, recurrentParams, recurrentWeights } from './recurrent.js';
import { checkHeads } from './transformer.js';

/** Gated linear unit `name`: σ(x·Wg + bg) ⊙ (x·Wv + bv). */
function glu(tf: Tfjs, w: Weights, name: string, x: Tensor): Tensor {
  return tf.mul(tf.sigmoid(dense(tf, w, `${name}/gate`, x)), dense(tf, w, `${name}/value`, x));
}

function gluParams(p: ParamBuilder, name: string, inputs: number, outputs: number): void {
  p.dense(`${name}/gate`, inputs, outputs).dense(`${name}/value`, inputs, outputs);
}

/** Gated residual network (Lim et al. 2021, eq. 2–4): LayerNorm(skip(a) + GLU(W1·ELU(W2·a + b2) + b1)). */
function grn(tf: Tfjs, w: Weights, name: string, a: Tensor, ctx: ForwardContext): Tensor {
  const eta2 = tf.elu(dense(tf, w, `${name}/fc2`, a));
  const eta1 = ctx.dropout(dense(tf, w, `${name}/fc1`, eta2));
  const skip = w.has(`${name}/skip/kernel`) ? dense(tf, w, `${name}/skip`, a) : a;
  return layerNorm(tf, w, `${name}/norm`, tf.add(skip, glu(tf, w, `${name}/glu`, eta1)));
}

function grnParams(p: ParamBuilder, name: string, inputs: number, hidden: number, outputs: number): void {
  p.dense(`${name}/fc2`, inputs, hidden).dense(`${name}/fc1`, hidden, hidden);
  gluParams(p, `${name}/glu`, hidden, outputs);
  if (inputs !== outputs) p.dense(`${name}/skip`, inputs, outputs);
  p.layerNorm(`${name}/norm`, outputs);
}

/**
 * `flat·W + b` for the flattened embeddings `flat` [rows, F·d] of scalars x [rows, F] (e_f = x_f·We_f + be_f)
 * and a dense layer `name` [F·d, m], without building `flat`: flat·W = x·A + be·W, A_f = Σ_k We_fk·W_(f·d+k).
 * The same mathematics as the dense layer over the materialised embeddings; its gradient multiplies
 * [rows, F] by [F, m] instead of [rows, F·d] by [F·d, m] (the skip layer's was half a batch's time).
 */
function embeddedDense(tf: Tfjs, w: Weights, name: string, x: Tensor2D, d: number): Tensor2D {
  const features = x.shape[1];
  const kernel = weight<Tensor2D>(w, `${name}/kernel`);
  const outputs = kernel.shape[1];
  const embedKernel = weight(w, 'embed/kernel');
  const folded = tf.sum(tf.mul(embedKernel.reshape([features, d, 1]), kernel.reshape([features, d, outputs])), 1) as Tensor2D;
  const offset = tf.add(tf.matMul(weight(w, 'embed/bias').reshape([1, features * d]), kernel), weight(w, `${name}/bias`));
  return tf.add(plainMatMul(tf, x, folded), offset) as Tensor2D;
}

/**
 * Selection weights (eq. 6): softmax of the GRN `select` over the flattened embeddings of all
 * features, its input layers folded through the embedding (`embeddedDense`). x [rows, F] → [rows, F].
 */
function selectionWeights(tf: Tfjs, w: Weights, x: Tensor2D, d: number, ctx: ForwardContext): Tensor2D {
  const eta2 = tf.elu(embeddedDense(tf, w, 'select/fc2', x, d));
  const eta1 = ctx.dropout(dense(tf, w, 'select/fc1', eta2));
  const skip = embeddedDense(tf, w, 'select/skip', x, d);
  return tf.softmax(layerNorm(tf, w, 'select/norm', tf.add(skip, glu(tf, w, 'select/glu', eta1)))) as Tensor2D;
}

function variableGrnWeights(w: Weights): VariableGrnWeights {
  return {
    embedKernel: weight(w, 'embed/kernel'),
    embedBias: weight(w, 'embed/bias'),
    fc2Kernel: weight(w, 'vars/fc2/kernel'),
    fc2Bias: weight(w, 'vars/fc2/bias'),
    fc1Kernel: weight(w, 'vars/fc1/kernel'),
    fc1Bias: weight(w, 'vars/fc1/bias'),
    gateKernel: weight(w, 'vars/glu/gate/kernel'),
    gateBias: weight(w, 'vars/glu/gate/bias'),
    valueKernel: weight(w, 'vars/glu/value/kernel'),
    valueBias: weight(w, 'vars/glu/value/bias'),
    gamma: weight(w, 'vars/norm/gamma'),
    beta: weight(w, 'vars/norm/beta'),
  };
}

/**
 * Variable selection (eq. 6–8): every feature's scalar is embedded to d, a GRN over all embeddings
 * gives softmax weights over features, and the selected input is the weighted sum of each feature's
 * own GRN output (one GRN per feature, weights with a leading feature axis, run by the fused op of
 * `../kernels/tft-vsn.ts`). Returns [b, T, d] and the weights [b, T, F].
 */
function selectVariables(tf: Tfjs, w: Weights, x: Tensor3D, d: number, ctx: ForwardContext): { selected: Tensor3D; weights: Tensor3D } {
  const [b, steps, features] = x.shape;
  const rows = x.reshape([b * steps, features]) as Tensor2D;
  const weights = selectionWeights(tf, w, rows, d, ctx);
  const dropout = ctx.attentionDropout();
  const selected = selectedVariableGrns(tf, rows, weights, variableGrnWeights(w), dropout === undefined ? {} : { dropout });
  return { selected: selected.reshape([b, steps, d]), weights: weights.reshape([b, steps, features]) };
}

/**
 * Interpretable multi-head attention (eq. 14–16): per-head queries and keys, one value projection
 * shared by all heads, the heads' outputs averaged, then a dense layer; causal mask.
 */
function interpretableAttention(tf: Tfjs, w: Weights, x: Tensor3D, heads: number, ctx: ForwardContext): Tensor3D {
  const [b, steps, d] = x.shape;
  const dh = d / heads;
  const split = (t: Tensor): Tensor3D => tf.transpose(t.reshape([b, steps, heads, dh]), [0, 2, 1, 3]).reshape([b * heads, steps, dh]);
  const q = split(dense(tf, w, 'attention/q', x));
  const k = split(dense(tf, w, 'attention/k', x));
  const v = dense(tf, w, 'attention/v', x) as Tensor3D; // [b, T, dh], shared by the heads
  if (fusedAttention(tf)) {
    // mean_h(A_h)·v = mean_h(A_h·v): every head attends over the shared values, then the heads are averaged
    const shared = tf.tile(v.reshape([b, 1, steps, dh]), [1, heads, 1, 1]).reshape([b * heads, steps, dh]) as Tensor3D;
    const dropout = ctx.attentionDropout();
    const perHead = scaledDotAttention(tf, q, k, shared, { causal: true, ...(dropout === undefined ? {} : { dropout }) });
    return dense(tf, w, 'attention/o', tf.mean(perHead.reshape([b, heads, steps, dh]), 1)) as Tensor3D;
  }
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), causalMask(tf, steps));
  const attention = ctx.dropout(tf.softmax(scores)).reshape([b, heads, steps, steps]);
  const averaged = tf.mean(attention, 1) as Tensor3D;
  return dense(tf, w, 'attention/o', tf.matMul(averaged, v)) as Tensor3D;
}

/**
 * Temporal Fusion Transformer (Lim et al. 2021) for windows of past observed inputs: variable
 * selection networks (their weights are the feature importance), an LSTM encoder with a gated skip,
 * a GRN (static enrichment without static covariates, which Tribar's rows do not have), causal
 * interpretable multi-head attention with a gated skip, a position-wise GRN, a gated skip over the
 * whole temporal block and a dense head on every step. No decoder: the class at t is the output at
 * t. Defaults follow neuralforecast's TFT (hidden 128, 4 heads, dropout 0.1, learning rate 1e-3)
 * with hidden 32 for a 2-core CPU: the per-feature GRNs cost hidden² per feature and step.
 */
export const tftFamily: SequenceFamily = {
  card: {
    name: 'tft',
    family: 'neural',
    inputKind: 'sequence',
    aliases: ['temporal-fusion-transformer'],
    description:
      'Temporal Fusion Transformer: variable selection networks (feature importance), GRNs, LSTM encoder, causal interpretable multi-head attention, dense softmax head on the last step.',
    handlesMissing: false,
    hyperparameters: {
      hiddenSize: { kind: 'int', default: 32, range: [4, 512], description: 'Width d of every layer (neuralforecast hidden_size: 128)' },
      heads: { kind: 'int', default: 4, range: [1, 16], description: 'Attention heads; must divide hiddenSize (neuralforecast n_head: 4)' },
      ...engineHyperparameters({ dropout: 0.1 }),
    },
  },
  causal: () => true,
  check: (hp) => checkHeads('tft', hp['hiddenSize'] as number, hp['heads'] as number),
  params(p, hp, _steps, features) {
    const d = hp['hiddenSize'] as number;
    const dh = d / (hp['heads'] as number);
    p.glorot('embed/kernel', [features, d], 1, d).constant('embed/bias', [features, d], 0);
    grnParams(p, 'select', features * d, d, features);
    p.glorot('vars/fc2/kernel', [features, d, d]).constant('vars/fc2/bias', [features, 1, d], 0);
    p.glorot('vars/fc1/kernel', [features, d, d]).constant('vars/fc1/bias', [features, 1, d], 0);
    p.glorot('vars/glu/gate/kernel', [features, d, d]).constant('vars/glu/gate/bias', [features, 1, d], 0);
    p.glorot('vars/glu/value/kernel', [features, d, d]).constant('vars/glu/value/bias', [features, 1, d], 0);
    p.layerNorm('vars/norm', d);
    recurrentParams(p, 'encoder', 'lstm', d, d);
    gluParams(p, 'encoderGate', d, d);
    p.layerNorm('encoderNorm', d);
    grnParams(p, 'enrich', d, d, d);
    p.dense('attention/q', d, d).dense('attention/k', d, d).dense('attention/v', d, dh).dense('attention/o', dh, d);
    gluParams(p, 'attentionGate', d, d);
    p.layerNorm('attentionNorm', d);
    grnParams(p, 'positionwise', d, d, d);
    gluParams(p, 'outputGate', d, d);
    p.layerNorm('outputNorm', d);
    p.dense('head', d, 3);
  },
  forward(tf, w, x, hp, ctx) {
    const d = hp['hiddenSize'] as number;
    const { selected } = selectVariables(tf, w, x, d, ctx);
    const encoded = lstmLayer(tf, selected, recurrentWeights(w, 'encoder'));
    const temporal = layerNorm(tf, w, 'encoderNorm', tf.add(selected, glu(tf, w, 'encoderGate', ctx.dropout(encoded)))) as Tensor3D;
    const enriched = grn(tf, w, 'enrich', temporal, ctx) as Tensor3D;
    const attended = interpretableAttention(tf, w, enriched, hp['heads'] as number, ctx);
    const fused = layerNorm(tf, w, 'attentionNorm', tf.add(enriched, glu(tf, w, 'attentionGate', ctx.dropout(attended))));
    const decoded = grn(tf, w, 'positionwise', fused, ctx);
    const output = layerNorm(tf, w, 'outputNorm', tf.add(temporal, glu(tf, w, 'outputGate', decoded)));
    return dense(tf, w, 'head', output) as Tensor3D;
  },
  importance(tf, w, x, hp) {
    const inference: ForwardContext = { training: false, dropout: (t) => t, attentionDropout: () => undefined };
    const [b, steps, features] = x.shape;
    const weights = selectionWeights(tf, w, x.reshape([b * steps, features]), hp['hiddenSize'] as number, inference);
    return tf.mean(weights, 0) as Tensor1D;
  },
};
