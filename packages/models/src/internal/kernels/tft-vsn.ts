import { Rng, UsageError } from '@tribar/core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { dataOf } from './products.js';

/**
 * The per-variable half of TFT's variable selection network (Lim et al. 2021, eq. 7–8) as one tfjs
 * op over typed arrays: every feature f's scalar x_f is embedded, e = x_f·We_f + be_f, and goes
 * through its own gated residual network, p_f = LayerNorm(e + GLU(W1_f·ELU(W2_f·e + b2_f) + b1_f)),
 * and the op returns Σ_f s_f·p_f for the selection weights s [rows, F] (the softmax the caller
 * computes from the GRN over all embeddings). In tfjs ops this held six [F, rows, d] tensors per GRN
 * in the gradient tape and ran ten elementwise kernels and eight batched matMuls of 8×8 matrices over
 * them (most of a batch's time and wasm's 4 GiB heap at batch 256); here each (row, feature) is a few
 * loops of d, nothing of size rows·F·d is kept between the passes (the backward pass recomputes the
 * forward one), and the embedding's rank one is folded: W2_f·e = x_f·(We_f·W2_f) + be_f·W2_f.
 * Same mathematics as the tfjs ops (checked against tfjs autodiff to 1e-5, values and gradients).
 */
export interface VariableGrnWeights {
  /** Embedding of each feature's scalar, [F, d] and [F, d]. */
  embedKernel: Tensor;
  embedBias: Tensor;
  /** Per-feature dense layers: kernels [F, d, d], biases [F, 1, d]. */
  fc2Kernel: Tensor;
  fc2Bias: Tensor;
  fc1Kernel: Tensor;
  fc1Bias: Tensor;
  gateKernel: Tensor;
  gateBias: Tensor;
  valueKernel: Tensor;
  valueBias: Tensor;
  /** The layer norm shared by all features, [d] each. */
  gamma: Tensor;
  beta: Tensor;
}

const ORDER = [
  'embedKernel',
  'embedBias',
  'fc2Kernel',
  'fc2Bias',
  'fc1Kernel',
  'fc1Bias',
  'gateKernel',
  'gateBias',
  'valueKernel',
  'valueBias',
  'gamma',
  'beta',
] as const;

export interface VariableGrnOptions {
  /** Inverted dropout on each GRN's hidden layer (after fc1) while training: its rate and a seed for the mask. */
  dropout?: { rate: number; seed: number };
  /** Keep what the backward pass needs; defaults to whether tfjs is recording a gradient tape. */
  training?: boolean;
}

interface Dims {
  rows: number;
  features: number;
  width: number;
}

/** Weights as typed arrays, in the order of ORDER. */
type Arrays = Float32Array[];

/** x [rows, F] (the features' scalars), selection [rows, F] → Σ_f selection_f · GRN_f(embed_f(x_f)), [rows, d]. */
export function selectedVariableGrns(
  tf: Tfjs,
  x: Tensor2D,
  selection: Tensor2D,
  w: VariableGrnWeights,
  options: VariableGrnOptions = {},
): Tensor2D {
  const dims = checkShapes(x, selection, w);
  const training = options.training ?? taping(tf);
  const dropout = training && options.dropout !== undefined && options.dropout.rate > 0 ? options.dropout : undefined;
  const weights = ORDER.map((k) => w[k]);
  if (!training) {
    const out = forward(dataOf(x), dataOf(selection), weights.map(dataOf), dims, undefined);
    return tf.tensor2d(out.selected, [dims.rows, dims.width]);
  }
  const op = tf.customGrad((...args: unknown[]) => {
    const inputs = args.slice(0, 2 + ORDER.length) as Tensor[];
    const xd = dataOf(inputs[0] as Tensor);
    const sd = dataOf(inputs[1] as Tensor);
    const wd = inputs.slice(2).map(dataOf);
    const state = forward(xd, sd, wd, dims, dropout);
    (args[2 + ORDER.length] as (tensors: Tensor[]) => void)([]);
    return {
      value: tf.tensor2d(state.selected, [dims.rows, dims.width]),
      gradFunc: (dy: Tensor) => {
        const grads = backward(dataOf(dy), xd, sd, wd, dims, state.keep);
        return grads.map((g, k) => tf.tensor(g, (inputs[k] as Tensor).shape));
      },
    };
  });
  return op(x, selection, ...weights) as Tensor2D;
}

