import { Rng } from '@tribar/core';
import type { Scalar, Tensor, Tensor3D, Variable } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { SequenceFamily } from '../src/internal/sequence/engine.js';
import type { ForwardContext } from '../src/internal/sequence/layers.js';
import { ParamBuilder } from '../src/internal/sequence/params.js';
import { patchtstFamily } from '../src/internal/sequence/patchtst.js';
import { tftFamily } from '../src/internal/sequence/tft.js';
import { transformerFamily } from '../src/internal/sequence/transformer.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';
import type { Tfjs } from '../src/internal/tfjs/backend.js';

const inference: ForwardContext = { training: false, dropout: (x) => x, attentionDropout: () => undefined };

/** tfjs with getBackend() answering `backend`, so a family takes that backend's attention path on the real one. */
function as(tf: Tfjs, backend: string): Tfjs {
  return new Proxy(tf, { get: (target, key) => (key === 'getBackend' ? () => backend : Reflect.get(target, key)) });
}

/** Largest difference relative to the reference's largest magnitude (float32 sums through a whole network). */
function relativeDiff(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  let scale = 1;
  for (let i = 0; i < x.length; i++) {
    m = Math.max(m, Math.abs((x[i] as number) - (y[i] as number)));
    scale = Math.max(scale, Math.abs(y[i] as number));
  }
  return m / scale;
}

describe("the families' two attention paths (fused op on tfjs's cpu backend, tfjs ops elsewhere)", () => {
  it.each([
    [transformerFamily, { hiddenSize: 8, heads: 2, layers: 2, ffnSize: 16, positions: 'learned' }],
    [patchtstFamily, { patchLength: 4, stride: 2, hiddenSize: 8, heads: 2, layers: 1, ffnSize: 16, revin: true, headDropout: 0 }],
    [tftFamily, { hiddenSize: 8, heads: 2 }],
  ] as [SequenceFamily, Record<string, unknown>][])(
    '%# give the same logits and parameter gradients to 1e-5 relative',
    async (family, hp) => {
      const { tf } = await selectTfjsBackend();
      const builder = new ParamBuilder(new Rng(3));
      family.params(builder, hp, 10, 3);
      const variables = builder.params.map((p) => tf.variable(tf.tensor(p.values, p.shape), true, `${family.card.name}-${p.name}`));
      const weights = new Map<string, Tensor>(builder.params.map((p, k) => [p.name, variables[k] as Tensor]));
      const x = tf.randomNormal([4, 10, 3], 0, 1, 'float32', 9) as Tensor3D;
      const fused = as(tf, 'cpu');
      const plain = as(tf, 'wasm');
      const logits = (t: Tfjs) => family.forward(t, weights, x, hp, inference);
      expect(relativeDiff(logits(fused), logits(plain))).toBeLessThan(1e-5);
      const grads = (t: Tfjs) => tf.variableGrads(() => tf.sum(tf.square(logits(t))) as Scalar, variables as Variable[]).grads;
      const a = grads(fused);
      const b = grads(plain);
      for (const v of variables) expect(relativeDiff(a[v.name]!, b[v.name]!)).toBeLessThan(1e-5);
      tf.dispose([...variables, x]);
    },
  );
});
