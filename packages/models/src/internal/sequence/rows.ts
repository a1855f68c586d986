import { UsageError } from '@tribar/core';
import { isSequenceSource } from '../types.js';
import type { ModelRows } from '../types.js';

/** Windows of either input form, gathered batch by batch with NaN → 0 (the scaled features' centre). */
export interface WindowReader {
  rows: number;
  steps: number;
  features: number;
  /** Write the windows at `positions` into `out` (positions.length × steps × features), NaN replaced by 0. */
  read(positions: Int32Array, out: Float32Array): void;
}

export function windowReader(input: ModelRows, where: string): WindowReader {
  const { shape, rows } = input;
  if (shape.length !== 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`${where}: row shape ${JSON.stringify(shape)} is not [steps, features]`, {
      hint: 'Sequence families take windows: load the data with kind "sequence" (a lookback) or pass rows of shape [steps, features].',
    });
  }
  const [steps, features] = shape as [number, number];
  const width = steps * features;
  if (!Number.isInteger(rows) || rows < 0) throw new UsageError(`${where}: rows is ${rows}`, { hint: 'rows must be a whole number ≥ 0.' });
  if (isSequenceSource(input)) {
    return {
      rows,
      steps,
      features,
      read(positions, out) {
        input.gather(positions, out);
        const n = positions.length * width;
        for (let i = 0; i < n; i++) if (out[i] !== out[i]) out[i] = 0;
      },
    };
  }
  const { x } = input;
  if (x.length !== rows * width) {
    throw new UsageError(`${where}: x has ${x.length} values, expected rows × steps × features = ${rows} × ${steps} × ${features}`, {
      hint: 'x must be row-major float32 with rows × steps × features values.',
    });
  }
  return {
    rows,
    steps,
    features,
    read(positions, out) {
      for (let i = 0; i < positions.length; i++) {
        const p = positions[i] as number;
        if (!(p >= 0 && p < rows)) throw new UsageError(`${where}: window position ${p} is outside 0 … ${rows - 1}`);
        const from = p * width;
        const to = i * width;
        for (let j = 0; j < width; j++) {
          const v = x[from + j] as number;
          out[to + j] = v === v ? v : 0;
        }
      }
    },
  };
}
