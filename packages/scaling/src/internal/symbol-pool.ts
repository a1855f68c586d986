// Symbols of the stage `scale` on worker threads, where it pays: each symbol is independent (its own file, fit and
// output), so the results, and so every artifact, are the same for any number of workers.
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { artifactPath, featureBars } from '@tribar/artifacts';
import { TribarError, workerEntryUrl, type FailureDescription } from '@tribar/core';
import { scaleSymbol, type SymbolJob, type SymbolResult } from './symbol.js';

/**
 * Below this many bytes of features (all symbols together) the main thread scales them. Threads pay for memory,
 * not for speed: a thread's heap, with its symbol's table, is gone when it exits, where on the main thread the
 * garbage collector may keep one symbol's table while the next is read (ten years, two symbols: peak 1.6 GiB on
 * the main thread, 0.95 GiB on threads). Each thread costs a start (from source, its own TypeScript loader: about
 * a second of CPU), more than a year of bars saves by running two symbols at once on a 2-core machine.
 */
const WORKER_MIN_BYTES = 1024 * 1024 * 1024;
/** The symbols scaled at once hold at most this many bytes of features (each worker holds its symbol's table). */
const CONCURRENT_BYTES = 1024 * 1024 * 1024;

/**
 * How many worker threads to use for these jobs: 0 (the main thread) for one symbol or under 1 GiB of features;
 * otherwise one per symbol up to the cores, and fewer where the symbols' feature files would together pass 1 GiB
 * at once (ten years of one-minute bars: one symbol at a time, each freed when its thread exits).
 */
export async function symbolWorkers(jobs: readonly SymbolJob[]): Promise<number> {
  if (jobs.length < 2) return 0;
  // A missing file is 0 bytes here; reading it fails with the artifact's own error.
  const sizes = await Promise.all(
    jobs.map((job) =>
      stat(artifactPath(job.runDir, featureBars(job.symbol))).then(
        (file) => file.size,
        () => 0,
      ),
    ),
  );
  if (sizes.reduce((a, b) => a + b, 0) < WORKER_MIN_BYTES) return 0;
  return Math.max(1, Math.min(jobs.length, availableParallelism(), Math.floor(CONCURRENT_BYTES / Math.max(...sizes))));
}

interface Hooks {
  signal?: AbortSignal;
  /** Called as each symbol finishes (in the order they finish). */
  done?: (job: SymbolJob, result: SymbolResult) => void;
}

/** Scale every job, on the main thread (`workers` 0) or on up to `workers` threads at once; results in job order. */
export async function scaleSymbols(jobs: readonly SymbolJob[], workers: number, hooks: Hooks = {}): Promise<SymbolResult[]> {
  const results: SymbolResult[] = [];
  if (workers <= 0) {
    for (const job of jobs) {
      hooks.signal?.throwIfAborted();
      const result = await scaleSymbol(job);
      hooks.done?.(job, result);
      results.push(result);
    }
    return results;
  }
  const entry = workerEntryUrl(new URL(`./worker${extension}`, import.meta.url), new URL('../../tsconfig.json', import.meta.url));
  const running = new Set<Worker>();
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < jobs.length && !failed) {
      hooks.signal?.throwIfAborted();
      const k = next++;
      const job = jobs[k] as SymbolJob;
      const thread = new Worker(entry, { workerData: job });
      running.add(thread);
      try {
        const result = await outcome(thread, job.symbol);
        results[k] = result;
        hooks.done?.(job, result);
      } finally {
        running.delete(thread);
        await thread.terminate();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, lane));
  } catch (error) {
    failed = true;
    await Promise.all([...running].map((thread) => thread.terminate()));
    throw error;
  }
  return results;
}

/** `.ts` from source (tests, tsx), `.js` in a build. */
const extension = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';

/** The worker's one reply: its result, or its error rebuilt as a `TribarError` with the same code, message and hint. */
function outcome(thread: Worker, symbol: string): Promise<SymbolResult> {
  return new Promise((resolve, reject) => {
    thread.once('message', (reply: { result: SymbolResult } | { error: FailureDescription }) => {
      if ('result' in reply) return resolve(reply.result);
      const { name, code, message, hint } = reply.error;
      const error = new TribarError(code ?? 'SCALE_WORKER_FAILED', message, hint === undefined ? {} : { hint });
      error.name = name;
      reject(error);
    });
    thread.once('error', reject);
    thread.once('exit', (exitCode) =>
      reject(new TribarError('SCALE_WORKER_FAILED', `scale worker for ${symbol} exited (${exitCode}) without a result`)),
    );
  });
}
