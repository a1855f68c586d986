// Data-parallel training on worker threads: every batch is cut into contiguous shares, one per thread
// (this one takes share 0); each replica computes the gradient of its share's part of the batch loss
// through the same family forward, from the same weights; the gradients are summed here in share
// order and one Adam step is applied here, whose weights go to the replicas with the next batch. So
// the model is the same for a given thread count whatever the timing. Dropout masks are drawn per
// share (seed + share), so the thread count is part of the determinism key, and the sum's order makes
// results differ from one thread's in the last bits.
import type { Worker } from 'node:worker_threads';
import type { ParamInit } from './params.js';
import { quiet, startSequenceWorkers } from './worker-start.js';

export interface TrainWorkerInit {
  role: 'train';
  family: string;
  backend: string;
  hyperparameters: Record<string, unknown>;
  params: ParamInit[];
  steps: number;
  features: number;
}

/** One share of a batch: its windows, one-hot labels and sample weights. */
export interface TrainShare {
  n: number;
  x: Float32Array;
  y: Float32Array;
  w: Float32Array;
  /** Σ of the whole batch's weights: each share's loss is divided by it, so the shares' gradients add up to the batch's. */
  batchWeight: number;
  dropout: number;
  seed: number;
}

export interface TrainJob extends TrainShare {
  id: number;
  weights: Float32Array[];
}

export type TrainWorkerReply = { id: number; loss: number; grads: Float32Array[] } | { id: number; error: string };

/** Windows × steps × features below which a fit stays on one thread (starting the replicas costs about a second). */
export const MIN_PARALLEL_TRAIN = 2_000_000;

export class TrainPool {
  readonly #workers: Worker[];
  /** Replicas besides this thread. */
  readonly replicas: number;
  #id = 0;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.replicas = workers.length;
  }

  /** Start `replicas` worker replicas; rejects (workers ended) when one cannot start. */
  static async start(replicas: number, init: TrainWorkerInit): Promise<TrainPool> {
    return new TrainPool(await startSequenceWorkers(replicas, init, 'sequence train replica'));
  }

  /** Send share k to replica k with the current weights; resolves to each replica's loss and gradients, in replica order. */
  gradients(weights: Float32Array[], shares: TrainShare[]): Promise<{ loss: number; grads: Float32Array[] }[]> {
    return Promise.all(
      shares.map(
        (share, k) =>
          new Promise<{ loss: number; grads: Float32Array[] }>((resolve, reject) => {
            const worker = this.#workers[k] as Worker;
            const id = ++this.#id;
            const done = (): void => {
              quiet(worker);
              worker.unref();
            };
            worker.ref();
            worker.on('message', (reply: TrainWorkerReply) => {
              if (reply.id !== id) return;
              done();
              if ('error' in reply) reject(new Error(`sequence train replica: ${reply.error}`));
              else resolve(reply);
            });
            worker.on('error', (error) => {
              done();
              reject(error);
            });
            worker.on('exit', (code) => {
              done();
              reject(new Error(`sequence train replica exited with code ${code}`));
            });
            const job: TrainJob = { ...share, id, weights };
            worker.postMessage(job, [share.x.buffer as ArrayBuffer, share.y.buffer as ArrayBuffer, share.w.buffer as ArrayBuffer]);
          }),
      ),
    );
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
