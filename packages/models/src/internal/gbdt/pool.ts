// Node jobs in worker threads. The bins, gradients, row indices, histograms and per-chunk results
// live in SharedArrayBuffers; for a large node this thread posts the job on the shared control block,
// wakes the workers, and every thread (this one included) takes chunks of eight features until none
// is left, building their histogram bins, making the sibling's as parent − node, and finding their
// best splits (`job.ts`); this thread then merges the chunks' splits in feature order. Every feature's
// bins are summed over the same rows in the same order whichever thread takes its chunk, so the
// model is identical for any worker count. Small nodes run here: waking threads costs more than
// they save.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { UsageError, workerEntryUrl } from '@tribar/core';
import type { BinnedMatrix } from './binning.js';
import { gatherGradients, newScratch, type NodeRows, type Scratch } from './histogram.js';
import {
  assemblePartition,
  CHUNK_RESULT,
  chunkCount,
  LocalRunner,
  mergeChunks,
  PARTITION_BLOCK,
  partitionBlock,
  runChunk,
  type ChunkJob,
  type JobSpace,
  type NodeRequest,
  type NodeResult,
  type NodeRunner,
  type RowSplit,
} from './job.js';
import { CONTROL, controlSlots, JOB_NODE, JOB_PARTITION, TOTALS_SLOTS, type WorkerInit } from './protocol.js';
import type { SplitParams } from './split.js';

/** Below rows × features this large, the data is binned and boosted on one thread. */
const MIN_PARALLEL_DATA = 2_000_000;
/** Bin updates (node rows × features) below which a node is built on the main thread. */
const MIN_PARALLEL_NODE = 200_000;

/** Threads worth using for this data: 1 below the size where threads pay for themselves. */
export function workersFor(requested: number, rows: number, cols: number): number {
  return rows * cols >= MIN_PARALLEL_DATA ? requested : 1;
}

/** The worker's module, `.ts` from source and `.js` from the build. */
function workerEntry(): URL {
  const extension = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return workerEntryUrl(new URL(`./worker${extension}`, import.meta.url), new URL('../../../tsconfig.json', import.meta.url));
}

export interface SharedState {
  binned: BinnedMatrix;
  grad: Float32Array[];
  hess: Float32Array[];
  idx: Uint32Array;
  /** Partition scratch, as long as idx. */
  spare: Uint32Array;
}

/** Rows per partition block: PARTITION_BLOCK, or 64 when every node is to be split across the threads (tests). */
function partitionBlockFor(minNode: number): number {
  return minNode === 0 ? 64 : PARTITION_BLOCK;
}

