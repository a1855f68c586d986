import { Worker } from 'node:worker_threads';
import { TribarError, workerEntryUrl } from '@tribar/core';
import type { ModelObjectiveOptions } from '../objective.js';
import type { Params } from '../space.js';
import { TrialPruned, type Trial } from '../study.js';
import type { AttrValue } from '../trial.js';

/** What a thread needs to build its objective (the registry is rebuilt there; functions do not cross threads). */
export interface ThreadSetup {
  objective: Omit<ModelObjectiveOptions, 'registry' | 'tracker' | 'parentRunId' | 'logger'>;
  trackingDir?: string;
  parentRunId?: string;
  pruneFlag: SharedArrayBuffer;
}

export interface ThreadRequest {
  number: number;
  params: Params;
}

type ThreadMessage =
  | { type: 'ready' }
  | { type: 'report'; number: number; step: number; value: number }
  | { type: 'attr'; number: number; key: string; value: AttrValue }
  | { type: 'done'; number: number; value: number }
  | { type: 'pruned'; number: number }
  | { type: 'error'; number: number; message: string };

interface Thread {
  worker: Worker;
  flag: Int32Array;
}

function entry(): URL {
  const worker = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
  return workerEntryUrl(worker, new URL('../../../tsconfig.json', import.meta.url));
}

/**
 * Worker threads that fit trials in parallel on this machine, each with its own copy of the run's
 * data. The study stays in this thread (one journal writer): reports come back as messages, the
 * pruner runs here and answers through a shared flag the thread's `shouldPrune` reads.
 */
export class TrialThreads {
  readonly #idle: Thread[] = [];
  readonly #all: Thread[] = [];
  readonly #waiting: Array<(thread: Thread) => void> = [];

  private constructor() {}

  static async start(count: number, setup: Omit<ThreadSetup, 'pruneFlag'>): Promise<TrialThreads> {
    const pool = new TrialThreads();
    await Promise.all(
      Array.from({ length: count }, async () => {
        const flag = new SharedArrayBuffer(4);
        const worker = new Worker(entry(), { workerData: { ...setup, pruneFlag: flag } satisfies ThreadSetup });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m: ThreadMessage) => (m.type === 'ready' ? resolve() : reject(new Error(`unexpected ${m.type}`))));
          worker.once('error', reject);
        });
        const thread = { worker, flag: new Int32Array(flag) };
        pool.#all.push(thread);
        pool.#idle.push(thread);
      }),
    );
    return pool;
  }

  #take(): Promise<Thread> {
    const thread = this.#idle.pop();
    return thread ? Promise.resolve(thread) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(thread: Thread): void {
    const next = this.#waiting.shift();
    if (next) next(thread);
    else this.#idle.push(thread);
  }

  /** The objective `study.optimize` runs: the trial goes to a free thread. */
  objective(): (trial: Trial) => Promise<number> {
    return async (trial) => {
      const thread = await this.#take();
      try {
        return await new Promise<number>((resolve, reject) => {
          const onMessage = (m: ThreadMessage) => {
            if (!('number' in m) || m.number !== trial.number) return;
            if (m.type === 'report') {
              trial.report(m.value, m.step);
              if (trial.shouldPrune()) Atomics.store(thread.flag, 0, 1);
              return;
            }
            if (m.type === 'attr') return trial.setUserAttr(m.key, m.value);
            thread.worker.off('message', onMessage);
            thread.worker.off('error', onError);
            if (m.type === 'done') resolve(m.value);
            else if (m.type === 'pruned') reject(new TrialPruned());
            else reject(new TribarError('TRIAL_FAILED', `trial ${trial.number} failed in its thread: ${m.message}`));
          };
          const onError = (error: Error) => reject(error);
          thread.worker.on('message', onMessage);
          thread.worker.once('error', onError);
          thread.worker.postMessage({ number: trial.number, params: trial.params } satisfies ThreadRequest);
        });
      } finally {
        this.#release(thread);
      }
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((t) => t.worker.terminate()));
  }
}
