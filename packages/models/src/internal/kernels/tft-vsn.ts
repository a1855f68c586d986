import { Rng, UsageError } from '@tribar/core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { computeData, dataOf } from './products.js';

/**
 * The per-variable half of TFT's variable selection network (Lim et al. 2021, eq. 7–8) as one tfjs
 * op: every feature f's scalar x_f is embedded, e = x_f·We_f + be_f, and goes through its own gated
 * residual network, p_f = LayerNorm(e + GLU(W1_f·ELU(W2_f·e + b2_f) + b1_f)), and the op returns
 * Σ_f s_f·p_f for the selection weights s [rows, F] (the softmax the caller computes from the GRN
 * over all embeddings). In tfjs ops this kept a dozen [F, rows, d] tensors in the gradient tape, ran
 * batched matMuls of d×d matrices (slow on wasm) and elementwise kernels over them: 1.25 GB of tfjs
 * memory at batch 64 and the real shape. Here one feature at a time runs over all rows: its two d×d
 * products (fc1, and the GLU's gate and value side by side) and their gradients go through the
 * backend's plain matMul, everything elementwise is a loop over typed arrays, the [rows, F, d]
 * embedding is never built (W2_f·e = x_f·(We_f·W2_f) + be_f·W2_f, the same mathematics folded),
 * and the backward pass reads what the forward one kept outside the tfjs heap (`VariableGrnState`).
 * Matches tfjs autodiff of the op-by-op GRNs to 1e-5, values and every gradient (kernels-tft-vsn test).
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

/** The op's weights in the order it takes (and returns the gradients of) them. */
export const VARIABLE_GRN_WEIGHTS = [
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

/** The shape of each weight for `features` variables embedded in `width` dimensions. */
export function variableGrnShapes(features: number, width: number): Record<(typeof VARIABLE_GRN_WEIGHTS)[number], number[]> {
  const [F, d] = [features, width];
  return {
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
}

interface VariableGrnOptions {
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

/** Weights as typed arrays, in the order of VARIABLE_GRN_WEIGHTS. */
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
  const weights = VARIABLE_GRN_WEIGHTS.map((k) => w[k]);
  if (!training) {
    spare = undefined;
    const out = forward(tf, dataOf(x), dataOf(selection), weights.map(dataOf), dims, undefined, false);
    return tf.tensor2d(out.selected, [dims.rows, dims.width]);
  }
  const op = tf.customGrad((...args: unknown[]) => {
    const inputs = args.slice(0, 2 + VARIABLE_GRN_WEIGHTS.length) as Tensor[];
    const xd = dataOf(inputs[0] as Tensor);
    const sd = dataOf(inputs[1] as Tensor);
    const wd = inputs.slice(2).map(dataOf);
    const { selected, state } = forward(tf, xd, sd, wd, dims, dropout, true);
    (args[2 + VARIABLE_GRN_WEIGHTS.length] as (tensors: Tensor[]) => void)([]);
    return {
      value: tf.tensor2d(selected, [dims.rows, dims.width]),
      gradFunc: (dy: Tensor) => {
        const grads = backward(tf, dataOf(dy), xd, sd, wd, dims, state as VariableGrnState);
        spare = state;
        return grads.map((g, k) => tf.tensor(g, (inputs[k] as Tensor).shape));
      },
    };
  });
  return op(x, selection, ...weights) as Tensor2D;
}

/**
 * One feature's weights copied out as float64 from offset 0 (the loops then index small local arrays),
 * with fc2 folded through the embedding: z2 = x·c2 + k2, c2 = We·W2, k2 = be·W2 + b2.
 */
class FeatureWeights {
  readonly we: Float64Array;
  readonly be: Float64Array;
  readonly w2: Float64Array;
  readonly c2: Float64Array;
  readonly k2: Float64Array;
  readonly b1: Float64Array;
  readonly bg: Float64Array;
  readonly bv: Float64Array;
  readonly gamma: Float64Array;
  readonly beta: Float64Array;
  constructor(
    readonly d: number,
    wd: Arrays,
  ) {
    this.we = new Float64Array(d);
    this.be = new Float64Array(d);
    this.c2 = new Float64Array(d);
    this.k2 = new Float64Array(d);
    this.b1 = new Float64Array(d);
    this.bg = new Float64Array(d);
    this.bv = new Float64Array(d);
    this.w2 = new Float64Array(d * d);
    this.gamma = Float64Array.from(wd[10] as Float32Array);
    this.beta = Float64Array.from(wd[11] as Float32Array);
  }

  load(wd: Arrays, f: number): void {
    const d = this.d;
    const v = f * d;
    const m = v * d;
    this.we.set((wd[0] as Float32Array).subarray(v, v + d));
    this.be.set((wd[1] as Float32Array).subarray(v, v + d));
    this.w2.set((wd[2] as Float32Array).subarray(m, m + d * d));
    this.b1.set((wd[5] as Float32Array).subarray(v, v + d));
    this.bg.set((wd[7] as Float32Array).subarray(v, v + d));
    this.bv.set((wd[9] as Float32Array).subarray(v, v + d));
    this.k2.set((wd[3] as Float32Array).subarray(v, v + d));
    this.c2.fill(0);
    for (let i = 0; i < d; i++) {
      const wi = this.we[i] as number;
      const bi = this.be[i] as number;
      for (let j = 0; j < d; j++) {
        const w = this.w2[i * d + j] as number;
        this.c2[j] = (this.c2[j] as number) + wi * w;
        this.k2[j] = (this.k2[j] as number) + bi * w;
      }
    }
  }
}

/** `a·b` for row-major a [rows, inner] and b [inner, cols], on the backend's plain matMul (XNNPACK's GEMM on wasm). */
function product(tf: Tfjs, a: Float32Array, rows: number, inner: number, b: Float32Array, cols: number): Float32Array {
  return computeData(tf, () => tf.matMul(tf.tensor2d(a, [rows, inner]), tf.tensor2d(b, [inner, cols])));
}

/** The transpose of a row-major [rows, cols] array. */
function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c] as number;
  return out;
}

