// Inference on every core: worker threads, each holding the fitted weights on its own single-threaded
// tfjs backend, turn chunks of windows into probabilities while this thread gathers the next chunks from
// the caller's rows (a SequenceSource's gather runs here, where the source lives). Chunks are the
// ones the single-thread path uses, computed by the same function, and written back at their
// position: the probabilities are bit for bit those of one thread. At most two chunks per worker are in
// flight, so memory stays bounded whatever the number of windows.
import type { Worker } from 'node:worker_threads';
import { NUM_CLASSES } from '../types.js';
import type { ParamInit } from './params.js';
import type { WindowReader } from './rows.js';
import { quiet, startSequenceWorkers } from './worker-start.js';

/** What a worker starts with (its `workerData`). */
export interface PredictWorkerInit {
  family: string;
  backend: string;
  hyperparameters: Record<string, unknown>;
  params: ParamInit[];
  steps: number;
  features: number;
}

/** One chunk of windows, `n × steps × features` values in `x` (transferred). */
export interface PredictJob {
  id: number;
  n: number;
  x: Float32Array;
}

/** A chunk's probabilities (`n × 3`), its input buffer handed back for reuse; or the error. */
export type PredictWorkerReply = { id: number; p: Float32Array; x: Float32Array } | { id: number; error: string };

/** Chunks in flight per worker: one computing, one queued, so a worker never waits for the gather. */
const IN_FLIGHT = 2;

export class PredictPool {
  readonly #workers: Worker[];
  readonly threads: number;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    // Idle workers never keep the process alive (they start unref'd); predict() holds them while it waits.
    this.threads = workers.length;
  }

  /** Start `threads` workers with the model's weights; rejects (workers ended) when one cannot start. */
  static async start(threads: number, init: PredictWorkerInit): Promise<PredictPool> {
    return new PredictPool(await startSequenceWorkers(threads, init, 'sequence predict worker'));
  }

  /**
   * Probabilities of every window of `reader` into `out` (rows × 3), `chunk` windows per job, chunk k
   * covering windows [k·chunk, (k + 1)·chunk).
   */
  predict(reader: WindowReader, chunk: number, out: Float32Array): Promise<void> {
    const { rows, steps, features } = reader;
    const width = steps * features;
    const chunks = Math.ceil(rows / chunk);
    const spare: Float32Array[] = [];
    let next = 0;
    let done = 0;
    const workers = this.#workers;
    return new Promise<void>((resolve, reject) => {
      let failed = false;
      const finish = (error?: Error): void => {
        for (const w of workers) {
          quiet(w);
          w.unref();
        }
        if (error !== undefined) reject(error);
        else resolve();
      };
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        finish(error);
      };
      const send = (worker: Worker): void => {
        if (next >= chunks || failed) return;
        const id = next++;
        const start = id * chunk;
        const n = Math.min(chunk, rows - start);
        const positions = new Int32Array(n);
        for (let i = 0; i < n; i++) positions[i] = start + i;
        let x = spare.pop();
        if (x === undefined || x.length < n * width) x = new Float32Array(chunk * width);
        try {
          reader.read(positions, x);
        } catch (error) {
          fail(error as Error);
          return;
        }
        const job: PredictJob = { id, n, x };
        worker.postMessage(job, [x.buffer as ArrayBuffer]);
      };
      if (chunks === 0) {
        resolve();
        return;
      }
      for (const worker of workers) {
        worker.ref();
        worker.on('message', (reply: PredictWorkerReply) => {
          if (failed) return;
          if ('error' in reply) {
            fail(new Error(`sequence predict worker: ${reply.error}`));
            return;
          }
          out.set(reply.p, reply.id * chunk * NUM_CLASSES);
          spare.push(reply.x);
          done++;
          if (done === chunks) finish();
          else send(worker);
        });
        worker.on('error', fail);
        worker.on('exit', (code) => fail(new Error(`sequence predict worker exited with code ${code}`)));
      }
      for (let round = 0; round < IN_FLIGHT; round++) for (const worker of workers) send(worker);
    });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
