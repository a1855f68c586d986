import { silentLogger, TribarError, type Logger } from '@tribar/core';
import type { Job, Worker } from 'bullmq';
import { TrialPruned, type Objective, type Trial } from '../study.js';
import { loadBullMq, parseRedisUrl, pruneKey, REDIS_PREFIX, STUDIES_KEY, type RedisConnection } from './connection.js';
import type { TrialJob, TrialOutcome, TrialProgress } from './protocol.js';

/** Builds the objective of one study from its setup (once per study and worker process). */
export type ObjectiveFactory = (setup: unknown, study: string) => Promise<{ objective: Objective; close?: () => Promise<void> }>;

export interface TrialWorkerOptions {
  /** `redis://host:port` */
  url: string;
  /** Trials this process runs at once (default 1). */
  concurrency?: number;
  /** Objective kinds this worker can build, by the jobs' `kind`. */
  objectives: Record<string, ObjectiveFactory>;
  /**
   * How long a taken trial stays locked without a renewal (default 30 s, BullMQ's): a worker that
   * dies holds its trial this long, then the stalled-job check hands it to another worker.
   */
  lockMs?: number;
  /** How often queues of newly started studies are looked for (default 1 s). */
  pollMs?: number;
  /** Called when a trial starts (progress on the command line, tests). */
  onTrial?: (event: { study: string; number: number; state: 'start' | 'complete' | 'pruned' | 'fail' }) => void;
  logger?: Logger;
  signal?: AbortSignal;
}

interface StudyWorker {
  worker: Worker;
  objective?: Promise<{ objective: Objective; close?: () => Promise<void> }>;
}

/**
 * A trial worker: watches Redis for running studies, takes their trials from each study's BullMQ
 * queue and runs the objective its kind names, sending reports back as job progress. Resolves
 * when `signal` aborts (after the trials in hand finish).
 */
export async function runTrialWorker(options: TrialWorkerOptions): Promise<void> {
  const bull = await loadBullMq();
  const connection = parseRedisUrl(options.url);
  const logger = (options.logger ?? silentLogger()).child({ component: 'tune.worker' });
  const registry = new bull.Queue('tune-registry', { connection, prefix: REDIS_PREFIX });
  try {
    await registry.waitUntilReady();
  } catch (error) {
    await registry.close();
    throw new TribarError('REDIS_UNREACHABLE', `cannot reach Redis at ${options.url}: ${(error as Error).message}`, {
      hint: 'Check the --redis URL and that redis-server runs there.',
      cause: error,
    });
  }
  const client = await registry.client;
  const studies = new Map<string, StudyWorker>();
  logger.info(
    { event: 'tune.worker.start', url: options.url, concurrency: options.concurrency ?? 1 },
    `waiting for trials on ${options.url}`,
  );
  const poll = async (): Promise<void> => {
    const names = new Set(Object.keys(await client.hgetall(STUDIES_KEY)));
    for (const name of names) if (!studies.has(name)) studies.set(name, open(bull, connection, name, options, logger));
    for (const [name, entry] of studies) {
      if (names.has(name)) continue;
      studies.delete(name);
      await closeStudy(entry);
      logger.info({ event: 'tune.worker.study-closed', study: name }, `study ${name} ended`);
    }
  };
  try {
    while (!options.signal?.aborted) {
      await poll();
      await sleep(options.pollMs ?? 1000, options.signal);
    }
  } finally {
    await Promise.allSettled([...studies.values()].map(closeStudy));
    await registry.close();
  }
}

function open(
  bull: Awaited<ReturnType<typeof loadBullMq>>,
  connection: RedisConnection,
  name: string,
  options: TrialWorkerOptions,
  logger: Logger,
): StudyWorker {
  const lockDuration = options.lockMs ?? 30_000;
  const entry: StudyWorker = {
    worker: new bull.Worker(name, (job: Job<TrialJob>) => runJob(job, entry, options, logger), {
      connection,
      prefix: REDIS_PREFIX,
      concurrency: options.concurrency ?? 1,
      lockDuration,
      // Look for trials whose worker died as often as a lock can expire.
      stalledInterval: Math.max(250, Math.floor(lockDuration / 2)),
      // A trial may lose two workers before it is failed (and its slot asked again).
      maxStalledCount: 2,
    }),
  };
  entry.worker.on('error', (error) => logger.warn({ event: 'tune.worker.error', study: name, err: error }, 'BullMQ worker error'));
  entry.worker.on('stalled', (jobId) =>
    logger.warn({ event: 'tune.worker.stalled', study: name, trial: jobId }, `trial ${jobId} lost its worker: queued again`),
  );
  logger.info({ event: 'tune.worker.study', study: name }, `taking trials of study ${name}`);
  return entry;
}

async function closeStudy(entry: StudyWorker): Promise<void> {
  await entry.worker.close();
  const built = await entry.objective?.catch(() => undefined);
  await built?.close?.();
}

async function runJob(job: Job<TrialJob>, entry: StudyWorker, options: TrialWorkerOptions, logger: Logger): Promise<TrialOutcome> {
  const { study, number, params, kind, setup } = job.data;
  const factory = options.objectives[kind];
  if (!factory) throw new TribarError('UNKNOWN_OBJECTIVE', `trial ${number} of ${study}: this worker cannot build a '${kind}' objective`);
  entry.objective ??= factory(setup, study);
  const { objective } = await entry.objective;
  let prune = false;
  let pending: Promise<void> = Promise.resolve();
  const send = (progress: TrialProgress): void => {
    pending = pending.then(() => job.updateProgress(progress));
  };
  const trial: Trial = {
    number,
    params,
    report: (value, step) => {
      send({ report: { step, value } });
      // The coordinator's pruner answers after it journals the report: read at the next report.
      pending = pending.then(async () => {
        const redis = await entry.worker.client;
        prune ||= (await redis.get(pruneKey(study, number))) === '1';
      });
    },
    shouldPrune: () => prune,
    setUserAttr: (key, value) => send({ attr: { key, value } }),
  };
  options.onTrial?.({ study, number, state: 'start' });
  logger.debug({ event: 'tune.worker.trial', study, trial: number }, `trial ${number} of ${study}`);
  try {
    const value = await objective(trial);
    await pending;
    options.onTrial?.({ study, number, state: 'complete' });
    return { state: 'complete', value: String(value) };
  } catch (error) {
    await pending.catch(() => undefined);
    if (error instanceof TrialPruned) {
      options.onTrial?.({ study, number, state: 'pruned' });
      return { state: 'pruned' };
    }
    options.onTrial?.({ study, number, state: 'fail' });
    throw error;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
