import { silentLogger, TribarError, type Logger } from '@tribar/core';
import type { Job, Queue, QueueEvents } from 'bullmq';
import { TrialPruned, type Objective, type Trial } from '../study.js';
import { loadBullMq, parseRedisUrl, pruneKey, queueName, REDIS_PREFIX, STUDIES_KEY } from './connection.js';
import type { TrialJob, TrialOutcome, TrialProgress } from './protocol.js';

export interface RedisTrialsOptions<Setup> {
  /** `redis://host:port` */
  url: string;
  /** The study's name: its queue's name. */
  study: string;
  /** Objective kind the workers build (`model` for `runModelStudy`). */
  kind: string;
  /** What a worker needs to build the objective (sent with every trial). */
  setup: Setup;
  logger?: Logger;
}

/**
 * The coordinator's side of trials over Redis: the study (its sampler, pruner and one journal)
 * stays in this process; each asked trial becomes a BullMQ job on the queue named after the study,
 * which any `tribar worker` takes. Reports come back as job progress and are journaled here; the
 * pruner's answer goes back through a Redis key the worker reads after its next report. A job whose
 * worker died is moved back to the queue by BullMQ's stalled-job check (its lock expired) and
 * taken by another worker; the study ignores a second result for a trial, so none counts twice.
 */
export class RedisTrials<Setup = unknown> {
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #options: RedisTrialsOptions<Setup>;
  readonly #logger: Logger;
  readonly #running = new Map<string, Trial>();

  private constructor(queue: Queue, events: QueueEvents, options: RedisTrialsOptions<Setup>, logger: Logger) {
    this.#queue = queue;
    this.#events = events;
    this.#options = options;
    this.#logger = logger;
  }

  static async connect<Setup>(options: RedisTrialsOptions<Setup>): Promise<RedisTrials<Setup>> {
    const { Queue, QueueEvents } = await loadBullMq();
    const connection = parseRedisUrl(options.url);
    const name = queueName(options.study);
    const logger = (options.logger ?? silentLogger()).child({ component: 'tune.redis', queue: name });
    const queue = new Queue(name, { connection, prefix: REDIS_PREFIX });
    const events = new QueueEvents(name, { connection, prefix: REDIS_PREFIX });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (error) {
      await Promise.allSettled([queue.close(), events.close()]);
      throw new TribarError('REDIS_UNREACHABLE', `cannot reach Redis at ${options.url}: ${(error as Error).message}`, {
        hint: 'Start redis-server (tools/scripts/setup-system.sh installs it) or check the --redis URL.',
        cause: error,
      });
    }
    // Jobs left by a coordinator that died belong to trials its journal now counts as lost.
    await queue.obliterate({ force: true });
    const trials = new RedisTrials(queue, events, options, logger);
    events.on('progress', ({ jobId, data }) => trials.#progress(jobId, data as TrialProgress));
    const client = await queue.client;
    await client.hset(STUDIES_KEY, { [name]: new Date().toISOString() });
    logger.info({ event: 'tune.redis.open', url: options.url, queue: name }, `trials go to BullMQ queue '${name}' on ${options.url}`);
    return trials;
  }

  #progress(jobId: string, data: TrialProgress): void {
    const trial = this.#running.get(jobId);
    if (!trial) return;
    try {
      if ('report' in data) {
        trial.report(data.report.value, data.report.step);
        if (trial.shouldPrune())
          void this.#queue.client.then((c) => c.set(pruneKey(this.#options.study, trial.number), '1', { EX: 86_400 }));
      } else trial.setUserAttr(data.attr.key, data.attr.value);
    } catch (error) {
      // A report that arrives after its trial was told (a retried job's late progress) changes nothing.
      this.#logger.debug({ event: 'tune.redis.late-progress', trial: trial.number, err: error }, 'ignored progress of a finished trial');
    }
  }

  /** The objective `study.optimize` runs: the trial is enqueued and its worker's result awaited. */
  objective(): Objective {
    return async (trial) => {
      // BullMQ refuses integer job ids.
      const jobId = `trial-${trial.number}`;
      this.#running.set(jobId, trial);
      try {
        const data: TrialJob<Setup> = {
          study: this.#options.study,
          number: trial.number,
          params: trial.params,
          kind: this.#options.kind,
          setup: this.#options.setup,
        };
        // Finished jobs stay until the study closes (it obliterates its queue): a job removed on completion
        // can finish before `waitUntilFinished` looks at it, which then fails with "Missing key".
        const job: Job = await this.#queue.add('trial', data, { jobId, removeOnComplete: false, removeOnFail: false });
        let outcome: TrialOutcome;
        try {
          outcome = (await job.waitUntilFinished(this.#events)) as TrialOutcome;
        } catch (error) {
          throw new TribarError('TRIAL_FAILED', `trial ${trial.number} failed on a Redis worker: ${(error as Error).message}`, {
            cause: error,
          });
        }
        if (outcome.state === 'pruned') throw new TrialPruned();
        return Number(outcome.value);
      } finally {
        this.#running.delete(jobId);
      }
    };
  }

  async close(): Promise<void> {
    try {
      const client = await this.#queue.client;
      await client.hdel(STUDIES_KEY, this.#queue.name);
      await this.#queue.obliterate({ force: true });
    } finally {
      await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    }
  }
}
