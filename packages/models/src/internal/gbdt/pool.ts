// Histogram building in worker threads. The bins, gradients, row indices and histograms live in
// SharedArrayBuffers; for a large node the tree's features are cut into one contiguous share per
// thread (this one included), each thread fills its features' bins, and the main thread waits.
// Every feature's bins are summed over the same rows in the same order whichever thread does it,
// so the result is identical for any worker count. Small nodes are built here: waking threads
// costs more than they save.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { UsageError, workerEntryUrl } from '@tribar/core';
import type { BinnedMatrix } from './binning.js';
import { accumulateFeatures, buildHistogram, gatherGradients, newScratch, type Scratch } from './histogram.js';
import type { HistogramBuilder } from './grow.js';
import { CONTROL, type WorkerInit } from './protocol.js';

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
}

/** A Float64Array on shared memory. */
function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export class HistogramWorkers {
  readonly #workers: Worker[];
  readonly #ports: MessagePort[];
  readonly #controls: Int32Array[];
  readonly #features: Int32Array;
  readonly #histIds = new Map<ArrayBufferLike, number>();
  readonly #state: SharedState;
  readonly #scratch: Scratch;
  readonly #minNode: number;
  #seq = 0;
  #featureCount = 0;

  private constructor(
    workers: Worker[],
    ports: MessagePort[],
    controls: Int32Array[],
    features: Int32Array,
    state: SharedState,
    minNode: number,
  ) {
    this.#workers = workers;
    this.#ports = ports;
    this.#controls = controls;
    this.#features = features;
    this.#state = state;
    this.#scratch = newScratch(state.binned.rows);
    this.#minNode = minNode;
  }

  /** Start `threads − 1` workers over the shared state (this thread is the last one). */
  static async start(threads: number, state: SharedState, minNode = MIN_PARALLEL_NODE): Promise<HistogramWorkers> {
    const { binned } = state;
    const features = new Int32Array(new SharedArrayBuffer(Math.max(binned.cols, 1) * 4));
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    const controls: Int32Array[] = [];
    const ready: Promise<void>[] = [];
    for (let k = 0; k < threads - 1; k++) {
      const control = new Int32Array(new SharedArrayBuffer(CONTROL.SLOTS * 4));
      const channel = new MessageChannel();
      const init: WorkerInit = {
        control: control.buffer as SharedArrayBuffer,
        port: channel.port2,
        bins: binned.bins.buffer as SharedArrayBuffer,
        rows: binned.rows,
        binOffset: Array.from(binned.binOffset),
        binCount: Array.from(binned.binCount),
        grad: state.grad.map((g) => g.buffer as SharedArrayBuffer),
        hess: state.hess.map((h) => h.buffer as SharedArrayBuffer),
        idx: state.idx.buffer as SharedArrayBuffer,
        features: features.buffer as SharedArrayBuffer,
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
      controls.push(control);
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new HistogramWorkers(workers, ports, controls, features, state, minNode);
  }

  /** A histogram on shared memory, known to every worker. */
  allocate(size: number): Float64Array {
    const hist = sharedFloat64(size);
    const id = this.#histIds.size;
    this.#histIds.set(hist.buffer, id);
    for (const port of this.#ports) port.postMessage({ id, buffer: hist.buffer });
    return hist;
  }

  /** The builder of one tree: its features and its class's gradients. */
  builder(features: Int32Array, grad: Float32Array, hess: Float32Array): HistogramBuilder {
    const state = this.#state;
    const gradIndex = state.grad.indexOf(grad);
    if (gradIndex < 0 || state.hess[gradIndex] !== hess) throw new UsageError('histogram workers got gradients they do not share');
    this.#features.set(features);
    this.#featureCount = features.length;
    return (hist, node) => {
      const n = node.end - node.begin;
      const threads = this.#workers.length + 1;
      if (n * features.length < this.#minNode || features.length < threads) {
        return buildHistogram(hist, state.binned, features, node, grad, hess, this.#scratch);
      }
      const histId = this.#histIds.get(hist.buffer);
      if (histId === undefined) throw new UsageError('histogram workers got a histogram they do not share');
      const seq = ++this.#seq;
      const share = (k: number) => Math.floor((k * this.#featureCount) / threads);
      // Workers take shares 1..threads − 1; this thread takes share 0 (and the node's sums).
      for (let k = 0; k < this.#workers.length; k++) {
        const control = this.#controls[k] as Int32Array;
        control[CONTROL.HIST] = histId;
        control[CONTROL.BEGIN] = node.begin;
        control[CONTROL.END] = node.end;
        control[CONTROL.CLASS] = gradIndex;
        control[CONTROL.FEATURE_START] = share(k + 1);
        control[CONTROL.FEATURE_END] = share(k + 2);
        Atomics.store(control, CONTROL.COMMAND, seq);
        Atomics.notify(control, CONTROL.COMMAND);
      }
      const sums = buildHistogram(hist, state.binned, features.subarray(0, share(1)), node, grad, hess, this.#scratch);
      for (const control of this.#controls) {
        while (Atomics.load(control, CONTROL.DONE) !== seq) Atomics.wait(control, CONTROL.DONE, Atomics.load(control, CONTROL.DONE), 1000);
        if (control[CONTROL.FAILED] !== 0) throw new UsageError('a gbdt histogram worker failed', { hint: 'See the worker error above.' });
      }
      return sums;
    };
  }

  async close(): Promise<void> {
    for (const control of this.#controls) {
      Atomics.store(control, CONTROL.HIST, -1);
      Atomics.store(control, CONTROL.COMMAND, ++this.#seq);
      Atomics.notify(control, CONTROL.COMMAND);
    }
    for (const port of this.#ports) port.close();
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** One worker's share of a node: the features [start, end) of the shared feature list. */
export function accumulateShare(
  hist: Float64Array,
  bins: Uint8Array,
  rows: number,
  binOffset: ArrayLike<number>,
  binCount: ArrayLike<number>,
  features: Int32Array,
  start: number,
  end: number,
  idx: Uint32Array,
  begin: number,
  stop: number,
  grad: Float32Array,
  hess: Float32Array,
  scratch: Scratch,
): void {
  gatherGradients(grad, hess, idx, begin, stop, scratch.gh);
  accumulateFeatures(hist, bins, rows, binOffset, binCount, features, start, end, idx, begin, stop - begin, scratch.gh);
}
