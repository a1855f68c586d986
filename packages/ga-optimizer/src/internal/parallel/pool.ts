import { Worker } from 'node:worker_threads';
import { UsageError, workerEntryUrl } from '@tribar/core';
import { evaluateAll, loadEvaluator, siblingModule, type Evaluate, type EvaluatorModule } from './evaluator.js';

/** Evaluates batches of genomes; results are in the order of the genomes given. */
export interface BatchEvaluator {
  readonly workers: number;
  evaluate(genomes: readonly (readonly number[])[]): Promise<number[]>;
  close(): Promise<void>;
}

type Reply = { id: number; fitness: number[] } | { id: number; error: { message: string; hint?: string } };

/**
 * Under tsx or vitest this module is a `.ts` file and so is the worker. Node 20 does not apply
 * `--import tsx` from a worker's execArgv to the worker's own module graph (the hooks live on
 * the main thread's loader), so the worker starts from a tiny ES module that registers tsx's
 * ESM hooks in the worker (with the package's tsconfig, whose paths resolve `@tribar/*` to
 * source) and then imports the TypeScript worker.
 */
function workerEntry(): URL {
  return workerEntryUrl(siblingModule('worker', import.meta.url), new URL('../../../tsconfig.json', import.meta.url));
}

/** URL objects do not cross threads: pass the module as text. */
function cloneable(evaluator: EvaluatorModule): EvaluatorModule {
  return { ...evaluator, module: evaluator.module instanceof URL ? evaluator.module.href : evaluator.module };
}

/** A fixed set of worker threads, each holding its own copy of the fitness built from one module. */
export class WorkerPool implements BatchEvaluator {
  readonly workers: number;
  readonly #threads: Worker[];
  readonly #pending = new Map<number, { resolve: (fitness: number[]) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #failure: Error | undefined;

  private constructor(threads: Worker[]) {
    this.#threads = threads;
    this.workers = threads.length;
    for (const thread of threads) {
      thread.on('message', (reply: Reply) => this.#settle(reply));
      thread.on('error', (error: Error) => this.#fail(error));
    }
  }

  /**
   * Start `workers` threads and wait until each is ready (and has built the fitness of
   * `evaluator`, when given). Without one, call `use(evaluator)` before evaluating.
   */
  static async start(evaluator: EvaluatorModule | undefined, workers: number): Promise<WorkerPool> {
    if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`workers must be a whole number ≥ 1, got ${workers}`);
    const entry = workerEntry();
    const threads: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < workers; w++) {
      const thread = new Worker(entry, { workerData: evaluator === undefined ? {} : { evaluator: cloneable(evaluator) } });
      threads.push(thread);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (message: { ready?: boolean; fatal?: { message: string } }) => {
            thread.off('error', reject);
            if (message.ready === true) resolve();
            else reject(new UsageError(`evaluator worker failed to start: ${message.fatal?.message ?? 'unknown error'}`));
          };
          thread.once('message', onMessage);
          thread.once('error', reject);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(threads.map((thread) => thread.terminate()));
      throw error;
    }
    return new WorkerPool(threads);
  }

  #settle(reply: Reply): void {
    const waiting = this.#pending.get(reply.id);
    if (waiting === undefined) return;
    this.#pending.delete(reply.id);
    if ('error' in reply) waiting.reject(new UsageError(reply.error.message, reply.error.hint ? { hint: reply.error.hint } : {}));
    else waiting.resolve(reply.fitness);
  }

  #fail(error: Error): void {
    this.#failure = error;
    for (const waiting of this.#pending.values()) waiting.reject(error);
    this.#pending.clear();
  }

  #send(thread: Worker, message: { genomes: number[][] } | { load: EvaluatorModule }): Promise<number[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      thread.postMessage({ id, ...message });
    });
  }

  /**
   * Rebuild every worker's fitness from another module or init (e.g. the next symbol's block),
   * keeping the threads: starting them costs more than many evaluations.
   */
  async load(evaluator: EvaluatorModule): Promise<void> {
    const load = cloneable(evaluator);
    await Promise.all(this.#threads.map((thread) => this.#send(thread, { load })));
  }

  /** `load(evaluator)`, then this pool as a batch evaluator whose `close` leaves the threads running. */
  async use(evaluator: EvaluatorModule): Promise<BatchEvaluator> {
    await this.load(evaluator);
    return { workers: this.workers, evaluate: (genomes) => this.evaluate(genomes), close: async () => {} };
  }

  /**
   * Hand out small chunks to whichever worker is free (fitness cost varies with the genes), and
   * place each result at its genome's index, so the answer is independent of the scheduling.
   */
  async evaluate(genomes: readonly (readonly number[])[]): Promise<number[]> {
    const results = new Array<number>(genomes.length);
    const chunk = Math.max(1, Math.ceil(genomes.length / (this.workers * 4)));
    let next = 0;
    const drain = async (thread: Worker) => {
      while (next < genomes.length) {
        const from = next;
        next = Math.min(genomes.length, next + chunk);
        const fitness = await this.#send(thread, { genomes: genomes.slice(from, next).map((genes) => [...genes]) });
        fitness.forEach((value, i) => (results[from + i] = value));
      }
    };
    await Promise.all(this.#threads.map(drain));
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.terminate()));
  }
}

/**
 * A batch evaluator for `evaluate`: a plain function runs on the main thread (only with one
 * worker: functions cannot cross threads); a module runs on the main thread with one worker and
 * on a pool of threads with more.
 */
export async function createBatchEvaluator(evaluate: Evaluate, workers = 1): Promise<BatchEvaluator> {
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`workers must be a whole number ≥ 1, got ${workers}`);
  if (typeof evaluate === 'function') {
    if (workers > 1) {
      throw new UsageError(`a fitness function cannot run on ${workers} worker threads`, {
        hint: 'pass { module, init } naming a module that exports createEvaluator(init), or use workers: 1',
      });
    }
    return { workers: 1, evaluate: async (genomes) => evaluateAll(evaluate, genomes), close: async () => {} };
  }
  if (workers === 1) {
    const fitness = await loadEvaluator(evaluate);
    return { workers: 1, evaluate: async (genomes) => evaluateAll(fitness, genomes), close: async () => {} };
  }
  return WorkerPool.start(evaluate, workers);
}
