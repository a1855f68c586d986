import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { userInfo } from 'node:os';
import type { Logger } from '@tribar/core';
import { ArtifactError, childLogger, UsageError } from '@tribar/core';
import { validateArtifactPath, validateExperimentName, validateKey, validateValueLength } from '../keys.js';
import type { StartRunOptions } from '../tracker.js';
import type { ParamTree } from '../values.js';
import { checkMetric, flattenParams, paramText } from '../values.js';
import { authorizationFromEnv, MlflowRestClient, MlflowRestError } from './client.js';

/** MLflow's limits on one `runs/log-batch` request (`MAX_*_PER_BATCH` of its server). */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

const API = '/api/2.0/mlflow';
const RUN_NAME_TAG = 'mlflow.runName';
const TERMINAL = ['FINISHED', 'FAILED', 'KILLED'] as const;

interface KeyValue {
  key: string;
  value: string;
}
interface MetricEntry {
  key: string;
  /** Proto3 JSON: a double that is not finite travels as the string `NaN`, `Infinity` or `-Infinity`. */
  value: number | string;
  timestamp: number;
  step: number;
}

/** One log-batch body per request, each within MLflow's per-type and total limits, order kept within each type. */
export function logBatchBodies(
  runId: string,
  batch: { metrics?: readonly MetricEntry[]; params?: readonly KeyValue[]; tags?: readonly KeyValue[] },
): Array<{ run_id: string; metrics: MetricEntry[]; params: KeyValue[]; tags: KeyValue[] }> {
  const metrics = [...(batch.metrics ?? [])];
  const params = [...(batch.params ?? [])];
  const tags = [...(batch.tags ?? [])];
  const bodies: Array<{ run_id: string; metrics: MetricEntry[]; params: KeyValue[]; tags: KeyValue[] }> = [];
  while (metrics.length + params.length + tags.length > 0) {
    const p = params.splice(0, LOG_BATCH_LIMITS.params);
    const t = tags.splice(0, Math.min(LOG_BATCH_LIMITS.tags, LOG_BATCH_LIMITS.total - p.length));
    const m = metrics.splice(0, Math.min(LOG_BATCH_LIMITS.metrics, LOG_BATCH_LIMITS.total - p.length - t.length));
    bodies.push({ run_id: runId, metrics: m, params: p, tags: t });
  }
  return bodies;
}

/** The artifacts proxy path of a run's `artifact_uri` (`mlflow-artifacts:/0/<run>/artifacts` → `0/<run>/artifacts`). */
export function proxiedArtifactRoot(artifactUri: string, runId: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (match === null) {
    throw new UsageError(`run ${runId} stores its artifacts at ${artifactUri}, which Tribar cannot write through the server`, {
      hint: 'Start the MLflow server with its artifacts proxy (`mlflow server --serve-artifacts`, the default since MLflow 2.0), so artifact_uri is mlflow-artifacts:/…',
    });
  }
  return (match[1] as string).replace(/\/+$/, '');
}

/** Every file under `dir`, as paths relative to it with `/`, sorted. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(join(dir, entry.name), relative)));
    else out.push(relative);
  }
  return out;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface RestTrackerOptions {
  logger?: Logger;
  clock?: () => number;
  /** Replaces the global `fetch` (tests). */
  fetch?: typeof fetch;
  /** Environment for `MLFLOW_TRACKING_TOKEN` / `_USERNAME` / `_PASSWORD` (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A run on an MLflow tracking server, logged through its REST API. */
export class RestTrackedRun {
  readonly runId: string;
  readonly experimentId: string;
  /** The run's page in the server's UI. */
  readonly dir: string;
  readonly #client: MlflowRestClient;
  readonly #artifactRoot: string | undefined;
  readonly #artifactUri: string;
  readonly #clock: () => number;
  readonly #logger: Logger;
  #ended = false;

  /** @internal Use `MlflowRestTracker.startRun`. */
  constructor(
    client: MlflowRestClient,
    info: { runId: string; experimentId: string; artifactUri: string },
    clock: () => number,
    logger: Logger,
  ) {
    this.#client = client;
    this.runId = info.runId;
    this.experimentId = info.experimentId;
    this.dir = `${client.baseUrl}/#/experiments/${info.experimentId}/runs/${info.runId}`;
    this.#artifactUri = info.artifactUri;
    this.#artifactRoot = /^mlflow-artifacts:/.test(info.artifactUri) ? proxiedArtifactRoot(info.artifactUri, info.runId) : undefined;
    this.#clock = clock;
    this.#logger = logger;
  }

