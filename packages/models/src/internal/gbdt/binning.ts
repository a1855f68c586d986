// Quantile binning, done once per fit: every feature's values become bin numbers in a column-major
// Uint8Array. Bin 0 holds missing values (NaN); value bin k ≥ 1 holds the values v with
// cuts[k − 2] ≤ v < cuts[k − 1], so "bin ≤ s" is exactly "v < cuts[s − 1]": XGBoost's split
// condition on the raw float32 value, which is how trees predict and how they are exported.

/** Rows looked at to place the cuts (LightGBM's bin_construct_sample_cnt); every row is binned. */
export const BIN_SAMPLE_ROWS = 200_000;

export interface BinnedMatrix {
  rows: number;
  cols: number;
  /** Column-major bin numbers: feature f of row r is `bins[f × rows + r]`. */
  bins: Uint8Array;
  /** Per feature, the ascending float32 cut values (at most maxBin − 2). */
  cuts: Float32Array[];
  /** Per feature, the number of bins (missing bin included): cuts.length + 2. */
  binCount: Int32Array;
  /** Per feature, where its bins start in a histogram holding every feature's bins. */
  binOffset: Int32Array;
  /** Bins of all features together. */
  totalBins: number;
}

/**
 * Cut values of one feature from its non-missing values: every distinct value when there are few
 * enough, else the values at evenly spaced ranks (deduplicated). The smallest value is never a cut,
 * so no value bin is empty by construction.
 */
export function featureCuts(values: Float32Array, maxBin: number): Float32Array {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  const n = sorted.length;
  if (n === 0) return new Float32Array(0);
  const maxCuts = maxBin - 2;
  const distinct: number[] = [];
  for (let i = 1; i < n && distinct.length <= maxCuts; i++) if (sorted[i] !== sorted[i - 1]) distinct.push(sorted[i] as number);
  if (distinct.length <= maxCuts) return Float32Array.from(distinct);
  const cuts: number[] = [];
  const first = sorted[0] as number;
  for (let q = 1; q <= maxCuts; q++) {
    const v = sorted[Math.floor((q * n) / (maxCuts + 1))] as number;
    if (v !== first && (cuts.length === 0 || v !== cuts[cuts.length - 1])) cuts.push(v);
  }
  return Float32Array.from(cuts);
}

/** The bin of one value: 0 for NaN, else 1 + the number of cuts ≤ v (binary search). */
export function binOf(cuts: Float32Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cuts[mid] as number) <= v) low = mid + 1;
    else high = mid;
  }
  return low + 1;
}

/**
 * Bin a row-major rows × cols float32 matrix; cuts come from at most BIN_SAMPLE_ROWS evenly spaced
 * rows. `shared` puts the bins on a SharedArrayBuffer (for histogram workers).
 */
export function binMatrix(x: Float32Array, rows: number, cols: number, maxBin: number, shared = false): BinnedMatrix {
  const sampleRows = Math.min(rows, BIN_SAMPLE_ROWS);
  const column = new Float32Array(sampleRows);
  const bins = shared ? new Uint8Array(new SharedArrayBuffer(rows * cols)) : new Uint8Array(rows * cols);
  const cuts: Float32Array[] = [];
  const binCount = new Int32Array(cols);
  const binOffset = new Int32Array(cols);
  let totalBins = 0;
  for (let f = 0; f < cols; f++) {
    for (let k = 0; k < sampleRows; k++) column[k] = x[Math.floor((k * rows) / sampleRows) * cols + f] as number;
    const c = featureCuts(column, maxBin);
    cuts.push(c);
    binCount[f] = c.length + 2;
    binOffset[f] = totalBins;
    totalBins += c.length + 2;
    const out = bins.subarray(f * rows, (f + 1) * rows);
    for (let r = 0; r < rows; r++) out[r] = binOf(c, x[r * cols + f] as number);
  }
  return { rows, cols, bins, cuts, binCount, binOffset, totalBins };
}
