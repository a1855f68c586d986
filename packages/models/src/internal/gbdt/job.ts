// One node job, the unit of work the threads share: build a node's histogram, turn its parent's
// histogram into the sibling's (parent − node, in place), and find the best split of either — cut
// into chunks of CHUNK consecutive features of the tree. A thread claims the next chunk from a shared
// counter and does all three steps for that chunk's features, so histogram building, the subtraction
// and split finding all run in parallel with one sync point per split, and a thread that wakes late
// simply takes fewer chunks. Each chunk's best split goes to its own slot of a results array, merged
// in feature order; every bin is summed over the same rows in the same order whoever takes its
// chunk, so the model is the same bit for bit for any thread count.
import { accumulateFeatures, gatherGradients, SLOTS, type NodeRows } from './histogram.js';
import { findBestSplit, mergeSplit, Split, SPLIT_FIELDS, writeSplit, type BinLayout, type SplitParams, type Totals } from './split.js';

/** Features per chunk: the hot loop's eight features per pass over the rows. */
const CHUNK = 8;

/** Float64 slots per chunk in the results array: the node's best split, then the sibling's. */
export const CHUNK_RESULT = 2 * SPLIT_FIELDS;

/** Chunks of a tree with `features` features. */
export function chunkCount(features: number): number {
  return Math.ceil(features / CHUNK);
}

/** What every thread sees of the data. */
export interface JobSpace extends BinLayout {
  bins: Uint8Array;
  rows: number;
  /** The tree's features. */
  features: Int32Array;
  featureCount: number;
  params: SplitParams;
}

export interface ChunkJob {
  hist: Float64Array;
  /** The parent's histogram, made the sibling's (parent − hist) chunk by chunk; undefined: none. */
  parent: Float64Array | undefined;
  idx: Uint32Array;
  begin: number;
  end: number;
  grad: Float32Array;
  hess: Float32Array;
  /** The node's totals when its best split is wanted. */
  node: Totals | undefined;
  /** The sibling's totals when its best split is wanted (needs `parent`). */
  sibling: Totals | undefined;
}

/** Do one chunk of a job; `gh` holds the node's gathered gradient pairs (`gatherGradients`). */
export function runChunk(space: JobSpace, job: ChunkJob, chunk: number, gh: Float64Array, results: Float64Array): void {
  const { features, binOffset, binCount } = space;
  const start = chunk * CHUNK;
  const end = Math.min(start + CHUNK, space.featureCount);
  const { hist, parent } = job;
  accumulateFeatures(hist, space.bins, space.rows, binOffset, binCount, features, start, end, job.idx, job.begin, job.end - job.begin, gh);
  if (parent !== undefined) {
    for (let k = start; k < end; k++) {
      const f = features[k] as number;
      const from = (binOffset[f] as number) * SLOTS;
      const stop = from + (binCount[f] as number) * SLOTS;
      for (let j = from; j < stop; j++) parent[j] = (parent[j] as number) - (hist[j] as number);
    }
  }
  const at = chunk * CHUNK_RESULT;
  if (job.node !== undefined) writeSplit(findBestSplit(hist, space, features, job.node, space.params, start, end), results, at);
  if (job.sibling !== undefined && parent !== undefined) {
    writeSplit(findBestSplit(parent, space, features, job.sibling, space.params, start, end), results, at + SPLIT_FIELDS);
  }
}

/** A node job as the tree growth asks for it. */
export interface NodeRequest {
  hist: Float64Array;
  rows: NodeRows;
  parent?: Float64Array | undefined;
  /** Totals of the node, when its best split is wanted. */
  node?: Totals | undefined;
  /** Totals of the sibling, when its best split is wanted (needs `parent`). */
  sibling?: Totals | undefined;
}

export interface NodeResult {
  node: Split;
  sibling: Split;
}

/** Runs node jobs for one tree (one class's gradients, the tree's features). */
export interface NodeRunner {
  /** The gradient and hessian sums of rows, summed in row order. */
  sums(rows: NodeRows): { G: number; H: number };
  run(request: NodeRequest): NodeResult;
  /** Partition `idx[begin, end)` by a split (`partitionRows`); returns the boundary. */
  partition(split: RowSplit, begin: number, end: number): number;
}

/** A split as the partition sees it: value bins 1..bin go left, missing (bin 0) to defaultLeft. */
export interface RowSplit {
  feature: number;
  bin: number;
  defaultLeft: boolean;
}

/** Rows per block of a parallel partition (a node of fewer than two blocks is partitioned on one thread). */
export const PARTITION_BLOCK = 16_384;

/**
 * Partition `idx[begin, end)` by a split, stably: left rows first, both halves in ascending
 * order; `spare` is scratch. Returns the boundary.
 */
