// The worker thread of the sequence predict pool (predict-pool.ts): it holds one fitted model's weights
// on its own single-threaded tfjs backend and turns batches of windows into probabilities with the
// same function as the main thread (`predictBatch`), so every window's numbers are the same.
import { parentPort, workerData } from 'node:worker_threads';
import type { Tensor } from '@tensorflow/tfjs';
import { selectTfjsBackend } from '../tfjs/backend.js';
import { predictBatch } from './engine.js';
import { SEQUENCE_FAMILIES } from './index.js';
import type { PredictJob, PredictWorkerInit, PredictWorkerReply } from './predict-pool.js';

const init = workerData as PredictWorkerInit;
const port = parentPort;
if (port === null) throw new Error('sequence/worker.ts runs as a worker thread only');

try {
  const family = SEQUENCE_FAMILIES.find((f) => f.card.name === init.family);
  if (family === undefined) throw new Error(`no sequence family '${init.family}'`);
  // One thread here: the pool's workers are the parallelism.
  const { tf } = await selectTfjsBackend({ prefer: [init.backend], wasmThreads: 1 });
  const weights = new Map<string, Tensor>(init.params.map((p) => [p.name, tf.tensor(p.values, p.shape)]));
  port.on('message', (job: PredictJob) => {
    let reply: PredictWorkerReply;
    try {
      const p = predictBatch(tf, family, weights, init.hyperparameters, job.x, job.n, init.steps, init.features);
      reply = { id: job.id, p, x: job.x };
      port.postMessage(reply, [p.buffer as ArrayBuffer, job.x.buffer as ArrayBuffer]);
    } catch (error) {
      reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
      port.postMessage(reply);
    }
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
