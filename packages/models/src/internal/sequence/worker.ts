// The worker thread of the sequence engine's pools. As a predict worker (predict-pool.ts) it holds one
// fitted model's weights and turns chunks of windows into probabilities; as a training replica
// (train-pool.ts, `role: 'train'`) it holds a copy of the variables and, for each job, takes the current
// weights and returns the gradient of its share of the batch. Both on their own single-threaded tfjs
// backend, with the same functions as the main thread (batch.ts), so every window's numbers are the same.
import { parentPort, workerData } from 'node:worker_threads';
import type { Tensor } from '@tensorflow/tfjs';
import { selectTfjsBackend } from '../tfjs/backend.js';
import type { Tfjs } from '../tfjs/backend.js';
import { predictBatch, shareGradients } from './batch.js';
import type { SequenceFamily } from './engine.js';
import { SEQUENCE_FAMILIES } from './index.js';
import type { PredictJob, PredictWorkerInit, PredictWorkerReply } from './predict-pool.js';
import type { TrainJob, TrainWorkerInit, TrainWorkerReply } from './train-pool.js';

const init = workerData as PredictWorkerInit | TrainWorkerInit;
const port = parentPort;
if (port === null) throw new Error('sequence/worker.ts runs as a worker thread only');

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function predictor(tf: Tfjs, family: SequenceFamily, init: PredictWorkerInit): (job: PredictJob) => void {
  const weights = new Map<string, Tensor>(init.params.map((p) => [p.name, tf.tensor(p.values, p.shape)]));
  return (job) => {
    try {
      const p = predictBatch(tf, family, weights, init.hyperparameters, job.x, job.n, init.steps, init.features);
      const reply: PredictWorkerReply = { id: job.id, p, x: job.x };
      port!.postMessage(reply, [p.buffer as ArrayBuffer, job.x.buffer as ArrayBuffer]);
    } catch (error) {
      port!.postMessage({ id: job.id, error: message(error) } satisfies PredictWorkerReply);
    }
  };
}

function replica(tf: Tfjs, family: SequenceFamily, init: TrainWorkerInit): (job: TrainJob) => void {
  const variables = init.params.map((p) => tf.variable(tf.tensor(p.values, p.shape), true));
  const weights = new Map<string, Tensor>(init.params.map((p, k) => [p.name, variables[k] as Tensor]));
  return (job) => {
    try {
      job.weights.forEach((values, k) => {
        const v = variables[k]!;
        tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
      });
      let loss = 0;
      let grads: Float32Array[] = [];
      // nothing returned from tidy: it would walk the typed arrays element by element looking for tensors
      tf.tidy(() => {
        const share = shareGradients(tf, family, variables, weights, init.hyperparameters, job, init.steps, init.features);
        grads = variables.map((v) => Float32Array.from(share.grads[v.name]!.dataSync() as Float32Array));
        loss = share.value.dataSync()[0] as number;
      });
      const reply: TrainWorkerReply = { id: job.id, loss, grads };
      port!.postMessage(
        reply,
        grads.map((g) => g.buffer as ArrayBuffer),
      );
    } catch (error) {
      port!.postMessage({ id: job.id, error: message(error) } satisfies TrainWorkerReply);
    }
  };
}

try {
  const family = SEQUENCE_FAMILIES.find((f) => f.card.name === init.family);
  if (family === undefined) throw new Error(`no sequence family '${init.family}'`);
  // One thread here: the pool's workers are the parallelism.
  const { tf } = await selectTfjsBackend({ prefer: [init.backend], wasmThreads: 1 });
  const handle = 'role' in init ? replica(tf, family, init) : predictor(tf, family, init);
  port.on('message', handle as (job: unknown) => void);
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ error: message(error) });
}