export function partitionRows(
  bins: Uint8Array,
  rows: number,
  split: RowSplit,
  idx: Uint32Array,
  spare: Uint32Array,
  begin: number,
  end: number,
): number {
  const column = split.feature * rows;
  const bin = split.bin;
  const dl = split.defaultLeft ? 1 : 0;
  let write = begin;
  let right = 0;
  // Branch-free: every row is written to both sides and only the matching side's cursor moves.
  for (let i = begin; i < end; i++) {
    const r = idx[i] as number;
    const b = bins[column + r] as number;
    const left = b === 0 ? dl : b <= bin ? 1 : 0;
    idx[write] = r;
    spare[right] = r;
    write += left;
    right += 1 - left;
  }
  idx.set(spare.subarray(0, right), write);
  return write;
}

/**
 * One block of a parallel partition: the left rows of `idx[from, to)` go to `spare[from, …)`, the
 * right rows are compacted in place to `idx[from, …)`, both in order. Returns the left count.
 */
export function partitionBlock(
  bins: Uint8Array,
  rows: number,
  split: RowSplit,
  idx: Uint32Array,
  spare: Uint32Array,
  from: number,
  to: number,
): number {
  const column = split.feature * rows;
  const bin = split.bin;
  const dl = split.defaultLeft ? 1 : 0;
  let l = from;
  let r = from;
  for (let i = from; i < to; i++) {
    const row = idx[i] as number;
    const b = bins[column + row] as number;
    const left = b === 0 ? dl : b <= bin ? 1 : 0;
    spare[l] = row;
    idx[r] = row;
    l += left;
    r += 1 - left;
  }
  return l - from;
}

/** Put the partitioned blocks of `idx[begin, end)` together (all lefts, then all rights, in order); returns the boundary. */
export function assemblePartition(
  idx: Uint32Array,
  spare: Uint32Array,
  begin: number,
  end: number,
  lefts: Int32Array,
  block: number,
): number {
  const blocks = Math.ceil((end - begin) / block);
  let mid = begin;
  for (let b = 0; b < blocks; b++) {
    const from = begin + b * block;
    const to = Math.min(from + block, end);
    const l = lefts[b] as number;
    // The block's rights beside its lefts in spare: every piece then moves from spare to idx.
    spare.set(idx.subarray(from, to - l), from + l);
    mid += l;
  }
  let lw = begin;
  let rw = mid;
  for (let b = 0; b < blocks; b++) {
    const from = begin + b * block;
    const to = Math.min(from + block, end);
    const l = lefts[b] as number;
    idx.set(spare.subarray(from, from + l), lw);
    idx.set(spare.subarray(from + l, to), rw);
    lw += l;
    rw += to - from - l;
  }
  return mid;
}

/** The per-chunk splits of a finished job, merged in feature order. */
export function mergeChunks(request: NodeRequest, chunks: number, results: Float64Array): NodeResult {
  const node = new Split();
  const sibling = new Split();
  for (let c = 0; c < chunks; c++) {
    if (request.node !== undefined) mergeSplit(node, results, c * CHUNK_RESULT, request.node);
    if (request.sibling !== undefined) mergeSplit(sibling, results, c * CHUNK_RESULT + SPLIT_FIELDS, request.sibling);
  }
  return { node, sibling };
}

/** Node jobs on this thread alone. */
export class LocalRunner implements NodeRunner {
  readonly #space: JobSpace;
  readonly #grad: Float32Array;
  readonly #hess: Float32Array;
  readonly #gh: Float64Array;
  readonly #results: Float64Array;

  readonly #idx: Uint32Array;
  readonly #spare: Uint32Array;

  /** `idx` holds the tree's rows (partitioned in place), `spare` is as long (scratch). */
  constructor(space: JobSpace, grad: Float32Array, hess: Float32Array, gh: Float64Array, idx: Uint32Array, spare: Uint32Array) {
    this.#space = space;
    this.#idx = idx;
    this.#spare = spare;
    this.#grad = grad;
    this.#hess = hess;
    this.#gh = gh;
    this.#results = new Float64Array(chunkCount(space.featureCount) * CHUNK_RESULT);
  }

  partition(split: RowSplit, begin: number, end: number): number {
    return partitionRows(this.#space.bins, this.#space.rows, split, this.#idx, this.#spare, begin, end);
  }

  sums(rows: NodeRows): { G: number; H: number } {
    return gatherGradients(this.#grad, this.#hess, rows.idx, rows.begin, rows.end, this.#gh);
  }

  run(request: NodeRequest): NodeResult {
    const { rows } = request;
    gatherGradients(this.#grad, this.#hess, rows.idx, rows.begin, rows.end, this.#gh);
    const job: ChunkJob = {
      hist: request.hist,
      parent: request.parent,
      idx: rows.idx,
      begin: rows.begin,
      end: rows.end,
      grad: this.#grad,
      hess: this.#hess,
      node: request.node,
      sibling: request.sibling,
    };
    const chunks = chunkCount(this.#space.featureCount);
    this.#results.fill(-1);
    for (let c = 0; c < chunks; c++) runChunk(this.#space, job, c, this.#gh, this.#results);
    return mergeChunks(request, chunks, this.#results);
  }
}