  #assertOpen(action: string): void {
    if (this.#ended)
      throw new UsageError(`Cannot ${action}: run ${this.runId} already ended`, { hint: 'log everything before calling end()' });
  }

  async #logBatch(batch: Parameters<typeof logBatchBodies>[1]): Promise<void> {
    for (const body of logBatchBodies(this.runId, batch)) await this.#client.post(`${API}/runs/log-batch`, body);
  }

  async logParam(key: string, value: string | number | boolean): Promise<void> {
    await this.logParams({ [key]: value });
  }

  /** Params (nested objects flattened to dotted keys), sent 100 per request. */
  async logParams(params: ParamTree): Promise<void> {
    this.#assertOpen('log params');
    const flat = flattenParams(params);
    const entries = Object.entries(flat).map(([key, value]) => {
      validateKey('param', key);
      validateValueLength('param', key, value);
      return { key, value };
    });
    await this.#logBatch({ params: entries });
  }

  async logMetric(key: string, value: number, step = 0, timestampMs?: number): Promise<void> {
    await this.logMetrics({ [key]: value }, step, timestampMs);
  }

  /** Metrics at one step with one timestamp, sent 1000 per request. */
  async logMetrics(metrics: Record<string, number>, step = 0, timestampMs?: number): Promise<void> {
    this.#assertOpen('log metrics');
    const timestamp = timestampMs ?? this.#clock();
    const entries = Object.entries(metrics).map(([key, value]) => {
      validateKey('metric', key);
      checkMetric(key, value, step, timestamp);
      return { key, value: Number.isFinite(value) ? value : String(value), timestamp, step };
    });
    await this.#logBatch({ metrics: entries });
  }

  async setTag(key: string, value: string): Promise<void> {
    await this.setTags({ [key]: value });
  }

  /** Tags, sent 100 per request. */
  async setTags(tags: Record<string, string>): Promise<void> {
    this.#assertOpen('set tags');
    const entries = Object.entries(tags).map(([key, value]) => {
      validateKey('tag', key);
      const text = paramText(value);
      validateValueLength('tag', key, text);
      return { key, value: text };
    });
    await this.#logBatch({ tags: entries });
  }

  async #upload(localFile: string, artifactPath: string): Promise<void> {
    if (this.#artifactRoot === undefined) proxiedArtifactRoot(this.#artifactUri, this.runId);
    await this.#client.putArtifact(`${this.#artifactRoot}/${artifactPath}`, new Uint8Array(await readFile(localFile)));
  }

  async #uploadTree(localPath: string, target: string): Promise<number> {
    const info = await stat(localPath).catch(() => undefined);
    if (info === undefined) throw new ArtifactError('cannot log artifact: no such file or directory', localPath);
    if (!info.isDirectory()) {
      await this.#upload(localPath, target);
      return 1;
    }
    const files = await filesUnder(localPath);
    for (const file of files) await this.#upload(join(localPath, file), target ? `${target}/${file}` : file);
    return files.length;
  }

  /** A file or a directory under `<artifactPath>/<basename>` (MLflow's `log_artifact`), through the artifacts proxy. */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    this.#assertOpen(`log artifact '${localPath}'`);
    if (artifactPath !== undefined) validateArtifactPath(artifactPath);
    const target = [artifactPath, basename(localPath)].filter(Boolean).join('/');
    const files = await this.#uploadTree(localPath, target);
    this.#logger.debug({ runId: this.runId, localPath, artifactPath, files }, 'artifact uploaded');
  }

  /** The contents of a directory under `<artifactPath>/` (MLflow's `log_artifacts`): a model folder logged as `model/` is not nested twice. */
  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    this.#assertOpen(`log artifacts '${localDir}'`);
    if (artifactPath !== undefined) validateArtifactPath(artifactPath);
    const files = await this.#uploadTree(localDir, artifactPath ?? '');
    this.#logger.debug({ runId: this.runId, localDir, artifactPath, files }, 'artifacts uploaded');
  }

  /** `runs/update` with the terminal status and the end time. */
  async end(status: (typeof TERMINAL)[number] = 'FINISHED', options: { endTimeMs?: number } = {}): Promise<void> {
    if (!TERMINAL.includes(status))
      throw new UsageError(`Cannot end run with status '${String(status)}'`, { hint: `use one of ${TERMINAL.join(', ')}` });
    this.#assertOpen('end the run');
    await this.#client.post(`${API}/runs/update`, { run_id: this.runId, status, end_time: options.endTimeMs ?? this.#clock() });
    this.#ended = true;
    this.#logger.info({ runId: this.runId, experimentId: this.experimentId, status }, 'run ended');
  }
}

