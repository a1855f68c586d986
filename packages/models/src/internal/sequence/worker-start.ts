// Starting the sequence engine's worker threads (the inference pool's workers and the training replicas): each
// runs `worker.ts` with its `workerData`, answers `{ ready: true }` once its backend and weights are set up, and is
// then handed over quiet (no start-up listeners) and unref'd (an idle worker never keeps the process alive).
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '@tribar/core';

function workerEntry(): URL {
  const extension = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return workerEntryUrl(new URL(`./worker${extension}`, import.meta.url), new URL('../../../tsconfig.json', import.meta.url));
}

/** Named removals only: a bare removeAllListeners() also drops the hooks that keep a Worker's message port delivering. */
export function quiet(worker: Worker): void {
  for (const event of ['message', 'error', 'exit'] as const) worker.removeAllListeners(event);
}

/** Start `count` workers with `init` and wait until each is ready; rejects (every worker ended) when one cannot start. */
export async function startSequenceWorkers(count: number, init: unknown, what: string): Promise<Worker[]> {
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let k = 0; k < count; k++) {
    const worker = new Worker(workerEntry(), { workerData: init });
    workers.push(worker);
    ready.push(
      new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { ready?: boolean; error?: string }) =>
          m.ready === true ? resolve() : reject(new Error(`${what}: ${m.error ?? 'did not start'}`)),
        );
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`${what} exited with code ${code} while starting`)));
      }),
    );
  }
  try {
    await Promise.all(ready);
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  for (const w of workers) {
    quiet(w);
    w.unref();
  }
  return workers;
}
