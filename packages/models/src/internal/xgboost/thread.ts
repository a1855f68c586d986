// Runs one training in a worker thread and relays its rounds to the epoch hook.
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '@tribar/core';
import type { EpochHook, EpochLog } from '../types.js';
import { XGBoostLibraryError } from './library.js';
import { ACKED, CONTROL_SLOTS, STOP, type TrainDone, type TrainRequest, type WorkerReply } from './protocol.js';

/** The worker's module, `.ts` from source and `.js` from the build. */
function workerEntry(): URL {
  const extension = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return workerEntryUrl(new URL(`./worker${extension}`, import.meta.url), new URL('../../../tsconfig.json', import.meta.url));
}

export interface TrainRun {
  done: TrainDone;
  history: EpochLog[];
}

/**
 * Train in a worker. `transfer`: buffers of `request` made for this training alone, moved to the worker instead of
 * copied. `onEpoch` runs here after each round; with a hook the worker waits for it
 * (lock-step), so `{stop: true}` after round k means exactly k + 1 rounds. Aborting `signal`
 * stops before the next round and rejects with its reason.
 */
export function trainInWorker(
  request: Omit<TrainRequest, 'control' | 'lockstep'>,
  onEpoch: EpochHook | undefined,
  signal: AbortSignal | undefined,
  transfer: readonly ArrayBuffer[] = [],
): Promise<TrainRun> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const history: EpochLog[] = [];
  let hookError: unknown;
  const stop = () => {
    Atomics.store(control, STOP, 1);
    Atomics.notify(control, ACKED);
  };
  return new Promise<TrainRun>((resolve, reject) => {
    // workerData is structured-cloned: a typed array over a SharedArrayBuffer arrives shared (no copy), one in
    // `transfer` is moved (the caller must not use it again), anything else is copied.
    const worker = new Worker(workerEntry(), {
      workerData: { ...request, control: control.buffer, lockstep: onEpoch !== undefined },
      transferList: [...transfer],
    });
    let settled = false;
    const finish = (error: unknown, run?: TrainRun) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', stop);
      void worker.terminate();
      if (error !== undefined) reject(error);
      else resolve(run as TrainRun);
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
    worker.on('message', (reply: WorkerReply) => {
      if ('epoch' in reply) {
        history.push(reply.epoch);
        if (onEpoch !== undefined) {
          try {
            if (onEpoch(reply.epoch)?.stop === true) stop();
          } catch (error) {
            hookError ??= error;
            stop();
          }
          Atomics.store(control, ACKED, reply.epoch.epoch + 1);
          Atomics.notify(control, ACKED);
        }
      } else if ('done' in reply) {
        if (hookError !== undefined) finish(hookError);
        else if (signal?.aborted) finish(signal.reason ?? new Error('aborted'));
        else finish(undefined, { done: reply.done, history });
      } else {
        finish(new XGBoostLibraryError(reply.error.message));
      }
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => finish(new XGBoostLibraryError(`the XGBoost training worker exited (code ${code}) before finishing`)));
  });
}
