// A gbdt worker: waits for a node job on the shared control block, takes chunks of it until none
// is left (`runChunk`), reports.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { gatherGradients, newScratch } from './histogram.js';
import { chunkCount, partitionBlock, runChunk, type ChunkJob, type JobSpace } from './job.js';
import { CONTROL, JOB_PARTITION, type WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
const control = new Int32Array(init.control);
const totals = new Float64Array(init.totals);
const results = new Float64Array(init.results);
const grad = init.grad.map((b) => new Float32Array(b));
const hess = init.hess.map((b) => new Float32Array(b));
const idx = new Uint32Array(init.idx);
const spare = new Uint32Array(init.spare);
const lefts = new Int32Array(init.lefts);
const histograms = new Map<number, Float64Array>();
const scratch = newScratch(init.rows);
const space: JobSpace = {
  bins: new Uint8Array(init.bins),
  rows: init.rows,
  binOffset: init.binOffset,
  binCount: init.binCount,
  features: new Int32Array(init.features),
  featureCount: 0,
  params: init.params,
};
const done = CONTROL.DONE + 2 * init.index;
const failed = CONTROL.FAILED + 2 * init.index;

function histogram(id: number): Float64Array {
  for (;;) {
    const known = histograms.get(id);
    if (known !== undefined) return known;
    const message = receiveMessageOnPort(init.port) as { message: { id: number; buffer: SharedArrayBuffer } } | undefined;
    if (message === undefined) throw new Error(`histogram ${id} was never sent to this worker`);
    histograms.set(message.message.id, new Float64Array(message.message.buffer));
  }
}

/** Take row blocks of a partition job until none is left. */
function partitionWork(): void {
  const begin = control[CONTROL.BEGIN] as number;
  const end = control[CONTROL.END] as number;
  const split = {
    feature: control[CONTROL.SPLIT_FEATURE] as number,
    bin: control[CONTROL.SPLIT_BIN] as number,
    defaultLeft: control[CONTROL.DEFAULT_LEFT] === 1,
  };
  const block = control[CONTROL.BLOCK] as number;
  const blocks = Math.ceil((end - begin) / block);
  for (;;) {
    const b = Atomics.add(control, CONTROL.CLAIM, 1);
    if (b >= blocks) return;
    const from = begin + b * block;
    lefts[b] = partitionBlock(space.bins, space.rows, split, idx, spare, from, Math.min(from + block, end));
  }
}

/** Take chunks of a node job until none is left. */
function work(): void {
  space.featureCount = control[CONTROL.FEATURE_COUNT] as number;
  const chunks = chunkCount(space.featureCount);
  let job: ChunkJob | undefined;
  for (;;) {
    const chunk = Atomics.add(control, CONTROL.CLAIM, 1);
    if (chunk >= chunks) return;
    if (job === undefined) {
      const c = control[CONTROL.CLASS] as number;
      const parent = control[CONTROL.PARENT] as number;
      job = {
        hist: histogram(control[CONTROL.HIST] as number),
        parent: parent < 0 ? undefined : histogram(parent),
        idx,
        begin: control[CONTROL.BEGIN] as number,
        end: control[CONTROL.END] as number,
        grad: grad[c] as Float32Array,
        hess: hess[c] as Float32Array,
        node: control[CONTROL.EVAL_NODE] === 1 ? { G: totals[0] as number, H: totals[1] as number, N: totals[2] as number } : undefined,
        sibling:
          control[CONTROL.EVAL_SIBLING] === 1 ? { G: totals[3] as number, H: totals[4] as number, N: totals[5] as number } : undefined,
      };
      gatherGradients(job.grad, job.hess, idx, job.begin, job.end, scratch.gh);
    }
    runChunk(space, job, chunk, scratch.gh, results);
  }
}

parentPort?.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(control, CONTROL.COMMAND, seen);
  seen = Atomics.load(control, CONTROL.COMMAND);
  if ((control[CONTROL.HIST] as number) < 0) break;
  try {
    if (control[CONTROL.KIND] === JOB_PARTITION) partitionWork();
    else work();
  } catch (error) {
    control[failed] = 1;
    console.error(error);
  }
  Atomics.store(control, done, seen);
  Atomics.notify(control, done);
}
init.port.close();
