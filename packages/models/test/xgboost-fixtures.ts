// The performance-anchor "XGBoost matrix" shape at test size: standard-normal features, a latent
// z = Σ w_j·x_j + N(0, 1) over the first `informative` columns (w evenly 1.0 → 0.1), classes by
// the terciles of z, so every class holds a third of the rows.
import { Rng } from '@tribar/core';
import type { LabeledInput } from '../src/internal/types.js';
import { hasXGBoost } from '../src/internal/xgboost/index.js';

/**
 * True when libxgboost cannot be found outside CI: the tests that fit skip with a message. Under
 * CI=true (which installs it: tools/scripts/setup-system.sh) a missing library fails them instead.
 */
export const skipWithoutXGBoost = !hasXGBoost() && process.env['CI'] !== 'true';
if (skipWithoutXGBoost)
  console.warn('libxgboost not found: the xgboost tests that fit are skipped (bash tools/scripts/setup-system.sh installs it)');

export function anchorMatrix(rows: number, cols: number, informative: number, seed: number): LabeledInput {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * cols);
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const v = rng.normal();
      x[i * cols + j] = v;
      if (j < informative) sum += (informative === 1 ? 1 : 1 - (0.9 * j) / (informative - 1)) * v;
    }
    z[i] = sum + rng.normal();
  }
  const sorted = Float64Array.from(z).sort();
  const low = sorted[Math.floor(rows / 3)] as number;
  const high = sorted[Math.floor((2 * rows) / 3)] as number;
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) y[i] = (z[i] as number) < low ? 0 : (z[i] as number) < high ? 1 : 2;
  const featureNames = Array.from({ length: cols }, (_, j) => (j < informative ? `signal_${j}` : `noise_${j}`));
  return { x, rows, shape: [cols], y, featureNames };
}

/** Rows [start, end) of a labeled matrix, sharing no memory with it. */
export function sliceRows(input: LabeledInput, start: number, end: number): LabeledInput {
  const cols = input.shape[0] as number;
  return {
    x: input.x.slice(start * cols, end * cols),
    rows: end - start,
    shape: input.shape,
    y: input.y.slice(start, end),
    ...(input.featureNames ? { featureNames: input.featureNames } : {}),
    ...(input.weights ? { weights: input.weights.slice(start, end) } : {}),
  };
}

export function accuracy(predicted: Uint8Array, y: Uint8Array): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) hits++;
  return hits / y.length;
}