/** Per feature: z2 = x·c2 + k2 with c2 = We·W2, k2 = be·W2 + b2 (the embedding folded into fc2). */
function foldedFc2(wd: Arrays, f: number, d: number, c2: Float64Array, k2: Float64Array): void {
  const [we, be, w2, b2] = wd as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let j = 0; j < d; j++) {
    let c = 0;
    let k = b2[f * d + j] as number;
    for (let i = 0; i < d; i++) {
      const wij = w2[(f * d + i) * d + j] as number;
      c += (we[f * d + i] as number) * wij;
      k += (be[f * d + i] as number) * wij;
    }
    c2[j] = c;
    k2[j] = k;
  }
}

/** Scratch of one (row, feature) GRN pass, each of width d. */
class Scratch {
  readonly a2: Float64Array;
  readonly z2: Float64Array;
  readonly eta: Float64Array;
  readonly g: Float64Array;
  readonly v: Float64Array;
  readonly nhat: Float64Array;
  readonly p: Float64Array;
  inv = 0;
  constructor(d: number) {
    this.a2 = new Float64Array(d);
    this.z2 = new Float64Array(d);
    this.eta = new Float64Array(d);
    this.g = new Float64Array(d);
    this.v = new Float64Array(d);
    this.nhat = new Float64Array(d);
    this.p = new Float64Array(d);
  }
}

/**
 * One feature's GRN on one scalar xv: fills s.a2, z2, eta, g, v, nhat, p and s.inv (1/σ of the layer
 * norm). `keep` is the dropout mask of this (row, feature) at `kb` (scaled by 1/(1 − rate)), or undefined.
 */
function grnPass(
  xv: number,
  f: number,
  d: number,
  wd: Arrays,
  c2: Float64Array,
  k2: Float64Array,
  s: Scratch,
  keep: Float32Array | undefined,
  kb: number,
): void {
  const we = wd[0] as Float32Array;
  const be = wd[1] as Float32Array;
  const w1 = wd[4] as Float32Array;
  const b1 = wd[5] as Float32Array;
  const wg = wd[6] as Float32Array;
  const bg = wd[7] as Float32Array;
  const wv = wd[8] as Float32Array;
  const bv = wd[9] as Float32Array;
  const gamma = wd[10] as Float32Array;
  const beta = wd[11] as Float32Array;
  const { a2, z2, eta, g, v, nhat, p } = s;
  const fd = f * d;
  const fdd = fd * d;
  for (let j = 0; j < d; j++) {
    const z = xv * (c2[j] as number) + (k2[j] as number);
    z2[j] = z;
    a2[j] = z > 0 ? z : Math.expm1(z);
  }
  for (let j = 0; j < d; j++) {
    let z = b1[fd + j] as number;
    for (let i = 0; i < d; i++) z += (a2[i] as number) * (w1[fdd + i * d + j] as number);
    eta[j] = keep === undefined ? z : z * (keep[kb + j] as number);
  }
  let mean = 0;
  for (let j = 0; j < d; j++) {
    let zg = bg[fd + j] as number;
    let zv = bv[fd + j] as number;
    for (let i = 0; i < d; i++) {
      const e = eta[i] as number;
      zg += e * (wg[fdd + i * d + j] as number);
      zv += e * (wv[fdd + i * d + j] as number);
    }
    const gj = 1 / (1 + Math.exp(-zg));
    g[j] = gj;
    v[j] = zv;
    const r = xv * (we[fd + j] as number) + (be[fd + j] as number) + gj * zv;
    nhat[j] = r;
    mean += r;
  }
  mean /= d;
  let variance = 0;
  for (let j = 0; j < d; j++) {
    const c = (nhat[j] as number) - mean;
    nhat[j] = c;
    variance += c * c;
  }
  const inv = 1 / Math.sqrt(variance / d + 1e-5);
  s.inv = inv;
  for (let j = 0; j < d; j++) {
    const n = (nhat[j] as number) * inv;
    nhat[j] = n;
    p[j] = n * (gamma[j] as number) + (beta[j] as number);
  }
}