/**
 * What the backward pass reads, per feature and row ([F, rows, d] unless noted): the ELU outputs, the
 * hidden layer after dropout, the gates σ(zg), the values zv, the normalised sums n̂ and 1/σ ([F, rows]).
 * Keeping them (41 floats per row and feature at width 8) costs less than recomputing the forward pass.
 */
interface VariableGrnState {
  a2: Float32Array;
  eta: Float32Array;
  g: Float32Array;
  v: Float32Array;
  nhat: Float32Array;
  inv: Float32Array;
  keep?: Float32Array;
}

/**
 * The state of the last backward pass, reused by the next training forward pass of the same size:
 * a fresh set each batch (six [F, rows, d] arrays, 360 MB at batch 256 and width 8) spent more time
 * in page faults and garbage collection than in the arithmetic. An inference pass drops it, so
 * nothing stays held once a fit is over.
 */
let spare: VariableGrnState | undefined;

function takeState(perValue: number, perRow: number, dropout: boolean): VariableGrnState {
  const reuse =
    spare !== undefined && spare.a2.length === perValue && spare.inv.length === perRow && (spare.keep !== undefined) === dropout;
  const state =
    reuse && spare !== undefined
      ? spare
      : {
          a2: new Float32Array(perValue),
          eta: new Float32Array(perValue),
          g: new Float32Array(perValue),
          v: new Float32Array(perValue),
          nhat: new Float32Array(perValue),
          inv: new Float32Array(perRow),
          ...(dropout ? { keep: new Float32Array(perValue) } : {}),
        };
  spare = undefined;
  return state;
}

/**
 * Forward over all features, one feature at a time over all rows: the two d×d products (fc1, and
 * the GLU's gate and value side by side as one d×2d) go through the backend's matMul, the rest are
 * loops over the rows. Returns the selected sum and, when `keepState`, what backward needs.
 */
