// Small numeric helpers for the validation checks: outlier counts, even sampling and
// quantile-binned mutual information. Moments and Pearson correlation come from @tribar/quant.
import { orderStatistics } from '@tribar/quant';

/** Finite values of `x` at `rows` more than `sigma` standard deviations from `mean`. */
export function countBeyond(x: Float64Array, rows: Int32Array, mean: number, std: number, sigma: number): number {
  if (!(std > 0)) return 0;
  let count = 0;
  for (const i of rows) {
    const v = x[i] as number;
    if (Number.isFinite(v) && Math.abs(v - mean) / std > sigma) count++;
  }
  return count;
}

/** `count` evenly spaced entries of `rows` (all of them when there are fewer). Deterministic. */
export function evenSample(rows: Int32Array, count: number): Int32Array {
  if (rows.length <= count) return rows;
  const out = new Int32Array(count);
  const step = rows.length / count;
  for (let k = 0; k < count; k++) out[k] = rows[Math.floor(k * step)] as number;
  return out;
}

/** Scratch arrays reused across calls (one feature after another on one thread): no garbage per feature. */
let scratchValues = new Float64Array(0);
let scratchSelect = new Float64Array(0);
let scratchBins = new Uint8Array(0);

/** The rows of `rows` whose label is −1, 0 or 1, and that label + 1: what every feature's score of one horizon shares. */
export interface LabelledRows {
  rows: Int32Array;
  classes: Uint8Array;
}

export function labelledRows(label: Float64Array, rows: Int32Array): LabelledRows {
  const kept = new Int32Array(rows.length);
  const classes = new Uint8Array(rows.length);
  let n = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] as number;
    const l = label[i] as number;
    if (l === -1 || l === 0 || l === 1) {
      kept[n] = i;
      classes[n] = l + 1;
      n++;
    }
  }
  return { rows: kept.slice(0, n), classes: classes.slice(0, n) };
}

/**
 * Mutual information (nats) between a feature cut into `bins` quantile bins and a discrete label,
 * over `rows` where the feature is finite and the label is one of −1, 0, 1. Miller–Madow bias
 * correction ((B−1)(K−1)/2N) is subtracted, so an unrelated feature scores about 0 (floored at 0).
 * The bin edges are the order statistics at ⌊b·n/bins⌋ (`orderStatistics`: quickselect, not a sort).
 */
export function mutualInformation(x: Float64Array, label: Float64Array, rows: Int32Array, bins: number): number {
  return mutualInformationOf(x, labelledRows(label, rows), bins);
}

/** `mutualInformation` with the labelled rows found once per horizon rather than once per feature. */
export function mutualInformationOf(x: Float64Array, labelled: LabelledRows, bins: number): number {
  const rows = labelled.rows;
  if (scratchValues.length < rows.length) {
    scratchValues = new Float64Array(rows.length);
    scratchSelect = new Float64Array(rows.length);
    scratchBins = new Uint8Array(rows.length);
  }
  const values = scratchValues;
  const classes = scratchBins;
  const rowClasses = labelled.classes;
  let n = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = x[rows[k] as number] as number;
    // v − v is 0 exactly when v is finite.
    if (v - v === 0) {
      values[n] = v;
      classes[n] = rowClasses[k] as number;
      n++;
    }
  }
  if (n < bins * 3) return 0;
  const ranks = Array.from({ length: bins - 1 }, (_, b) => Math.floor(((b + 1) * n) / bins));
  const selected = scratchSelect.subarray(0, n);
  selected.set(values.subarray(0, n));
  const edges: number[] = [];
  for (const edge of orderStatistics(selected, ranks)) {
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  const nb = edges.length + 1;
  // Counts as integers (exact either way); a float array would make each increment a slower read-modify-write.
  const joint = new Int32Array(nb * 3);
  const m = edges.length;
  for (let k = 0; k < n; k++) {
    const v = values[k] as number;
    // The bin is the number of edges ≤ v (edges ascend strictly): a short scan, as a binary search would find it.
    let b = 0;
    while (b < m && v >= (edges[b] as number)) b++;
    const cell = b * 3 + (classes[k] as number);
    joint[cell] = (joint[cell] as number) + 1;
  }
  const px = new Float64Array(nb);
  const py = new Float64Array(3);
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < 3; c++) {
      const j = joint[b * 3 + c] as number;
      px[b] = (px[b] as number) + j;
      py[c] = (py[c] as number) + j;
    }
  }
  let mi = 0;
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < 3; c++) {
      const j = joint[b * 3 + c] as number;
      if (j > 0) mi += (j / n) * Math.log((j * n) / ((px[b] as number) * (py[c] as number)));
    }
  }
  const usedBins = px.filter((p) => p > 0).length;
  const usedClasses = py.filter((p) => p > 0).length;
  return Math.max(0, mi - ((usedBins - 1) * (usedClasses - 1)) / (2 * n));
}
