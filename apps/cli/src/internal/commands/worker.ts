import { UsageError, type LogLevel } from '@tribar/core';
import { runModelWorker } from '@tribar/tuning';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { print } from '../io.js';
import { createCliLogger } from '../logging.js';

export interface WorkerOptions {
  redis: string;
  concurrency?: string;
  lockMs?: string;
  logLevel?: LogLevel;
}

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} expects a positive whole number, got '${raw}'`);
  return n;
}

/**
 * `tribar worker --redis <url>`: take the trials of every study `tribar tune --redis` runs on that
 * Redis and fit them here (`--concurrency` at once, each in a worker thread) until interrupted.
 */
export async function workerCommand(context: CliContext, options: WorkerOptions): Promise<ExitCode> {
  const { io } = context;
  const concurrency = positiveInt('--concurrency', options.concurrency) ?? 1;
  const lockMs = positiveInt('--lock-ms', options.lockMs);
  const logger = createCliLogger(io, { level: options.logLevel ?? 'info' });
  print(io.err, `worker: taking trials from ${options.redis} (${concurrency} at once); Ctrl-C stops after the trials in hand`);
  await runModelWorker({
    url: options.redis,
    concurrency,
    ...(lockMs !== undefined ? { lockMs } : {}),
    logger,
    onTrial: ({ study, number, state }) => print(io.err, `${study} trial #${number} ${state}`),
    ...(context.signal ? { signal: context.signal } : {}),
  });
  return EXIT.ok;
}
