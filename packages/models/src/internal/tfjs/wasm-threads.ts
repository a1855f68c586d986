import { UsageError } from '@tribar/core';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { Worker as NodeWorker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/**
 * Multi-threaded tfjs-wasm in Node. @tensorflow/tfjs-backend-wasm ships a threaded SIMD binary
 * (XNNPACK over Emscripten pthreads) but turns it off in Node (tfjs issue 3830) for three reasons,
 * each worked around here for the duration of the backend's initialisation only:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` answers false whenever `IS_NODE`: the caller sets the flag to true.
 * 2. Emscripten starts each pthread as `new Worker(url)` where `url` is a `blob:` URL of the worker
 *    script (which Node's `worker_threads.Worker` refuses), and then posts it the main script as a
 *    `Blob` that the worker cannot read back synchronously. A `Worker` subclass installed on
 *    `globalThis` while the backend initialises starts the same worker script (the package's
 *    `wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`) with `eval: true` and hands it the
 *    package's `wasm-out/tfjs-backend-wasm-threaded-simd.js` path instead of the Blob. The worker script
 *    already supports Node (it requires worker_threads and reads scripts with fs).
 * 3. The backend caps XNNPACK's pool at `os.cpus().length / 2` (it assumes two hyperthreads per core),
 *    so a 2-core machine gets 1 thread whatever `setThreadsCount` says: `os.cpus()` reports at least
 *    `2 × threads` entries while the module instantiates.
 *
 * 4. The pool's workers never keep the process alive (Emscripten refs a worker while its pthread runs).
 *
 * Results do not depend on the thread count: XNNPACK splits a GEMM's output tiles across threads,
 * never the reduction (tested bit for bit against one thread).
 */

/** The most threads Emscripten pre-starts (tfjs-backend-wasm's PTHREAD_POOL_SIZE). */
export const MAX_WASM_THREADS = 8;

function parseThreads(name: string, raw: string | undefined, fallback: number): number {
  const text = (raw ?? '').trim();
  if (text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new UsageError(`${name}=${text} is not a thread count`, {
      hint: `Use a whole number from 1 to ${MAX_WASM_THREADS}, or unset it for the default.`,
    });
  }
  return n;
}

/**
 * XNNPACK's threads inside the wasm backend (its threaded SIMD binary when > 1): `TRIBAR_XNNPACK_THREADS`,
 * default 1. Opt-in: its pool spin-waits at every operation's barrier, which pays on an idle machine and
 * costs several times the wall time on a loaded one (measured: a fused-LSTM epoch at load 20 on 2 cores
 * took 52 s on 2 threads against 12 s on 1), and the sequence engine's worker threads
 * ({@link sequenceThreads}) already use every core.
 */
export function wasmThreadCount(env: string | undefined = process.env['TRIBAR_XNNPACK_THREADS']): number {
  return parseThreads('TRIBAR_XNNPACK_THREADS', env, 1);
}

/**
 * Threads of the sequence engine's inference pool: `TRIBAR_SEQUENCE_THREADS`, default the machine's available
 * parallelism (at most 8); 1 keeps all work on the calling thread. The probabilities are the same bits for any count.
 */
export function sequenceThreads(env: string | undefined = process.env['TRIBAR_SEQUENCE_THREADS']): number {
  return parseThreads('TRIBAR_SEQUENCE_THREADS', env, Math.max(1, Math.min(os.availableParallelism(), MAX_WASM_THREADS)));
}

/**
 * Threads that train a sequence model (data-parallel replicas): `TRIBAR_SEQUENCE_TRAIN_THREADS`, default 1. Opt-in,
 * not the core count: the batch's shares and their dropout masks depend on it, so the same seed and config would
 * train a different model on a machine with more cores (the count is recorded in the model's `runtime.trainThreads`).
 */
export function sequenceTrainThreads(env: string | undefined = process.env['TRIBAR_SEQUENCE_TRAIN_THREADS']): number {
  return parseThreads('TRIBAR_SEQUENCE_TRAIN_THREADS', env, 1);
}

interface LoadMessage {
  cmd?: unknown;
  urlOrBlob?: unknown;
}

/**
 * Install the shims of points 2 and 3 for the wasm package at `packageRoot`; the returned function
 * removes them (call it once `tf.setBackend('wasm')` has settled: the pthreads start during it).
 */
export function installPthreadShims(packageRoot: string, threads: number): () => void {
  const require = createRequire(import.meta.url);
  const workerModule = require(join(packageRoot, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents?: unknown;
  };
  if (typeof workerModule.wasmWorkerContents !== 'string') {
    throw new Error('@tensorflow/tfjs-backend-wasm: wasm-out/tfjs-backend-wasm-threaded-simd.worker.js exports no wasmWorkerContents');
  }
  // The module exports the script as a template literal, which turned its "\n" escapes into newlines (as tfjs does).
  const workerScript = workerModule.wasmWorkerContents.replace(/\n/g, '\\n');
  const mainScript = join(packageRoot, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');

  class PthreadWorker extends NodeWorker {
    constructor(_url: string | URL, options?: WorkerOptions) {
      // CommonJS script: none of the parent's flags (`--input-type=module` would make it an ES module without `require`)
      super(workerScript, { ...options, eval: true, execArgv: [] });
      this.unref();
    }

    /**
     * Emscripten refs a worker while its pthread runs; XNNPACK's pool threads run (waiting for work)
     * until the process ends, so they would keep Node alive forever. They only ever work while the
     * main thread waits on them, so they never need to hold the process open.
     */
    override ref(): void {}

    override postMessage(message: unknown, transferList?: Parameters<NodeWorker['postMessage']>[1]): void {
      const load = message as LoadMessage | null;
      if (load !== null && typeof load === 'object' && load.cmd === 'load' && typeof load.urlOrBlob !== 'string') {
        super.postMessage({ ...load, urlOrBlob: mainScript }, transferList);
        return;
      }
      super.postMessage(message, transferList);
    }
  }

  const previousWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  // Emscripten assigns `global.Worker = worker_threads.Worker` when its module starts: keep ours.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => undefined });
  const realCpus = os.cpus;
  os.cpus = () => {
    const cpus = realCpus.call(os);
    const first = cpus[0];
    if (first !== undefined) while (cpus.length < 2 * threads) cpus.push(first);
    return cpus;
  };
  return () => {
    os.cpus = realCpus;
    if (previousWorker === undefined) delete (globalThis as { Worker?: unknown }).Worker;
    else Object.defineProperty(globalThis, 'Worker', previousWorker);
  };
}