/** A Float64Array on shared memory. */
function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export class HistogramWorkers {
  readonly #workers: Worker[];
  readonly #ports: MessagePort[];
  readonly #control: Int32Array;
  readonly #totals: Float64Array;
  readonly #results: Float64Array;
  readonly #features: Int32Array;
  readonly #lefts: Int32Array;
  readonly #histIds = new Map<ArrayBufferLike, number>();
  readonly #state: SharedState;
  readonly #params: SplitParams;
  readonly #scratch: Scratch;
  readonly #minNode: number;
  #seq = 0;

  private constructor(
    workers: Worker[],
    ports: MessagePort[],
    blocks: { control: Int32Array; totals: Float64Array; results: Float64Array; features: Int32Array; lefts: Int32Array },
    state: SharedState,
    params: SplitParams,
    minNode: number,
  ) {
    this.#workers = workers;
    this.#ports = ports;
    this.#control = blocks.control;
    this.#totals = blocks.totals;
    this.#results = blocks.results;
    this.#features = blocks.features;
    this.#lefts = blocks.lefts;
    this.#state = state;
    this.#params = params;
    this.#scratch = newScratch(state.binned.rows);
    this.#minNode = minNode;
  }

  /** Start `threads − 1` workers over the shared state (this thread is the last one). */
  static async start(threads: number, state: SharedState, params: SplitParams, minNode = MIN_PARALLEL_NODE): Promise<HistogramWorkers> {
    const { binned } = state;
    const count = threads - 1;
    const blocks = {
      control: new Int32Array(new SharedArrayBuffer(controlSlots(count) * 4)),
      totals: sharedFloat64(TOTALS_SLOTS),
      results: sharedFloat64(Math.max(chunkCount(binned.cols), 1) * CHUNK_RESULT),
      features: new Int32Array(new SharedArrayBuffer(Math.max(binned.cols, 1) * 4)),
      lefts: new Int32Array(new SharedArrayBuffer(Math.max(Math.ceil(binned.rows / partitionBlockFor(minNode)), 1) * 4)),
    };
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const ready: Promise<void>[] = [];
    for (let k = 0; k < count; k++) {
      const channel = new MessageChannel();
      const init: WorkerInit = {
        index: k,
        control: blocks.control.buffer as SharedArrayBuffer,
        totals: blocks.totals.buffer as SharedArrayBuffer,
        results: blocks.results.buffer as SharedArrayBuffer,
        port: channel.port2,
        bins: binned.bins.buffer as SharedArrayBuffer,
        rows: binned.rows,
        binOffset: Array.from(binned.binOffset),
        binCount: Array.from(binned.binCount),
        grad: state.grad.map((g) => g.buffer as SharedArrayBuffer),
        hess: state.hess.map((h) => h.buffer as SharedArrayBuffer),
        idx: state.idx.buffer as SharedArrayBuffer,
        spare: state.spare.buffer as SharedArrayBuffer,
        lefts: blocks.lefts.buffer as SharedArrayBuffer,
        features: blocks.features.buffer as SharedArrayBuffer,
        params: { ...params },
      };
      const worker = new Worker(workerEntry(), { workerData: init, transferList: [channel.port2] });
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
      );
      workers.push(worker);
      ports.push(channel.port1);
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new HistogramWorkers(workers, ports, blocks, state, params, minNode);
  }

  /** A histogram on shared memory, known to every worker. */
  allocate(size: number): Float64Array {
    const hist = sharedFloat64(size);
    const id = this.#histIds.size;
    this.#histIds.set(hist.buffer, id);
    for (const port of this.#ports) port.postMessage({ id, buffer: hist.buffer });
    return hist;
  }

  #histId(hist: Float64Array): number {
    const id = this.#histIds.get(hist.buffer);
    if (id === undefined) throw new UsageError('gbdt workers got a histogram they do not share');
    return id;
  }

  /** The node jobs of one tree: its features and its class's gradients. */
  runner(features: Int32Array, grad: Float32Array, hess: Float32Array): NodeRunner {
    const state = this.#state;
    const gradIndex = state.grad.indexOf(grad);
    if (gradIndex < 0 || state.hess[gradIndex] !== hess) throw new UsageError('gbdt workers got gradients they do not share');
    this.#features.set(features);
    const { binned } = state;
    const space: JobSpace = {
      bins: binned.bins,
      rows: binned.rows,
      binOffset: binned.binOffset,
      binCount: binned.binCount,
      features: this.#features,
      featureCount: features.length,
      params: this.#params,
    };
    const local = new LocalRunner(space, grad, hess, this.#scratch.gh, state.idx, state.spare);
    const chunks = chunkCount(features.length);
    return {
      sums: (rows: NodeRows) => local.sums(rows),
      partition: (split: RowSplit, begin: number, end: number): number => {
        const block = partitionBlockFor(this.#minNode);
        if (end - begin < 2 * block) return local.partition(split, begin, end);
        const control = this.#control;
        control[CONTROL.KIND] = JOB_PARTITION;
        control[CONTROL.BEGIN] = begin;
        control[CONTROL.END] = end;
        control[CONTROL.SPLIT_FEATURE] = split.feature;
        control[CONTROL.SPLIT_BIN] = split.bin;
        control[CONTROL.DEFAULT_LEFT] = split.defaultLeft ? 1 : 0;
        control[CONTROL.BLOCK] = block;
        this.#post(Math.ceil((end - begin) / block), (b) => {
          const from = begin + b * block;
          this.#lefts[b] = partitionBlock(binned.bins, binned.rows, split, state.idx, state.spare, from, Math.min(from + block, end));
        });
        return assemblePartition(state.idx, state.spare, begin, end, this.#lefts, block);
      },
      run: (request: NodeRequest): NodeResult => {
        const { rows } = request;
        if ((rows.end - rows.begin) * features.length < this.#minNode || chunks < 2) return local.run(request);
        const control = this.#control;
        control[CONTROL.KIND] = JOB_NODE;
        control[CONTROL.HIST] = this.#histId(request.hist);
        control[CONTROL.PARENT] = request.parent === undefined ? -1 : this.#histId(request.parent);
        control[CONTROL.BEGIN] = rows.begin;
        control[CONTROL.END] = rows.end;
        control[CONTROL.CLASS] = gradIndex;
        control[CONTROL.FEATURE_COUNT] = features.length;
        control[CONTROL.EVAL_NODE] = request.node === undefined ? 0 : 1;
        control[CONTROL.EVAL_SIBLING] = request.sibling === undefined ? 0 : 1;
        const totals = this.#totals;
        totals[0] = request.node?.G ?? 0;
        totals[1] = request.node?.H ?? 0;
        totals[2] = request.node?.N ?? 0;
        totals[3] = request.sibling?.G ?? 0;
        totals[4] = request.sibling?.H ?? 0;
        totals[5] = request.sibling?.N ?? 0;
        // This thread takes chunks too, from the first.
        const job: ChunkJob = {
          hist: request.hist,
          parent: request.parent,
          idx: rows.idx,
          begin: rows.begin,
          end: rows.end,
          grad,
          hess,
          node: request.node,
          sibling: request.sibling,
        };
        const gh = this.#scratch.gh;
        let gathered = false;
        this.#post(chunks, (chunk) => {
          if (!gathered) gatherGradients(grad, hess, rows.idx, rows.begin, rows.end, gh);
          gathered = true;
          runChunk(space, job, chunk, gh, this.#results);
        });
        return mergeChunks(request, chunks, this.#results);
      },
    };
  }

  /** Wake the workers for the job on the control block; take its `parts` here too until none is left; wait for the workers. */
  #post(parts: number, part: (k: number) => void): void {
    const control = this.#control;
    Atomics.store(control, CONTROL.CLAIM, 0);
    const seq = ++this.#seq;
    Atomics.store(control, CONTROL.COMMAND, seq);
    Atomics.notify(control, CONTROL.COMMAND);
    for (;;) {
      const k = Atomics.add(control, CONTROL.CLAIM, 1);
      if (k >= parts) break;
      part(k);
    }
    for (let k = 0; k < this.#workers.length; k++) {
      const done = CONTROL.DONE + 2 * k;
      while (Atomics.load(control, done) !== seq) Atomics.wait(control, done, Atomics.load(control, done), 1000);
      if (control[CONTROL.FAILED + 2 * k] !== 0) throw new UsageError('a gbdt worker failed', { hint: 'See the worker error above.' });
    }
  }

  async close(): Promise<void> {
    const control = this.#control;
    Atomics.store(control, CONTROL.HIST, -1);
    Atomics.store(control, CONTROL.COMMAND, ++this.#seq);
    Atomics.notify(control, CONTROL.COMMAND);
    for (const port of this.#ports) port.close();
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
