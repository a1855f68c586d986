// A validate worker: checks the symbols it is sent (reads the symbol's files itself) and sends back
// the symbol's part, its gathered train columns transferred, not copied. It draws no random numbers
// and every part is computed by the same code as on the main thread, so the report does not depend
// on how many workers ran or which symbol each got.
import { parentPort } from 'node:worker_threads';
import { checkSymbolFiles } from './load.js';
import type { SymbolPart, ValidationPlan } from './symbol-checks.js';

/** One symbol to check. */
export interface SymbolTask {
  runDir: string;
  symbol: string;
  plan: ValidationPlan;
}

/** The reply: the part, or the message of what failed (the main thread then checks that symbol itself). */
export type SymbolReply = { symbol: string; part: SymbolPart } | { symbol: string; failed: string };

/** The buffers a part can hand over without a copy. */
function transferables(part: SymbolPart): ArrayBuffer[] {
  if (part.view === undefined) return [];
  const buffers = Object.values(part.view.columns).map((column) => column.buffer as ArrayBuffer);
  return [...buffers, part.view.trainRows.buffer as ArrayBuffer];
}

const port = parentPort;
if (port !== null) {
  port.on('message', (task: SymbolTask) => {
    checkSymbolFiles(task.runDir, task.symbol, task.plan).then(
      (part) => port.postMessage({ symbol: task.symbol, part } satisfies SymbolReply, transferables(part)),
      (error: unknown) =>
        port.postMessage({ symbol: task.symbol, failed: error instanceof Error ? error.message : String(error) } satisfies SymbolReply),
    );
  });
}