function forward(
  tf: Tfjs,
  x: Float32Array,
  sel: Float32Array,
  wd: Arrays,
  { rows, features: F, width: d }: Dims,
  dropout: { rate: number; seed: number } | undefined,
  keepState: boolean,
): { selected: Float32Array; state?: VariableGrnState } {
  const acc = new Float64Array(rows * d);
  const size = rows * d;
  const state = keepState ? takeState(F * size, F * rows, dropout !== undefined) : undefined;
  const keep = dropout === undefined ? undefined : (state?.keep ?? new Float32Array(F * size));
  if (keep !== undefined && dropout !== undefined) {
    const rng = new Rng(dropout.seed);
    const kept = 1 / (1 - dropout.rate);
    for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < dropout.rate ? 0 : kept;
  }
  const fw = new FeatureWeights(d, wd);
  const { we, be, c2, k2, b1, bg, bv, gamma, beta } = fw;
  const a2Block = new Float32Array(size);
  const w1 = new Float32Array(d * d);
  const wgv = new Float32Array(d * 2 * d);
  const r = new Float64Array(d);
  for (let f = 0; f < F; f++) {
    fw.load(wd, f);
    const base = f * size;
    const a2 = state === undefined ? a2Block : state.a2.subarray(base, base + size);
    for (let n = 0; n < rows; n++) {
      const xv = x[n * F + f] as number;
      const o = n * d;
      for (let j = 0; j < d; j++) {
        const z = xv * (c2[j] as number) + (k2[j] as number);
        a2[o + j] = z > 0 ? z : Math.expm1(z);
      }
    }
    w1.set((wd[4] as Float32Array).subarray(f * d * d, (f + 1) * d * d));
    const eta = product(tf, a2, rows, d, w1, d);
    for (let o = 0; o < size; o += d) {
      for (let j = 0; j < d; j++) {
        const z = (eta[o + j] as number) + (b1[j] as number);
        eta[o + j] = keep === undefined ? z : z * (keep[base + o + j] as number);
      }
    }
    if (state !== undefined) state.eta.set(eta, base);
    // [Wg | Wv] side by side: one product gives gate and value pre-activations [rows, 2d]
    const wg = wd[6] as Float32Array;
    const wv = wd[8] as Float32Array;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        wgv[i * 2 * d + j] = wg[(f * d + i) * d + j] as number;
        wgv[i * 2 * d + d + j] = wv[(f * d + i) * d + j] as number;
      }
    }
    const gv = product(tf, eta, rows, d, wgv, 2 * d);
    for (let n = 0; n < rows; n++) {
      const xv = x[n * F + f] as number;
      const o = n * d;
      const q = n * 2 * d;
      let mean = 0;
      for (let j = 0; j < d; j++) {
        const gj = 1 / (1 + Math.exp(-((gv[q + j] as number) + (bg[j] as number))));
        const vj = (gv[q + d + j] as number) + (bv[j] as number);
        if (state !== undefined) {
          state.g[base + o + j] = gj;
          state.v[base + o + j] = vj;
        }
        const rj = xv * (we[j] as number) + (be[j] as number) + gj * vj;
        r[j] = rj;
        mean += rj;
      }
      mean /= d;
      let variance = 0;
      for (let j = 0; j < d; j++) {
        const c = (r[j] as number) - mean;
        r[j] = c;
        variance += c * c;
      }
      const inv = 1 / Math.sqrt(variance / d + 1e-5);
      if (state !== undefined) state.inv[f * rows + n] = inv;
      const weight = sel[n * F + f] as number;
      for (let j = 0; j < d; j++) {
        const nh = (r[j] as number) * inv;
        if (state !== undefined) state.nhat[base + o + j] = nh;
        acc[o + j] = (acc[o + j] as number) + weight * (nh * (gamma[j] as number) + (beta[j] as number));
      }
    }
  }
  const selected = Float32Array.from(acc);
  return state === undefined ? { selected } : { selected, state };
}

