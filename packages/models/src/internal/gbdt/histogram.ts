// Per-node gradient histograms: for every feature of the tree, per bin, the sums of the node's
// gradients, hessians and rows — three float64 slots per bin, features side by side at
// `binOffset`. A node's histogram is built from its rows, or (its sibling's) as parent − sibling.
import type { BinnedMatrix } from './binning.js';

/** Float64 slots per bin: gradient sum, hessian sum, row count. */
export const SLOTS = 3;

/** The rows of one node, an index range of a shared row-index array, and their sums. */
export interface NodeRows {
  idx: Uint32Array;
  begin: number;
  end: number;
}

/** Scratch buffers the hot loop reuses: the node's gradients gathered in row order. */
export interface Scratch {
  g: Float32Array;
  h: Float32Array;
}

export function newScratch(rows: number): Scratch {
  return { g: new Float32Array(rows), h: new Float32Array(rows) };
}

/**
 * Fill `hist` for the given features from the node's rows; returns the node's gradient and hessian
 * sums. Gradients are first gathered into contiguous order (LightGBM's ordered gradients), so the
 * inner loop reads one bin column and two sequential arrays.
 */
export function buildHistogram(
  hist: Float64Array,
  binned: BinnedMatrix,
  features: Int32Array,
  node: NodeRows,
  grad: Float32Array,
  hess: Float32Array,
  scratch: Scratch,
): { G: number; H: number } {
  const { idx, begin, end } = node;
  const n = end - begin;
  const og = scratch.g;
  const oh = scratch.h;
  let G = 0;
  let H = 0;
  for (let i = 0; i < n; i++) {
    const r = idx[begin + i] as number;
    const g = grad[r] as number;
    const h = hess[r] as number;
    og[i] = g;
    oh[i] = h;
    G += g;
    H += h;
  }
  const rows = binned.rows;
  const bins = binned.bins;
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    accumulateFeature(
      hist,
      bins,
      f * rows,
      (binned.binOffset[f] as number) * SLOTS,
      (binned.binCount[f] as number) * SLOTS,
      idx,
      begin,
      n,
      og,
      oh,
    );
  }
  return { G, H };
}

/** The hot loop: one feature's bins of one node. */
export function accumulateFeature(
  hist: Float64Array,
  bins: Uint8Array,
  column: number,
  start: number,
  width: number,
  idx: Uint32Array,
  begin: number,
  n: number,
  og: Float32Array,
  oh: Float32Array,
): void {
  hist.fill(0, start, start + width);
  for (let i = 0; i < n; i++) {
    const b = start + (bins[column + (idx[begin + i] as number)] as number) * SLOTS;
    hist[b] = (hist[b] as number) + (og[i] as number);
    hist[b + 1] = (hist[b + 1] as number) + (oh[i] as number);
    hist[b + 2] = (hist[b + 2] as number) + 1;
  }
}

/** `out = parent − child` over the given features: the subtraction trick for the larger sibling. */
export function subtractHistogram(
  out: Float64Array,
  parent: Float64Array,
  child: Float64Array,
  binned: BinnedMatrix,
  features: Int32Array,
): void {
  for (let k = 0; k < features.length; k++) {
    const f = features[k] as number;
    const start = (binned.binOffset[f] as number) * SLOTS;
    const stop = start + (binned.binCount[f] as number) * SLOTS;
    for (let j = start; j < stop; j++) out[j] = (parent[j] as number) - (child[j] as number);
  }
}

/**
 * Histograms are large (every bin of every feature): a pool recycles them and says when `limit`
 * are alive, so a deep tree drops (and later rebuilds) histograms instead of holding thousands.
 */
export class HistogramPool {
  readonly #free: Float64Array[] = [];
  #alive = 0;

  constructor(
    readonly size: number,
    readonly limit: number,
    readonly allocate: (size: number) => Float64Array = (n) => new Float64Array(n),
  ) {}

  acquire(): Float64Array {
    this.#alive++;
    return this.#free.pop() ?? this.allocate(this.size);
  }

  /** Whether a node may keep its histogram for later (at most `limit` alive). */
  get full(): boolean {
    return this.#alive > this.limit;
  }

  release(hist: Float64Array | undefined): void {
    if (hist === undefined) return;
    this.#alive--;
    if (this.#free.length < this.limit) this.#free.push(hist);
  }
}
