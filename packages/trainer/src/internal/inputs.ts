import { UsageError } from '@tribar/core';
import type { Dataset } from '@tribar/datasets';
import type { LabeledInput } from '@tribar/models';

/** A dataset as model input: tabular sets are one already; sequence sets are materialised. */
export function toModelInput(dataset: Dataset): LabeledInput {
  if (dataset.kind === 'tabular') {
    return {
      x: dataset.x,
      rows: dataset.rows,
      shape: dataset.shape,
      y: dataset.y,
      weights: dataset.weights,
      featureNames: dataset.featureNames,
    };
  }
  return dataset.toInput();
}

/** Rows `positions` (ascending sample positions) of a labeled input, copied. */
export function subsetInput(input: LabeledInput, positions: Int32Array): LabeledInput {
  const width = input.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(positions.length * width);
  const y = new Uint8Array(positions.length);
  const weights = input.weights ? new Float32Array(positions.length) : undefined;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    if (p < 0 || p >= input.rows) throw new UsageError(`subsetInput: position ${p} outside 0…${input.rows - 1}`);
    x.set(input.x.subarray(p * width, (p + 1) * width), i * width);
    y[i] = input.y[p]!;
    if (weights) weights[i] = input.weights![p]!;
  }
  return {
    x,
    rows: positions.length,
    shape: input.shape,
    y,
    ...(weights ? { weights } : {}),
    ...(input.featureNames ? { featureNames: input.featureNames } : {}),
  };
}

/**
 * Label windows of a split's samples in sample positions, for purged cross-validation: sample i
 * starts at i and ends at the last sample whose row is at or before its label's end row. Rows
 * between samples (excluded labels, other splits) do not shift positions.
 */
export function sampleWindows(rowIndex: Int32Array, labelEndIndex: ArrayLike<number>): { start: Int32Array; end: Int32Array } {
  const n = rowIndex.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    start[i] = i;
    const endRow = labelEndIndex[rowIndex[i]!]!;
    if (!Number.isFinite(endRow)) {
      end[i] = i;
      continue;
    }
    // A label window spans at most maxBars rows, so the scan is short.
    let k = i;
    while (k + 1 < n && rowIndex[k + 1]! <= endRow) k++;
    end[i] = k;
  }
  return { start, end };
}
