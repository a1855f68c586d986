// Quantile binning, done once per fit: every feature's values become bin numbers in a column-major
// Uint8Array. Bin 0 holds missing values (NaN); value bin k ≥ 1 holds the values v with
// cuts[k − 2] ≤ v < cuts[k − 1], so "bin ≤ s" is exactly "v < cuts[s − 1]": XGBoost's split
// condition on the raw float32 value, which is how trees predict and how they are exported.

/** Rows looked at to place the cuts (LightGBM's bin_construct_sample_cnt); every row is binned. */
const BIN_SAMPLE_ROWS = 200_000;

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
  const sorted = sortFloat32(values);
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

/**
 * The non-NaN values, ascending: an LSD radix sort (3 passes of 11 bits) over the float32 bit
 * patterns mapped to order-preserving unsigned keys — several times faster than a comparison sort.
 */
export function sortFloat32(values: Float32Array): Float32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let keys = new Uint32Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v !== v) continue;
    const u = bits[i] as number;
    // Negative floats: flip all bits; positive: flip the sign bit. −0 and +0 become neighbours.
    keys[n++] = (u & 0x80000000) !== 0 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
  }
  keys = keys.subarray(0, n);
  let other = new Uint32Array(n);
  const counts = new Uint32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((keys[i] as number) >>> shift) & 2047]!++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i] as number;
      other[counts[(k >>> shift) & 2047]!++] = k;
    }
    [keys, other] = [other, keys];
  }
  const out = new Float32Array(n);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    outBits[i] = (k & 0x80000000) !== 0 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
  return out;
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

/** Cuts padded to 256 with NaN (never ≤ anything), for the fixed-step search. */
function padCuts(cuts: Float32Array): Float32Array {
  const out = new Float32Array(256).fill(Number.NaN);
  out.set(cuts);
  return out;
}

/** `binOf` over padded cuts: eight fixed halving steps, no data-dependent loop. */
function paddedBinOf(p: Float32Array, v: number): number {
  if (v !== v) return 0;
  let pos = 0;
  if ((p[pos + 127] as number) <= v) pos += 128;
  if ((p[pos + 63] as number) <= v) pos += 64;
  if ((p[pos + 31] as number) <= v) pos += 32;
  if ((p[pos + 15] as number) <= v) pos += 16;
  if ((p[pos + 7] as number) <= v) pos += 8;
  if ((p[pos + 3] as number) <= v) pos += 4;
  if ((p[pos + 1] as number) <= v) pos += 2;
  if ((p[pos] as number) <= v) pos += 1;
  return pos + 1;
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
  }
  // Row blocks keep the strided reads of the row-major input in cache while every column is written.
  const BLOCK = 512;
  const padded = cuts.map(padCuts);
  for (let start = 0; start < rows; start += BLOCK) {
    const stop = Math.min(rows, start + BLOCK);
    for (let f = 0; f < cols; f++) {
      const c = padded[f] as Float32Array;
      const column = f * rows;
      for (let r = start; r < stop; r++) bins[column + r] = paddedBinOf(c, x[r * cols + f] as number);
    }
  }
  return { rows, cols, bins, cuts, binCount, binOffset, totalBins };
}