/** Gradients of every input of the op, in its order: x, selection, then the weights in VARIABLE_GRN_WEIGHTS. */
function backward(
  tf: Tfjs,
  dy: Float32Array,
  x: Float32Array,
  sel: Float32Array,
  wd: Arrays,
  dims: Dims,
  state: VariableGrnState,
): Float32Array[] {
  const { rows, features: F, width: d } = dims;
  const size = rows * d;
  const dx = new Float32Array(rows * F);
  const dsel = new Float32Array(rows * F);
  const grads = wd.map((a) => new Float32Array(a.length));
  const fw = new FeatureWeights(d, wd);
  const { we, be, w2, c2, gamma, beta } = fw;
  const { keep } = state;
  const dr = new Float64Array(d);
  const dgv = new Float32Array(rows * 2 * d);
  const dxPartial = new Float64Array(rows);
  const wgvT = new Float32Array(2 * d * d);
  const w1T = new Float32Array(d * d);
  // this feature's bias gradients and the layer norm's, summed over rows in float64
  const db1 = new Float64Array(d);
  const dbg = new Float64Array(d);
  const dbv = new Float64Array(d);
  const dGamma = new Float64Array(d);
  const dBeta = new Float64Array(d);
  // Σ_n x·dz2 and Σ_n dz2 (fc2's gradients through the folded embedding), Σ_n x·dr and Σ_n dr (the residual's)
  const s1 = new Float64Array(d);
  const s0 = new Float64Array(d);
  const t1 = new Float64Array(d);
  const t0 = new Float64Array(d);
  const wg = wd[6] as Float32Array;
  const wv = wd[8] as Float32Array;
  const w1 = wd[4] as Float32Array;
  for (let f = 0; f < F; f++) {
    fw.load(wd, f);
    for (const a of [db1, dbg, dbv, s1, s0, t1, t0]) a.fill(0);
    const base = f * size;
    for (let n = 0; n < rows; n++) {
      const xv = x[n * F + f] as number;
      const o = base + n * d;
      const weight = sel[n * F + f] as number;
      const inv = state.inv[f * rows + n] as number;
      // out = Σ_f s_f·p_f; p = n̂·γ + β; n̂ = (r − μ)/σ
      let ds = 0;
      let m1 = 0;
      let m2 = 0;
      for (let j = 0; j < d; j++) {
        const dyj = dy[n * d + j] as number;
        const nh = state.nhat[o + j] as number;
        ds += (nh * (gamma[j] as number) + (beta[j] as number)) * dyj;
        const dp = weight * dyj;
        dGamma[j] = (dGamma[j] as number) + dp * nh;
        dBeta[j] = (dBeta[j] as number) + dp;
        const dn = dp * (gamma[j] as number);
        dr[j] = dn;
        m1 += dn;
        m2 += dn * nh;
      }
      dsel[n * F + f] = ds;
      m1 /= d;
      m2 /= d;
      let dxv = 0;
      const q = n * 2 * d;
      for (let j = 0; j < d; j++) {
        const rj = inv * ((dr[j] as number) - m1 - (state.nhat[o + j] as number) * m2);
        t1[j] = (t1[j] as number) + xv * rj;
        t0[j] = (t0[j] as number) + rj;
        dxv += (we[j] as number) * rj;
        // r = e + σ(zg)·zv
        const gj = state.g[o + j] as number;
        const dv = rj * gj;
        const dg = rj * (state.v[o + j] as number) * gj * (1 - gj);
        dgv[q + j] = dg;
        dgv[q + d + j] = dv;
        dbg[j] = (dbg[j] as number) + dg;
        dbv[j] = (dbv[j] as number) + dv;
      }
      dxPartial[n] = dxv;
    }
    // dη = [dzg | dzv]·[Wg | Wv]ᵀ; d[Wg | Wv] = ηᵀ·[dzg | dzv]
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        wgvT[j * d + i] = wg[(f * d + i) * d + j] as number;
        wgvT[(d + j) * d + i] = wv[(f * d + i) * d + j] as number;
        w1T[j * d + i] = w1[(f * d + i) * d + j] as number;
      }
    }
    const eta = state.eta.subarray(base, base + size);
    const dz1 = product(tf, dgv, rows, 2 * d, wgvT, d);
    const dWgv = product(tf, transposed(eta, rows, d), d, rows, dgv, 2 * d);
    for (let o = 0; o < size; o += d) {
      for (let j = 0; j < d; j++) {
        const dz = keep === undefined ? (dz1[o + j] as number) : (dz1[o + j] as number) * (keep[base + o + j] as number);
        dz1[o + j] = dz;
        db1[j] = (db1[j] as number) + dz;
      }
    }
    const a2 = state.a2.subarray(base, base + size);
    const da2 = product(tf, dz1, rows, d, w1T, d);
    const dW1 = product(tf, transposed(a2, rows, d), d, rows, dz1, d);
    for (let n = 0; n < rows; n++) {
      const xv = x[n * F + f] as number;
      let dxv = dxPartial[n] as number;
      for (let i = 0; i < d; i++) {
        const a = a2[n * d + i] as number;
        // ELU′ = 1 above zero, e^z = ELU(z) + 1 below
        const dz = a > 0 ? (da2[n * d + i] as number) : (da2[n * d + i] as number) * (a + 1);
        s1[i] = (s1[i] as number) + xv * dz;
        s0[i] = (s0[i] as number) + dz;
        dxv += (c2[i] as number) * dz;
      }
      dx[n * F + f] = dxv;
    }
    const v = f * d;
    const m = v * d;
    (grads[4] as Float32Array).set(dW1, m);
    (grads[5] as Float32Array).set(db1, v);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        (grads[6] as Float32Array)[m + i * d + j] = dWgv[i * 2 * d + j] as number;
        (grads[8] as Float32Array)[m + i * d + j] = dWgv[i * 2 * d + d + j] as number;
      }
    }
    (grads[7] as Float32Array).set(dbg, v);
    (grads[9] as Float32Array).set(dbv, v);
    (grads[3] as Float32Array).set(s0, v);
    // z2_j = Σ_i e_i·W2_ij + b2_j with e = x·We + be: dW2_ij = We_i·Σx·dz2_j + be_i·Σdz2_j; de_i = Σ_j W2_ij·dz2_j
    const gWe = grads[0] as Float32Array;
    const gbe = grads[1] as Float32Array;
    const gW2 = grads[2] as Float32Array;
    for (let i = 0; i < d; i++) {
      let dwe = t1[i] as number;
      let dbe = t0[i] as number;
      for (let j = 0; j < d; j++) {
        const w = w2[i * d + j] as number;
        gW2[m + i * d + j] = (we[i] as number) * (s1[j] as number) + (be[i] as number) * (s0[j] as number);
        dwe += w * (s1[j] as number);
        dbe += w * (s0[j] as number);
      }
      gWe[v + i] = dwe;
      gbe[v + i] = dbe;
    }
  }
  (grads[10] as Float32Array).set(dGamma);
  (grads[11] as Float32Array).set(dBeta);
  return [dx, dsel, ...grads];
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
  const shapes = variableGrnShapes(F, d);
  for (const k of VARIABLE_GRN_WEIGHTS) expect(k, w[k], shapes[k]);
  return { rows, features: F, width: d };
}

function taping(tf: Tfjs): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}
