// Each symbol's checks on worker threads, one symbol per worker at a time. The run-wide part (the
// correlation screen prunes pairs symbol by symbol) stays on the main thread.
import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '@tribar/core';
import { checkSymbolFiles } from './load.js';
import type { SymbolPart, ValidationPlan } from './symbol-checks.js';
import type { SymbolReply, SymbolTask } from './worker.js';

function workerEntry(): URL {
  const extension = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return workerEntryUrl(new URL(`./worker${extension}`, import.meta.url), new URL('../../tsconfig.json', import.meta.url));
}

/**
 * Check `symbols` on up to `threads` threads (this one and `threads` − 1 workers); parts come back in symbol order. A
 * symbol whose worker failed is checked again here, so its error is the typed one the checks throw.
 */
export async function checkSymbols(
  runDir: string,
  symbols: readonly string[],
  plan: ValidationPlan,
  threads: number,
  onSymbol: (symbol: string) => void = () => {},
  signal?: AbortSignal,
): Promise<SymbolPart[]> {
  const parts: (SymbolPart | undefined)[] = symbols.map(() => undefined);
  const count = Math.max(1, Math.min(threads, symbols.length));
  if (count === 1) {
    for (const [i, symbol] of symbols.entries()) {
      signal?.throwIfAborted();
      parts[i] = await checkSymbolFiles(runDir, symbol, plan);
      onSymbol(symbol);
    }
    return parts as SymbolPart[];
  }
  let next = 0;
  const entry = workerEntry();
  const workers: Worker[] = [];
  const exited = new Set<Worker>();
  const run = async (worker: Worker): Promise<void> => {
    while (next < symbols.length && signal?.aborted !== true && !exited.has(worker)) {
      const i = next++;
      const symbol = symbols[i] as string;
      const reply = await new Promise<SymbolReply>((resolve) => {
        const onError = (error: Error) => done({ symbol, failed: error.message });
        const onExit = () => done({ symbol, failed: 'the worker exited' });
        const onMessage = (message: SymbolReply) => done(message);
        const done = (message: SymbolReply) => {
          worker.off('error', onError).off('exit', onExit).off('message', onMessage);
          resolve(message);
        };
        worker.once('error', onError).once('exit', onExit).once('message', onMessage);
        worker.postMessage({ runDir, symbol, plan } satisfies SymbolTask);
      });
      if ('failed' in reply) return; // this worker stops; the symbols left are checked below
      parts[i] = reply.part;
      onSymbol(symbol);
    }
  };
  // This thread takes symbols too: count − 1 workers (a worker's start and warm-up cost CPU).
  const here = async (): Promise<void> => {
    while (next < symbols.length) {
      signal?.throwIfAborted();
      const i = next++;
      parts[i] = await checkSymbolFiles(runDir, symbols[i] as string, plan);
      onSymbol(symbols[i] as string);
    }
  };
  try {
    for (let w = 1; w < count; w++) {
      const worker = new Worker(entry);
      // A worker that dies between tasks is not sent another; its error must not go unhandled.
      worker.on('error', () => {}).on('exit', () => exited.add(worker));
      workers.push(worker);
    }
    await Promise.all([...workers.map(run), here()]);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  signal?.throwIfAborted();
  for (const [i, symbol] of symbols.entries()) {
    if (parts[i] !== undefined) continue;
    parts[i] = await checkSymbolFiles(runDir, symbol, plan);
    onSymbol(symbol);
  }
  return parts as SymbolPart[];
}
