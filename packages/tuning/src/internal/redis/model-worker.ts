import type { Logger } from '@tribar/core';
import { TrialThreads, type ThreadSetup } from '../threads/pool.js';
import { runTrialWorker, type TrialWorkerOptions } from './worker.js';

/** The job kind of `runModelStudy`'s trials. */
export const MODEL_OBJECTIVE = 'model';

/** What a worker needs to fit a model trial: the run, the model, the metric and the tracking folder. */
export type ModelTrialSetup = Omit<ThreadSetup, 'pruneFlag'>;

export interface ModelWorkerOptions {
  /** `redis://host:port` */
  url: string;
  /** Trials fitted at once, each in its own worker thread (default 1). */
  concurrency?: number;
  /** See `TrialWorkerOptions.lockMs` (default 30 s). */
  lockMs?: number;
  onTrial?: TrialWorkerOptions['onTrial'];
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * `tribar worker`: take model trials of every study tuned over this Redis and fit them in
 * `concurrency` worker threads, the code path of a local `--workers N` study (the threads keep
 * this process's event loop free, so BullMQ renews the trials' locks while a fit runs). The run
 * folder (and the tracking folder) must be reachable at the same path as on the `tune` machine.
 */
export function runModelWorker(options: ModelWorkerOptions): Promise<void> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  return runTrialWorker({
    url: options.url,
    concurrency,
    ...(options.lockMs !== undefined ? { lockMs: options.lockMs } : {}),
    ...(options.onTrial ? { onTrial: options.onTrial } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    objectives: {
      [MODEL_OBJECTIVE]: async (setup) => {
        const threads = await TrialThreads.start(concurrency, setup as ModelTrialSetup);
        return { objective: threads.objective(), close: () => threads.close() };
      },
    },
  });
}
