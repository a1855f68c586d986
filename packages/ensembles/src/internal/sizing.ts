import { argmaxClass, type BaseModel, type ModelInput } from '@tribar/models';
import { betSizes, discretizeBetSizes } from '@tribar/quant';

// From (calibrated) class probabilities to signed whole contracts, row by row: the rules the
// trainer's sized backtest uses and inference serves, kept in one place so both give the same sizes.

/** Secondary classes of meta-labeling: a binary act / pass target on the three-class models (pass = class 0, act = class 2). */
const PASS = 0;
const ACT = 2;

/** The side per row: +1 / −1 where the argmax class is long / short with at least `threshold`, else 0. */
export function primarySides(proba: Float32Array, rows: number, threshold: number): Int8Array {
  const side = new Int8Array(rows);
  for (let k = 0; k < rows; k++) {
    const c = argmaxClass(proba, k);
    side[k] = c === 1 || proba[k * 3 + c]! < threshold ? 0 : c === 2 ? 1 : -1;
  }
  return side;
}

/** Each row's argmax probability, clamped to [0, 1] (what `2Φ(z) − 1` sizes). */
export function argmaxProbabilities(proba: Float32Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let k = 0; k < rows; k++) out[k] = Math.min(1, Math.max(0, proba[k * 3 + argmaxClass(proba, k)]!));
  return out;
}

/** Signed sizes in [−1, 1] × a full position's contracts, rounded to whole contracts (half away from zero on both sides). */
export function wholeContracts(size: ArrayLike<number>, maxContracts: number): Int32Array {
  // Math.round alone would favour longs (it rounds −0.5 up).
  return Int32Array.from({ length: size.length }, (_, k) => Math.sign(size[k]!) * Math.round(Math.abs(size[k]!) * maxContracts));
}

/**
 * Contracts per row from probabilities alone (AFML ch. 10, no averaging over active bets): the
 * side of `primarySides`, sized by 2Φ(z) − 1 of the argmax probability (k = 3), discretised by
 * `step`, times `maxContracts`.
 */
export function probabilityContracts(
  proba: Float32Array,
  rows: number,
  settings: { threshold: number; step: number; maxContracts: number },
): Int32Array {
  const side = primarySides(proba, rows, settings.threshold);
  const size = discretizeBetSizes(betSizes(argmaxProbabilities(proba, rows), side, 3), settings.step);
  return wholeContracts(size, settings.maxContracts);
}

/** Tabular input of the features plus the primary's three probabilities (the meta-labeling secondary sees what the primary thought). */
export function withPrimary(input: ModelInput, proba: Float32Array): ModelInput {
  const width = input.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(input.rows * (width + 3));
  for (let r = 0; r < input.rows; r++) {
    x.set(input.x.subarray(r * width, (r + 1) * width), r * (width + 3));
    x.set(proba.subarray(r * 3, r * 3 + 3), r * (width + 3) + width);
  }
  const names = input.featureNames ?? Array.from({ length: width }, (_, j) => `f${j}`);
  return { x, rows: input.rows, shape: [width + 3], featureNames: [...names, 'primary_p_short', 'primary_p_neutral', 'primary_p_long'] };
}

/** The meta-label classes of `withPrimary` rows: ACT where the side was profitable, else PASS. */
export const META_CLASS = { pass: PASS, act: ACT } as const;

/**
 * The meta-labeling secondary's probability of acting per row (p(act) / (p(act) + p(pass)) of its
 * three-class output).
 */
export async function actProbabilities(secondary: BaseModel, input: ModelInput, primary: Float32Array): Promise<Float64Array> {
  const p = (await secondary.predictProba(withPrimary(input, primary))).p;
  const act = new Float64Array(input.rows);
  for (let k = 0; k < act.length; k++) act[k] = p[k * 3 + ACT]! / Math.max(1e-12, p[k * 3 + ACT]! + p[k * 3 + PASS]!);
  return act;
}

/**
 * Signed contracts of meta-labeled rows: the primary's side where p(act) reaches `threshold`, sized
 * by 2Φ(z) − 1 of p(act) (k = 2) × maxContracts (at least one) when `sizing` is `probability`, else one contract.
 */
export function metaContracts(
  act: Float64Array,
  side: Int8Array,
  threshold: number,
  sizing: { method: 'none' | 'probability' | 'budget'; maxContracts: number },
): Int32Array {
  const contracts = new Int32Array(side.length);
  const size = sizing.method === 'probability' ? betSizes(act, side, 2) : null;
  for (let k = 0; k < side.length; k++) {
    if (side[k] === 0 || act[k]! < threshold) continue;
    contracts[k] = size ? Math.sign(size[k]!) * Math.max(1, Math.round(Math.abs(size[k]!) * sizing.maxContracts)) : side[k]!;
  }
  return contracts;
}
