// The correlation screen of feature selection: which candidate pairs have |r| at or above the
// threshold in every view (symbol) holding both. It gives, bit for bit, the `pearson` of
// @tribar/quant over each view's train rows (a test checks this on columns with NaN and ±Infinity),
// but computes it the way a BLAS would lay it out: each column that is finite on every train row
// is gathered once, contiguous and centred on its mean, and the cross products of all pairs are
// accumulated block by block over the rows, so a block of every column stays in cache while all
// pairs use it. Each pair keeps one running sum that meets the rows in order, exactly as `pearson`
// adds them, so no rounding changes. Columns with a non-finite train value fall back to `pearson`
// itself (pairwise-finite rows). Per pair and view this is one multiply-add per row instead of two
// passes through an index array with finiteness tests.
import { pearson } from '@tribar/quant';

/** One symbol's feature columns and the train rows (indices) statistics may look at. */
export interface TrainView {
  symbol: string;
  columns: Readonly<Record<string, Float64Array>>;
  /** Row indices with split code 0 (already sampled if large). */
  trainRows: Int32Array;
}

/** A pair of candidates (indices into the candidate list, a < b) linked in every view holding both. */
export interface LinkedPair {
  a: number;
  b: number;
  /** The smallest |r| over the views holding both. */
  weakest: number;
}

/** Rows per block: 2,048 rows of ~120 columns (≈ 2 MB) stay in a core's L2 while all pairs use them. */
const BLOCK_ROWS = 2048;

/** A column finite on every train row, gathered and centred as `pearson` centres it, with Σd². */
interface Centred {
  deviations: Float64Array;
  sumSquares: number;
}

/** `column` at `rows`, centred on its mean, when every value there is finite and there are ≥ 3; else undefined. */
function centre(column: Float64Array, rows: Int32Array): Centred | undefined {
  const n = rows.length;
  if (n < 3) return undefined;
  const deviations = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const v = column[rows[k] as number] as number;
    // v − v is 0 for every finite v and NaN for NaN and ±Infinity.
    if (v - v !== 0) return undefined;
    deviations[k] = v;
    sum += v;
  }
  const mean = sum / n;
  let sumSquares = 0;
  for (let k = 0; k < n; k++) {
    const d = (deviations[k] as number) - mean;
    deviations[k] = d;
    sumSquares += d * d;
  }
  return { deviations, sumSquares };
}

/**
 * Σ a·b over the rows for every pair in `pairs` (flat a, b indices into `columns`, grouped by a as
 * `linkedPairs` lists them), rows in order, blocked. Up to four pairs that share `a` go through one
 * loop, so a[k] is loaded once for four products (a 1×4 register tile of the matrix product); each
 * pair still keeps its own running sum that meets the rows in order.
 */
function crossProducts(columns: readonly Float64Array[], pairs: Int32Array, rows: number): Float64Array {
  const count = pairs.length / 2;
  const sums = new Float64Array(count);
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    let p = 0;
    while (p < count) {
      const ia = pairs[2 * p] as number;
      const a = columns[ia] as Float64Array;
      if (p + 3 < count && pairs[2 * (p + 3)] === ia) {
        const b0 = columns[pairs[2 * p + 1] as number] as Float64Array;
        const b1 = columns[pairs[2 * p + 3] as number] as Float64Array;
        const b2 = columns[pairs[2 * p + 5] as number] as Float64Array;
        const b3 = columns[pairs[2 * p + 7] as number] as Float64Array;
        let s0 = sums[p] as number;
        let s1 = sums[p + 1] as number;
        let s2 = sums[p + 2] as number;
        let s3 = sums[p + 3] as number;
        for (let k = start; k < end; k++) {
          const x = a[k] as number;
          s0 += x * (b0[k] as number);
          s1 += x * (b1[k] as number);
          s2 += x * (b2[k] as number);
          s3 += x * (b3[k] as number);
        }
        sums[p] = s0;
        sums[p + 1] = s1;
        sums[p + 2] = s2;
        sums[p + 3] = s3;
        p += 4;
      } else {
        const b = columns[pairs[2 * p + 1] as number] as Float64Array;
        let s = sums[p] as number;
        for (let k = start; k < end; k++) s += (a[k] as number) * (b[k] as number);
        sums[p] = s;
        p++;
      }
    }
  }
  return sums;
}

/**
 * The pairs of `candidates` whose |r| (Pearson on pairwise-finite train rows) is at or above
 * `threshold` in every view holding both and defined (non-NaN) in at least one, in candidate order
 * (a ascending, then b). A pair drops out at the first view where its |r| falls below, as a loop
 * over views per pair would break there.
 */
export function linkedPairs(candidates: readonly string[], views: readonly TrainView[], threshold: number): LinkedPair[] {
  const m = candidates.length;
  const pairCount = (m * (m - 1)) / 2;
  const weakest = new Float64Array(pairCount).fill(Infinity);
  const seen = new Uint8Array(pairCount);
  const alive = new Uint8Array(pairCount).fill(1);
  const pairIndex = (a: number, b: number) => a * m - (a * (a + 1)) / 2 + (b - a - 1);

  for (const view of views) {
    const centred = candidates.map((name) => {
      const column = view.columns[name];
      return column === undefined ? undefined : centre(column, view.trainRows);
    });
    // Alive pairs whose columns are both finite go through the blocked kernel; the rest through `pearson`.
    const fast: number[] = [];
    const record = (a: number, b: number, r: number) => {
      if (r !== r) return;
      const p = pairIndex(a, b);
      seen[p] = 1;
      weakest[p] = Math.min(weakest[p] as number, Math.abs(r));
      if ((weakest[p] as number) < threshold) alive[p] = 0;
    };
    for (let a = 0; a < m; a++) {
      const ca = view.columns[candidates[a] as string];
      if (ca === undefined) continue;
      for (let b = a + 1; b < m; b++) {
        if (alive[pairIndex(a, b)] === 0) continue;
        const cb = view.columns[candidates[b] as string];
        if (cb === undefined) continue;
        if (centred[a] !== undefined && centred[b] !== undefined) fast.push(a, b);
        else record(a, b, pearson(ca, cb, view.trainRows));
      }
    }
    const pairs = Int32Array.from(fast);
    const deviations = centred.map((c) => c?.deviations ?? new Float64Array(0));
    const sums = crossProducts(deviations, pairs, view.trainRows.length);
    for (let p = 0; p < sums.length; p++) {
      const a = pairs[2 * p] as number;
      const b = pairs[2 * p + 1] as number;
      const ssa = (centred[a] as Centred).sumSquares;
      const ssb = (centred[b] as Centred).sumSquares;
      // `pearson`'s last lines, on the same sums.
      const r = ssa <= 0 || ssb <= 0 ? Number.NaN : Math.max(-1, Math.min(1, (sums[p] as number) / Math.sqrt(ssa * ssb)));
      record(a, b, r);
    }
  }

  const out: LinkedPair[] = [];
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const p = pairIndex(a, b);
      if (seen[p] === 1 && alive[p] === 1) out.push({ a, b, weakest: weakest[p] as number });
    }
  }
  return out;
}
