// The worker thread of the stage `scale`: one symbol (the job in workerData), then it exits, so the symbol's
// features table goes with the thread's heap instead of waiting for the main thread's garbage collector.
import { parentPort, workerData } from 'node:worker_threads';
import { describeFailure } from '@tribar/core';
import { scaleSymbol, type SymbolJob } from './symbol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs only as a worker thread');
try {
  port.postMessage({ result: await scaleSymbol(workerData as SymbolJob) });
} catch (error) {
  port.postMessage({ error: describeFailure(error) });
}