function forward(
  x: Float32Array,
  sel: Float32Array,
  wd: Arrays,
  { rows, features: F, width: d }: Dims,
  dropout: { rate: number; seed: number } | undefined,
): { selected: Float32Array; keep?: Float32Array } {
  const acc = new Float64Array(rows * d);
  const keep = dropout === undefined ? undefined : new Float32Array(F * rows * d);
  if (keep !== undefined && dropout !== undefined) {
    const rng = new Rng(dropout.seed);
    const kept = 1 / (1 - dropout.rate);
    for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < dropout.rate ? 0 : kept;
  }
  const c2 = new Float64Array(d);
  const k2 = new Float64Array(d);
  const s = new Scratch(d);
  for (let f = 0; f < F; f++) {
    foldedFc2(wd, f, d, c2, k2);
    for (let n = 0; n < rows; n++) {
      grnPass(x[n * F + f] as number, f, d, wd, c2, k2, s, keep, (f * rows + n) * d);
      const weight = sel[n * F + f] as number;
      const o = n * d;
      for (let j = 0; j < d; j++) acc[o + j] = (acc[o + j] as number) + weight * (s.p[j] as number);
    }
  }
  const selected = Float32Array.from(acc);
  return keep === undefined ? { selected } : { selected, keep };
}

/** Gradients of every input of the op, in its order: x, selection, then the weights in ORDER. */
function backward(
  dy: Float32Array,
  x: Float32Array,
  sel: Float32Array,
  wd: Arrays,
  dims: Dims,
  keep: Float32Array | undefined,
): Float32Array[] {
  const { rows, features: F, width: d } = dims;
  const we = wd[0] as Float32Array;
  const be = wd[1] as Float32Array;
  const w2 = wd[2] as Float32Array;
  const w1 = wd[4] as Float32Array;
  const wg = wd[6] as Float32Array;
  const wv = wd[8] as Float32Array;
  const gamma = wd[10] as Float32Array;
  const dx = new Float32Array(rows * F);
  const dsel = new Float32Array(rows * F);
  const grads = wd.map((a) => new Float64Array(a.length));
  const [dWe, dbe, dW2, db2, dW1, db1, dWg, dbg, dWv, dbv, dGamma, dBeta] = grads as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const c2 = new Float64Array(d);
  const k2 = new Float64Array(d);
  const s = new Scratch(d);
  const dr = new Float64Array(d);
  const dzg = new Float64Array(d);
  const dzv = new Float64Array(d);
  const dz1 = new Float64Array(d);
  // Σ_n x·dz2 and Σ_n dz2 (fc2's gradients through the folded embedding), Σ_n x·dr and Σ_n dr (the residual's)
  const s1 = new Float64Array(d);
  const s0 = new Float64Array(d);
  const t1 = new Float64Array(d);
  const t0 = new Float64Array(d);
  for (let f = 0; f < F; f++) {
    foldedFc2(wd, f, d, c2, k2);
    s1.fill(0);
    s0.fill(0);
    t1.fill(0);
    t0.fill(0);
    const fd = f * d;
    const fdd = fd * d;
    for (let n = 0; n < rows; n++) {
      const xv = x[n * F + f] as number;
      const kb = (f * rows + n) * d;
      grnPass(xv, f, d, wd, c2, k2, s, keep, kb);
      const { a2, z2, eta, g, v, nhat, p } = s;
      const weight = sel[n * F + f] as number;
      const o = n * d;
      // out = Σ_f s_f·p_f; p = n̂·γ + β; n̂ = (r − μ)/σ
      let ds = 0;
      let m1 = 0;
      let m2 = 0;
      for (let j = 0; j < d; j++) {
        const dyj = dy[o + j] as number;
        ds += (p[j] as number) * dyj;
        const dp = weight * dyj;
        dGamma[j] = (dGamma[j] as number) + dp * (nhat[j] as number);
        dBeta[j] = (dBeta[j] as number) + dp;
        const dn = dp * (gamma[j] as number);
        dr[j] = dn;
        m1 += dn;
        m2 += dn * (nhat[j] as number);
      }
      dsel[n * F + f] = ds;
      m1 /= d;
      m2 /= d;
      let dxv = 0;
      for (let j = 0; j < d; j++) {
        const r = s.inv * ((dr[j] as number) - m1 - (nhat[j] as number) * m2);
        dr[j] = r;
        t1[j] = (t1[j] as number) + xv * r;
        t0[j] = (t0[j] as number) + r;
        dxv += (we[fd + j] as number) * r;
        // r = e + σ(zg)·zv
        const gj = g[j] as number;
        dzv[j] = r * gj;
        dzg[j] = r * (v[j] as number) * gj * (1 - gj);
        dbg[fd + j] = (dbg[fd + j] as number) + (dzg[j] as number);
        dbv[fd + j] = (dbv[fd + j] as number) + (dzv[j] as number);
      }
      for (let i = 0; i < d; i++) {
        const e = eta[i] as number;
        const row = fdd + i * d;
        let de = 0;
        for (let j = 0; j < d; j++) {
          const gj = dzg[j] as number;
          const vj = dzv[j] as number;
          dWg[row + j] = (dWg[row + j] as number) + e * gj;
          dWv[row + j] = (dWv[row + j] as number) + e * vj;
          de += (wg[row + j] as number) * gj + (wv[row + j] as number) * vj;
        }
        dz1[i] = keep === undefined ? de : de * (keep[kb + i] as number);
      }
      for (let j = 0; j < d; j++) db1[fd + j] = (db1[fd + j] as number) + (dz1[j] as number);
      for (let i = 0; i < d; i++) {
        const a = a2[i] as number;
        const row = fdd + i * d;
        let da = 0;
        for (let j = 0; j < d; j++) {
          const gj = dz1[j] as number;
          dW1[row + j] = (dW1[row + j] as number) + a * gj;
          da += (w1[row + j] as number) * gj;
        }
        // ELU′ = 1 above zero, e^z = ELU(z) + 1 below
        const dz = (z2[i] as number) > 0 ? da : da * (a + 1);
        s1[i] = (s1[i] as number) + xv * dz;
        s0[i] = (s0[i] as number) + dz;
        dxv += (c2[i] as number) * dz;
      }
      dx[n * F + f] = dxv;
    }
    // z2_j = Σ_i e_i·W2_ij + b2_j with e = x·We + be: dW2_ij = We_i·Σx·dz2_j + be_i·Σdz2_j; de_i = Σ_j W2_ij·dz2_j
    for (let i = 0; i < d; i++) {
      let dwe = t1[i] as number;
      let dbeI = t0[i] as number;
      for (let j = 0; j < d; j++) {
        const idx = fdd + i * d + j;
        dW2[idx] = (we[fd + i] as number) * (s1[j] as number) + (be[fd + i] as number) * (s0[j] as number);
        dwe += (w2[idx] as number) * (s1[j] as number);
        dbeI += (w2[idx] as number) * (s0[j] as number);
      }
      dWe[fd + i] = dwe;
      dbe[fd + i] = dbeI;
      db2[fd + i] = s0[i] as number;
    }
  }
  return [dx, dsel, ...grads.map((g) => Float32Array.from(g))];
}

