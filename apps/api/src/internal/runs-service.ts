import { existsSync } from 'node:fs';
import { artifactPath, readJsonArtifact, readJsonArtifactFile, reportHtml, runConfig, runManifest, type RunState } from '@tribar/artifacts';
import { ConfigError, deepMerge, parseConfig, type RunConfig } from '@tribar/config';
import { getRun, isValidRunId, listRuns, newRunId, runDirFor, runLiveness, type RunSummary } from '@tribar/pipeline';
import { HttpError } from './http-errors.js';
import type { JobQueue, Job } from './jobs.js';

export interface RunsServiceOptions {
  runsDir: string;
  /** The settings the server was started with, as written (defaults left out): a start's `config` goes on top. */
  baseInput: Record<string, unknown>;
  /** The tracker root every run writes to (absolute). */
  trackingDir: string;
  queue: JobQueue;
}

type Progress = { stage: string; current: number; total: number; unit?: string; label?: string };

/** A `running` run nobody writes any more (the process was killed) is shown as `interrupted`, like `tribar status`. */
async function shownStatus(run: RunSummary, job: Job | undefined): Promise<{ status: string; live: boolean }> {
  if (job?.status === 'running') return { status: 'running', live: true };
  if (run.state.status !== 'running') return { status: run.state.status, live: false };
  const { live } = await runLiveness(run.runDir);
  return { status: live ? 'running' : 'interrupted', live };
}

function summaryItem(run: RunSummary, shown: { status: string; live: boolean }) {
  const { state } = run;
  return {
    runId: run.runId,
    status: shown.status,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    stagesDone: state.order.filter((name) => state.stages[name]?.status === 'completed').length,
    stagesTotal: state.order.length,
    live: shown.live,
  };
}

function queuedItem(job: Job) {
  return { runId: job.runId, status: 'queued', createdAt: null, updatedAt: null, stagesDone: 0, stagesTotal: 0, live: false };
}

