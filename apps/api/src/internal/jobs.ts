import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@tribar/core';
import type { PipelineEvent } from '@tribar/pipeline';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.js';

/** Where a job stands in the queue (the run's own state is in its `state.json`). */
export type JobStatus = 'queued' | 'running' | 'finished' | 'cancelled';

export interface JobRequest {
  runId: string;
  /** The resolved config the run uses (a resume passes the run's own `config.json`). */
  config: Record<string, unknown>;
  resume: boolean;
}

/** What a live job has seen: the last progress of each stage, so a late SSE subscriber starts from it. */
export interface Job extends JobRequest {
  status: JobStatus;
  queuedAt: string;
  /** The run's final status (`completed`, `interrupted`, …) or `error`, once the child is done. */
  outcome?: string;
  error?: { name: string; code?: string; message: string; hint?: string };
  lastEvents: PipelineEvent[];
  events: EventEmitter;
  child?: ChildProcess;
}

/** The event stream a job offers: pipeline events, then `job-end`. */
export type JobEvent = PipelineEvent | { type: 'job-end'; runId: string; status: JobStatus; outcome?: string };

export interface JobQueueOptions {
  runsDir: string;
  maxConcurrent: number;
  logger: Logger;
  logLevel: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const fromSources = import.meta.url.endsWith('.ts');

/** Sources run the worker through tsx (tests, `tsx src/main.ts`); the build runs the compiled one. */
function workerCommand(): { entry: string; execArgv: string[] } {
  if (!fromSources) return { entry: join(here, 'worker.js'), execArgv: [] };
  return { entry: join(here, 'worker.ts'), execArgv: ['--import', createRequire(import.meta.url).resolve('tsx')] };
}

/**
 * The in-process job queue: pipeline runs wait in order and run at most `maxConcurrent` at a time, each in its own
 * child process. A start while another run is busy is queued, never refused or lost.
 */
export class JobQueue {
  readonly #jobs = new Map<string, Job>();
  readonly #waiting: Job[] = [];
  #running = 0;
  #closing = false;

  constructor(private readonly options: JobQueueOptions) {}

  /** Queue a run; returns the job and its place in the queue (0 = running now, n = the n-th to start next). */
  submit(request: JobRequest): { job: Job; position: number } {
    const job: Job = {
      ...request,
      status: 'queued',
      queuedAt: new Date().toISOString(),
      lastEvents: [],
      events: new EventEmitter(),
    };
    job.events.setMaxListeners(0);
    this.#jobs.set(request.runId, job);
    this.#waiting.push(job);
    this.#pump();
    // 0 = running now, n = the n-th run to start next.
    return { job, position: job.status === 'running' ? 0 : this.#waiting.indexOf(job) + 1 };
  }

  get(runId: string): Job | undefined {
    return this.#jobs.get(runId);
  }

  /** A queued or running job of this run (one run folder has one writer). */
  active(runId: string): Job | undefined {
    const job = this.#jobs.get(runId);
    return job && (job.status === 'queued' || job.status === 'running') ? job : undefined;
  }

  runningCount(): number {
    return this.#running;
  }

  queued(): Job[] {
    return [...this.#waiting];
  }

  /** Cancel: a queued job leaves the queue (nothing was written); a running one is interrupted by its pipeline. */
  cancel(runId: string): JobStatus | undefined {
    const job = this.active(runId);
    if (!job) return undefined;
    if (job.status === 'queued') {
      this.#waiting.splice(this.#waiting.indexOf(job), 1);
      this.#finish(job, 'cancelled', 'cancelled');
      return 'cancelled';
    }
    job.child?.send({ type: 'cancel' } satisfies WorkerRequest);
    return 'running';
  }

  /** Interrupt every running job and wait for the children to record it (server shutdown). */
  async close(): Promise<void> {
    this.#closing = true;
    for (const job of this.#waiting.splice(0)) this.#finish(job, 'cancelled', 'cancelled');
    const running = [...this.#jobs.values()].filter((job) => job.status === 'running');
    await Promise.all(
      running.map(
        (job) =>
          new Promise<void>((resolve) => {
            job.events.once('job-end', () => resolve());
            job.child?.send({ type: 'cancel' } satisfies WorkerRequest);
          }),
      ),
    );
  }

  #pump(): void {
    while (!this.#closing && this.#running < this.options.maxConcurrent && this.#waiting.length > 0) {
      const job = this.#waiting.shift() as Job;
      this.#start(job);
    }
  }

  #start(job: Job): void {
    const logger = this.options.logger.child({ runId: job.runId });
    const { entry, execArgv } = workerCommand();
    // From sources, tsx maps `@tribar/*` to the packages' sources through this app's tsconfig paths.
    const env = fromSources ? { ...process.env, TSX_TSCONFIG_PATH: join(here, '../../tsconfig.json') } : process.env;
    const child = fork(entry, [], { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    job.child = child;
    job.status = 'running';
    this.#running += 1;
    logger.info({ pid: child.pid, resume: job.resume }, 'pipeline run started in a child process');
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'event') {
        const { event } = message;
        job.lastEvents = [...job.lastEvents.filter((seen) => !sameSlot(seen, event)), event].slice(-50);
        job.events.emit('event', event);
      } else if (message.type === 'done') job.outcome = message.status;
      else {
        job.outcome = 'error';
        job.error = message.error;
      }
    });
    child.once('exit', (code, signal) => {
      this.#running -= 1;
      if (job.outcome === undefined) {
        job.outcome = 'error';
        job.error = { name: 'WorkerExit', message: `the pipeline process exited (code ${code}, signal ${signal}) before the run ended` };
      }
      logger.info({ outcome: job.outcome, code, signal }, 'pipeline run ended');
      this.#finish(job, 'finished', job.outcome);
      this.#pump();
    });
    child.send({
      type: 'run',
      runId: job.runId,
      runsDir: this.options.runsDir,
      config: job.config,
      logLevel: this.options.logLevel,
    } satisfies WorkerRequest);
  }

  #finish(job: Job, status: JobStatus, outcome: string): void {
    job.status = status;
    job.outcome = outcome;
    delete job.child;
    const end: JobEvent = { type: 'job-end', runId: job.runId, status, outcome };
    job.events.emit('event', end);
    job.events.emit('job-end', end);
  }
}

/** One remembered event per stage and kind, so `lastEvents` holds where each stage stands. */
function sameSlot(a: PipelineEvent, b: PipelineEvent): boolean {
  if (a.type !== b.type) return false;
  return 'stage' in a && 'stage' in b ? a.stage === b.stage : true;
}
