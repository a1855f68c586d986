// A histogram worker: waits on its control block, fills its share of a node's histogram, reports.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { newScratch } from './histogram.js';
import { accumulateShare } from './pool.js';
import { CONTROL, type WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
const control = new Int32Array(init.control);
const bins = new Uint8Array(init.bins);
const grad = init.grad.map((b) => new Float32Array(b));
const hess = init.hess.map((b) => new Float32Array(b));
const idx = new Uint32Array(init.idx);
const features = new Int32Array(init.features);
const histograms = new Map<number, Float64Array>();
const scratch = newScratch(init.rows);

function histogram(id: number): Float64Array {
  for (;;) {
    const known = histograms.get(id);
    if (known !== undefined) return known;
    const message = receiveMessageOnPort(init.port) as { message: { id: number; buffer: SharedArrayBuffer } } | undefined;
    if (message === undefined) throw new Error(`histogram ${id} was never sent to this worker`);
    histograms.set(message.message.id, new Float64Array(message.message.buffer));
  }
}

parentPort?.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(control, CONTROL.COMMAND, seen);
  seen = Atomics.load(control, CONTROL.COMMAND);
  const id = control[CONTROL.HIST] as number;
  if (id < 0) break;
  try {
    const c = control[CONTROL.CLASS] as number;
    accumulateShare(
      histogram(id),
      bins,
      init.rows,
      init.binOffset,
      init.binCount,
      features,
      control[CONTROL.FEATURE_START] as number,
      control[CONTROL.FEATURE_END] as number,
      idx,
      control[CONTROL.BEGIN] as number,
      control[CONTROL.END] as number,
      grad[c] as Float32Array,
      hess[c] as Float32Array,
      scratch,
    );
  } catch (error) {
    control[CONTROL.FAILED] = 1;
    console.error(error);
  }
  Atomics.store(control, CONTROL.DONE, seen);
  Atomics.notify(control, CONTROL.DONE);
}
init.port.close();