function jobView(queue: JobQueue, job: Job | undefined) {
  if (!job) return null;
  // Place in the queue as a start reports it: 0 = running now, n = the n-th run to start next.
  const position = queue.queued().indexOf(job) + 1;
  return {
    status: job.status,
    ...(position > 0 ? { position } : job.status === 'running' ? { position: 0 } : {}),
    ...(job.outcome !== undefined ? { outcome: job.outcome } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

/** Runs: what the handlers of `/runs` call. */
export class RunsService {
  constructor(private readonly options: RunsServiceOptions) {}

  get runsDir(): string {
    return this.options.runsDir;
  }

  async list() {
    const { queue } = this.options;
    const runs = await listRuns(this.options.runsDir);
    const known = new Set(runs.map((run) => run.runId));
    const waiting = queue.queued().filter((job) => !known.has(job.runId));
    const items = await Promise.all(runs.map(async (run) => summaryItem(run, await shownStatus(run, queue.get(run.runId)))));
    return { runs: [...waiting.map(queuedItem), ...items] };
  }

  /** A run with its stage states, metrics (in `state.stages[*].metrics`), live progress and queue place. */
  async get(runId: string) {
    const { queue } = this.options;
    const job = queue.get(runId);
    const run = await this.#find(runId);
    const progress = (job?.status === 'running' ? job.lastEvents : [])
      .filter((event) => event.type === 'stage-progress')
      .map(({ stage, current, total, unit, label }): Progress => ({
        stage,
        current,
        total,
        ...(unit ? { unit } : {}),
        ...(label ? { label } : {}),
      }));
    if (!run) {
      if (!job) throw notFound(runId);
      return { ...queuedItem(job), state: null, job: jobView(queue, job), progress, report: false };
    }
    const shown = await shownStatus(run, job?.status === 'running' ? job : undefined);
    return {
      ...summaryItem(run, shown),
      state: run.damaged ? null : (run.state satisfies RunState),
      ...(run.damaged ? { damaged: run.damaged } : {}),
      job: jobView(queue, job),
      progress,
      report: existsSync(artifactPath(run.runDir, reportHtml)),
    };
  }

  /** The run folder of an existing run (404 otherwise). */
  async runDir(runId: string): Promise<string> {
    const run = await this.#find(runId);
    if (!run) throw notFound(runId);
    return run.runDir;
  }

  async artifacts(runId: string) {
    const runDir = await this.runDir(runId);
    const manifest = existsSync(artifactPath(runDir, runManifest)) ? await readJsonArtifact(runDir, runManifest) : undefined;
    const artifacts = Object.values(manifest?.artifacts ?? {})
      .map(({ path, stage, sizeBytes, sha256 }) => ({ path, stage, bytes: sizeBytes, sha256 }))
      .sort((a, b) => a.path.localeCompare(b.path));
    return { runId, artifacts };
  }

  /** Queue a new run with the server's settings and `config` on top. */
  async start(body: { config?: Record<string, unknown> | undefined; runId?: string | undefined }) {
    const { queue } = this.options;
    const runId = body.runId ?? newRunId();
    if (queue.active(runId) || existsSync(runDirFor(this.options.runsDir, runId))) {
      throw new HttpError(409, 'RUN_EXISTS', `run ${runId} already exists`, {
        field: 'body.runId',
        hint: `Resume it with POST /runs/${runId}/resume, or leave runId out for a new run.`,
      });
    }
    const config = this.#resolveConfig(body.config ?? {});
    const { job, position } = queue.submit({ runId, config: config as unknown as Record<string, unknown>, resume: false });
    return { runId, status: job.status === 'running' ? ('running' as const) : ('queued' as const), position };
  }

  /** Queue an existing run again with its own `config.json`: up-to-date stages are skipped, the rest run. */
  async resume(runId: string) {
    const { queue } = this.options;
    if (queue.active(runId)) {
      throw new HttpError(409, 'RUN_BUSY', `run ${runId} is already queued or running`, {
        field: 'params.runId',
        hint: `Watch it with GET /runs/${runId}/events.`,
      });
    }
    const run = await this.#find(runId);
    if (!run) throw notFound(runId);
    const { live } = await runLiveness(run.runDir);
    if (live) {
      throw new HttpError(409, 'RUN_LOCKED', `run ${runId} is being written by another live process`, {
        field: 'params.runId',
        hint: 'Wait for it to finish or stop it first.',
      });
    }
    const file = artifactPath(run.runDir, runConfig);
    const recorded = await readJsonArtifactFile(file, runConfig);
    const { job, position } = queue.submit({ runId, config: recorded, resume: true });
    return { runId, status: job.status === 'running' ? ('running' as const) : ('queued' as const), position };
  }

  cancel(runId: string) {
    const result = this.options.queue.cancel(runId);
    if (!result) {
      throw new HttpError(409, 'RUN_NOT_ACTIVE', `run ${runId} is neither queued nor running in this server`, {
        field: 'params.runId',
        hint: 'Only runs started or resumed through this server can be cancelled; GET /runs/{runId} shows its status.',
      });
    }
    return { runId, status: result === 'cancelled' ? ('cancelled' as const) : ('interrupting' as const) };
  }

  #resolveConfig(requested: Record<string, unknown>): RunConfig {
    for (const fixed of ['paths'] as const) {
      if (fixed in requested) {
        throw new HttpError(400, 'CONFIG_INVALID', `body.config.${fixed}: the runs folder is the server's and cannot be set per run`, {
          field: `body.config.${fixed}`,
          hint: 'Leave it out; start the server with another config to use another runs folder.',
        });
      }
    }
    try {
      const merged = deepMerge(this.options.baseInput, requested);
      const config = parseConfig(merged, 'request body.config', merged);
      // Tracked runs go to the server's tracker root, resolved like the CLI resolves it (absolute in config.json).
      return { ...config, train: { ...config.train, tracking: { ...config.train.tracking, dir: this.options.trackingDir } } };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const fields = error.issues.map((issue) => ({ field: `body.config${issue.path ? `.${issue.path}` : ''}`, message: issue.message }));
      throw new HttpError(400, 'CONFIG_INVALID', fields.map((f) => `${f.field}: ${f.message}`).join('; '), {
        fields,
        hint: 'GET /openapi.json and `tribar config schema` describe the settings.',
      });
    }
  }

  async #find(runId: string): Promise<RunSummary | undefined> {
    if (!isValidRunId(runId)) throw notFound(runId);
    return getRun(this.options.runsDir, runId).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'RUN_NOT_FOUND') return undefined;
      throw error;
    });
  }
}

const notFound = (runId: string) =>
  new HttpError(404, 'RUN_NOT_FOUND', `no run '${runId}'`, { field: 'params.runId', hint: 'GET /runs lists the runs that exist.' });
