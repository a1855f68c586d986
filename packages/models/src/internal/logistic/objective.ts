import { NUM_CLASSES } from '../types.js';

/**
 * The penalised multinomial log loss over typed arrays, scaled exactly as sklearn ≥ 1.1 does it:
 *   f(W, b) = Σ s_i·CE_i / Σ s_i  +  ‖W‖² / (2·C·Σ s_i)
 * which is sklearn's documented `C·Σ s_i·CE_i + ½‖W‖²` divided by the constant C·Σ s_i — the same
 * minimiser, with gradients of order 1 so `tol` means the same as sklearn's. Intercepts b are not
 * penalised. Parameters are laid out `[W (3 × width) row-major, b (3)]`; NaN inputs count as 0.
 */
export interface LogisticProblem {
  x: Float32Array;
  rows: number;
  width: number;
  y: Uint8Array;
  /** Per-row weight s_i (sample weight × class weight). */
  s: Float64Array;
  sumS: number;
  C: number;
}

export function parameterCount(width: number): number {
  return NUM_CLASSES * (width + 1);
}

/**
 * The three logits and softmax probabilities of row `base`, written into `out` as
 * `[z0, z1, z2, p0, p1, p2]`; returns log Σ exp z (stable). Shared by the objective and
 * prediction so both read the coefficients the same way; NaN and 0 inputs add nothing.
 */
function rowSoftmax(x: Float32Array, base: number, width: number, params: Float64Array, out: Float64Array): number {
  const b = NUM_CLASSES * width;
  let z0 = params[b] as number;
  let z1 = params[b + 1] as number;
  let z2 = params[b + 2] as number;
  for (let j = 0; j < width; j++) {
    const v = x[base + j] as number;
    if (v !== v || v === 0) continue;
    z0 += (params[j] as number) * v;
    z1 += (params[width + j] as number) * v;
    z2 += (params[2 * width + j] as number) * v;
  }
  const m = Math.max(z0, z1, z2);
  const e0 = Math.exp(z0 - m);
  const e1 = Math.exp(z1 - m);
  const e2 = Math.exp(z2 - m);
  const sum = e0 + e1 + e2;
  out[0] = z0;
  out[1] = z1;
  out[2] = z2;
  out[3] = e0 / sum;
  out[4] = e1 / sum;
  out[5] = e2 / sum;
  return Math.log(sum) + m;
}

/**
 * Returns the objective and writes its gradient; `dataLoss[0]` receives the unpenalised
 * weighted mean log loss (what the epoch log reports as `trainLoss`).
 */
export function logisticObjective(problem: LogisticProblem, params: Float64Array, grad: Float64Array, dataLoss?: Float64Array): number {
  const { x, rows, width, y, s, sumS, C } = problem;
  const b = NUM_CLASSES * width;
  const row = new Float64Array(6);
  grad.fill(0);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const si = s[i] as number;
    if (si === 0) continue;
    const base = i * width;
    const logSumExp = rowSoftmax(x, base, width, params, row);
    const c = y[i] as number;
    loss += si * (logSumExp - (row[c] as number));
    const r0 = si * ((row[3] as number) - (c === 0 ? 1 : 0));
    const r1 = si * ((row[4] as number) - (c === 1 ? 1 : 0));
    const r2 = si * ((row[5] as number) - (c === 2 ? 1 : 0));
    grad[b]! += r0;
    grad[b + 1]! += r1;
    grad[b + 2]! += r2;
    for (let j = 0; j < width; j++) {
      const v = x[base + j] as number;
      if (v !== v || v === 0) continue;
      grad[j]! += r0 * v;
      grad[width + j]! += r1 * v;
      grad[2 * width + j]! += r2 * v;
    }
  }
  const scale = 1 / sumS;
  const penalty = 1 / (C * sumS);
  let norm = 0;
  for (let k = 0; k < b; k++) {
    const w = params[k] as number;
    norm += w * w;
    grad[k] = (grad[k] as number) * scale + penalty * w;
  }
  for (let k = b; k < b + NUM_CLASSES; k++) grad[k] = (grad[k] as number) * scale;
  if (dataLoss !== undefined) dataLoss[0] = loss * scale;
  return loss * scale + 0.5 * penalty * norm;
}

/** Softmax probabilities, rows × 3 float32, for coefficients in the layout above. */
export function logisticProbabilities(x: Float32Array, rows: number, width: number, params: Float64Array): Float32Array {
  const out = new Float32Array(rows * NUM_CLASSES);
  const row = new Float64Array(6);
  for (let i = 0; i < rows; i++) {
    rowSoftmax(x, i * width, width, params, row);
    out[i * 3] = row[3] as number;
    out[i * 3 + 1] = row[4] as number;
    out[i * 3 + 2] = row[5] as number;
  }
  return out;
}