/**
 * Experiment tracking on an MLflow tracking server (`MLFLOW_TRACKING_URI=http(s)://…`) through its
 * REST API: experiments by name (created when missing), runs, params, metrics and tags in
 * `log-batch` requests within MLflow's limits, artifacts through the server's artifacts proxy.
 */
export class MlflowRestTracker {
  readonly uri: string;
  readonly #client: MlflowRestClient;
  readonly #logger: Logger;
  readonly #clock: () => number;

  private constructor(uri: string, client: MlflowRestClient, logger: Logger, clock: () => number) {
    this.uri = uri;
    this.#client = client;
    this.#logger = logger;
    this.#clock = clock;
  }

  static open(uri: string, options: RestTrackerOptions = {}): MlflowRestTracker {
    if (!/^https?:\/\//i.test(uri))
      throw new UsageError(`not an http(s) tracking URI: ${uri}`, { hint: 'e.g. MLFLOW_TRACKING_URI=http://127.0.0.1:5000' });
    const authorization = authorizationFromEnv(options.env ?? process.env);
    const client = new MlflowRestClient(uri, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(authorization ? { authorization } : {}),
    });
    return new MlflowRestTracker(client.baseUrl, client, childLogger(options.logger, 'tracker'), options.clock ?? Date.now);
  }

  /** `experiments/get-by-name`, and `experiments/create` when the server has none of that name. */
  async getOrCreateExperiment(name: string): Promise<{ experimentId: string; name: string }> {
    validateExperimentName(name);
    const byName = async () => {
      const response = (await this.#client.get(`${API}/experiments/get-by-name`, { experiment_name: name })) as {
        experiment?: { experiment_id?: string };
      };
      const id = response.experiment?.experiment_id;
      if (typeof id !== 'string')
        throw new MlflowRestError(`${API}/experiments/get-by-name`, 200, 'BAD_RESPONSE', 'no experiment.experiment_id');
      return id;
    };
    try {
      return { experimentId: await byName(), name };
    } catch (error) {
      if (!(error instanceof MlflowRestError) || error.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    }
    try {
      const created = (await this.#client.post(`${API}/experiments/create`, { name })) as { experiment_id?: string };
      if (typeof created.experiment_id !== 'string')
        throw new MlflowRestError(`${API}/experiments/create`, 200, 'BAD_RESPONSE', 'no experiment_id');
      this.#logger.debug({ experimentId: created.experiment_id, name }, 'experiment created');
      return { experimentId: created.experiment_id, name };
    } catch (error) {
      // Another client created it in between.
      if (error instanceof MlflowRestError && error.errorCode === 'RESOURCE_ALREADY_EXISTS') return { experimentId: await byName(), name };
      throw error;
    }
  }

  /** `runs/create` in the named experiment, with the tags MLflow's own client adds. */
  async startRun(experimentName: string, options: StartRunOptions = {}): Promise<RestTrackedRun> {
    const experiment = await this.getOrCreateExperiment(experimentName);
    const runName = options.runName ?? options.tags?.[RUN_NAME_TAG];
    const tags: Record<string, string> = {
      'mlflow.user': currentUser(),
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.name': process.argv[1] ?? 'node',
      ...(runName === undefined ? {} : { [RUN_NAME_TAG]: runName }),
      ...options.tags,
    };
    for (const key of Object.keys(tags)) validateKey('tag', key);
    const response = (await this.#client.post(`${API}/runs/create`, {
      experiment_id: experiment.experimentId,
      start_time: options.startTimeMs ?? this.#clock(),
      ...(runName === undefined ? {} : { run_name: runName }),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    })) as { run?: { info?: { run_id?: string; artifact_uri?: string } } };
    const info = response.run?.info;
    if (typeof info?.run_id !== 'string') throw new MlflowRestError(`${API}/runs/create`, 200, 'BAD_RESPONSE', 'no run.info.run_id');
    this.#logger.info({ runId: info.run_id, experimentId: experiment.experimentId, server: this.uri }, 'run started');
    return new RestTrackedRun(
      this.#client,
      { runId: info.run_id, experimentId: experiment.experimentId, artifactUri: info.artifact_uri ?? '' },
      this.#clock,
      this.#logger,
    );
  }
}
