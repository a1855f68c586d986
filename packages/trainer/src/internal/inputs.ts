import { UsageError } from '@tribar/core';
import type { Dataset, TabularDataset } from '@tribar/datasets';
import { isSequenceSource } from '@tribar/models';
import type { LabeledInput, LabeledRows, LabeledSequenceSource } from '@tribar/models';

/**
 * A dataset as model input. Tabular sets are one already. Sequence sets become a streaming
 * `LabeledSequenceSource`: the model gathers the windows of each batch from the split's feature
 * matrix, so no set is ever materialised as rows × lookback × features (10 GB for 350,000 × 60 × 120).
 */
export function toModelInput(dataset: TabularDataset): LabeledInput;
export function toModelInput(dataset: Dataset): LabeledRows;
export function toModelInput(dataset: Dataset): LabeledRows {
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
  return {
    rows: dataset.rows,
    shape: dataset.shape,
    y: dataset.y,
    weights: dataset.weights,
    featureNames: dataset.featureNames,
    gather: (positions, out) => {
      dataset.gather(positions, out);
    },
  };
}

function checkPositions(positions: Int32Array, rows: number): void {
  for (const p of positions) {
    if (!(p >= 0 && p < rows)) throw new UsageError(`subsetInput: position ${p} outside 0…${rows - 1}`);
  }
}

/**
 * Rows `positions` (ascending sample positions) of a labeled input: materialised rows are copied;
 * a streaming sequence source stays one (a view whose `gather` maps positions through `positions`).
 */
export function subsetInput(input: LabeledInput, positions: Int32Array): LabeledInput;
export function subsetInput(input: LabeledRows, positions: Int32Array): LabeledRows;
export function subsetInput(input: LabeledRows, positions: Int32Array): LabeledRows {
  checkPositions(positions, input.rows);
  const y = new Uint8Array(positions.length);
  const weights = input.weights ? new Float32Array(positions.length) : undefined;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    y[i] = input.y[p]!;
    if (weights) weights[i] = input.weights![p]!;
  }
  const common = {
    rows: positions.length,
    shape: input.shape,
    y,
    ...(weights ? { weights } : {}),
    ...(input.featureNames ? { featureNames: input.featureNames } : {}),
  };
  if (isSequenceSource(input)) return subsetSource(input, positions, common);
  const width = input.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(positions.length * width);
  for (let i = 0; i < positions.length; i++) x.set(input.x.subarray(positions[i]! * width, (positions[i]! + 1) * width), i * width);
  return { x, ...common };
}

function subsetSource(
  source: LabeledSequenceSource,
  positions: Int32Array,
  common: Omit<LabeledSequenceSource, 'gather'>,
): LabeledSequenceSource {
  let mapped = new Int32Array(0);
  return {
    ...common,
    gather: (wanted, out) => {
      if (mapped.length < wanted.length) mapped = new Int32Array(wanted.length);
      const view = mapped.subarray(0, wanted.length);
      for (let i = 0; i < wanted.length; i++) {
        const p = wanted[i]!;
        if (!(p >= 0 && p < positions.length)) throw new UsageError(`subsetInput: window position ${p} outside 0…${positions.length - 1}`);
        view[i] = positions[p]!;
      }
      source.gather(view, out);
    },
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
