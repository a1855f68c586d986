import { Rng } from '@tribar/core';

/** Width of the boosting anchors' matrix (performance-anchors.md: 100 float32 features, 10 informative). */
export const ANCHOR_COLS = 100;
const INFORMATIVE = 10;

/**
 * The boosting benchmarks' data, identical for every side that reads it (libxgboost through FFI,
 * Python's xgboost, Tribar's gbdt): standard normal features, a latent score from the first 10 with
 * falling weights plus noise, cut at its terciles into classes 0, 1, 2. Seeded, so the same bytes each run.
 */
export function anchorMatrix(rows: number): { x: Float32Array; y: Uint8Array } {
  const rng = new Rng(42);
  const x = new Float32Array(rows * ANCHOR_COLS);
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < ANCHOR_COLS; j++) {
      const v = rng.normal();
      x[i * ANCHOR_COLS + j] = v;
      if (j < INFORMATIVE) sum += (1 - (0.9 * j) / (INFORMATIVE - 1)) * v;
    }
    z[i] = sum + rng.normal();
  }
  const sorted = Float64Array.from(z).sort();
  const low = sorted[Math.floor(rows / 3)] as number;
  const high = sorted[Math.floor((2 * rows) / 3)] as number;
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) y[i] = (z[i] as number) < low ? 0 : (z[i] as number) < high ? 1 : 2;
  return { x, y };
}