function checkShapes(x: Tensor, selection: Tensor, w: VariableGrnWeights): Dims {
  const fail = (name: string, t: Tensor, expected: number[]): never => {
    throw new UsageError(`selectedVariableGrns: ${name} has shape [${t.shape.join(', ')}], expected [${expected.join(', ')}]`, {
      hint: 'x and selection are [rows, F]; the embedding [F, d]; per-feature kernels [F, d, d], biases [F, 1, d]; gamma and beta [d].',
    });
  };
  if (x.rank !== 2) fail('x', x, [-1, -1]);
  const [rows, F] = x.shape as [number, number];
  const d = w.embedKernel.shape.at(-1) as number;
  const expect = (name: string, t: Tensor, shape: number[]): void => {
    if (t.shape.length !== shape.length || t.shape.some((s, k) => s !== shape[k])) fail(name, t, shape);
    if (t.dtype !== 'float32') throw new UsageError(`selectedVariableGrns: ${name} has dtype ${t.dtype}, expected float32`);
  };
  expect('selection', selection, [rows, F]);
  const shapes: Record<(typeof ORDER)[number], number[]> = {
    embedKernel: [F, d],
    embedBias: [F, d],
    fc2Kernel: [F, d, d],
    fc2Bias: [F, 1, d],
    fc1Kernel: [F, d, d],
    fc1Bias: [F, 1, d],
    gateKernel: [F, d, d],
    gateBias: [F, 1, d],
    valueKernel: [F, d, d],
    valueBias: [F, 1, d],
    gamma: [d],
    beta: [d],
  };
  for (const k of ORDER) expect(k, w[k], shapes[k]);
  return { rows, features: F, width: d };
}

function taping(tf: Tfjs): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}
