import { mkdir, readdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '@tribar/core';
import { childLogger, RunNotFoundError, UsageError } from '@tribar/core';
import { validateExperimentName, validateKey } from './keys.js';
import type { ExperimentMeta, RunMeta } from './meta.js';
import { readMetaFile, RUN_STATUS_CODES, SOURCE_TYPE_LOCAL, toExperimentMeta, toRunMeta, writeMeta } from './meta.js';
import { newExperimentId, newRunId, randomRunName } from './names.js';
import { OWNER_TAGS, reapOrphan } from './orphans.js';
import type { RunRecord } from './record.js';
import { readMetricHistory, readRunRecord } from './record.js';
import { RUN_NAME_TAG, TrackedRun } from './run.js';
import type { MetricPoint } from './values.js';

const DEFAULT_EXPERIMENT_ID = '0';
const DEFAULT_EXPERIMENT_NAME = 'Default';
// Folders MLflow keeps at the root (deleted experiments, model registry) and inside an experiment.
const ROOT_RESERVED = new Set(['.trash', 'models']);
const EXPERIMENT_RESERVED = new Set(['tags', 'datasets', 'traces', 'models']);

export interface ExperimentInfo {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: 'active' | 'deleted';
  creationTimeMs: number;
  lastUpdateTimeMs: number;
  dir: string;
}

export interface TrackerOptions {
  logger?: Logger;
  /** Milliseconds since 1970 for start/end times and metric timestamps; tests pin it. */
  clock?: () => number;
}

export interface StartRunOptions {
  runName?: string;
  tags?: Record<string, string>;
  startTimeMs?: number;
}

function toInfo(meta: ExperimentMeta, dir: string): ExperimentInfo {
  return {
    experimentId: meta.experiment_id,
    name: meta.name,
    artifactLocation: meta.artifact_location,
    lifecycleStage: meta.lifecycle_stage,
    creationTimeMs: meta.creation_time,
    lastUpdateTimeMs: meta.last_update_time,
    dir,
  };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * An MLflow FileStore tracking root (`mlruns/`) read and written directly: no server, no
 * Python. `mlflow ui --backend-store-uri file:<root>` opens what this writes.
 */
export class Tracker {
  readonly root: string;
  readonly #logger: Logger;
  readonly #clock: () => number;

  private constructor(root: string, logger: Logger, clock: () => number) {
    this.root = root;
    this.#logger = logger;
    this.#clock = clock;
  }

  /** Open (creating if needed) a tracking root with its `.trash` folder and experiment 0 "Default", as MLflow does. */
  static async open(root = 'mlruns', options: TrackerOptions = {}): Promise<Tracker> {
    const tracker = new Tracker(resolve(root), childLogger(options.logger, 'tracker'), options.clock ?? Date.now);
    await mkdir(join(tracker.root, '.trash'), { recursive: true });
    if ((await readMetaFile(join(tracker.root, DEFAULT_EXPERIMENT_ID))) === undefined) {
      await tracker.#createExperiment(DEFAULT_EXPERIMENT_NAME, DEFAULT_EXPERIMENT_ID);
    }
    // Runs left RUNNING by a process that is gone (kill -9) become KILLED.
    await tracker.#runDirs(await tracker.listExperiments());
    return tracker;
  }

  async #createExperiment(name: string, experimentId: string): Promise<ExperimentInfo> {
    const dir = join(this.root, experimentId);
    await mkdir(dir, { recursive: true });
    const now = this.#clock();
    const meta: ExperimentMeta = {
      artifact_location: pathToFileURL(dir).href,
      creation_time: now,
      experiment_id: experimentId,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    await writeMeta(dir, meta);
    this.#logger.debug({ experimentId, name }, 'experiment created');
    return toInfo(meta, dir);
  }

  /** Active experiments, oldest first (then by id). */
  async listExperiments(): Promise<ExperimentInfo[]> {
    const out: ExperimentInfo[] = [];
    for (const name of await subdirectories(this.root)) {
      if (ROOT_RESERVED.has(name)) continue;
      const dir = join(this.root, name);
      const data = await readMetaFile(dir);
      if (data === undefined) continue;
      const meta = toExperimentMeta(data, dir);
      if (meta.lifecycle_stage === 'active') out.push(toInfo(meta, dir));
    }
    return out.sort((a, b) => a.creationTimeMs - b.creationTimeMs || a.experimentId.localeCompare(b.experimentId));
  }

  async getOrCreateExperiment(name: string): Promise<ExperimentInfo> {
    validateExperimentName(name);
    const existing = (await this.listExperiments()).find((experiment) => experiment.name === name);
    if (existing !== undefined) return existing;
    let id = newExperimentId();
    while ((await readMetaFile(join(this.root, id))) !== undefined) id = newExperimentId();
    return this.#createExperiment(name, id);
  }

  /** Create a run in `experimentName` (created if missing) with MLflow's default tags; it is RUNNING until `end()`. */
  async startRun(experimentName: string, options: StartRunOptions = {}): Promise<TrackedRun> {
    const experiment = await this.getOrCreateExperiment(experimentName);
    const tags = { ...options.tags };
    for (const key of Object.keys(tags)) validateKey('tag', key);
    const tagName = tags[RUN_NAME_TAG];
    if (options.runName !== undefined && tagName !== undefined && options.runName !== tagName) {
      throw new UsageError(`Run name '${options.runName}' and tag ${RUN_NAME_TAG}='${tagName}' disagree`, {
        hint: 'pass only one of them',
      });
    }
    const runName = options.runName ?? tagName ?? randomRunName();
    const runId = newRunId();
    const dir = join(experiment.dir, runId);
    const user = currentUser();
    const meta: RunMeta = {
      artifact_uri: `${experiment.artifactLocation}/${runId}/artifacts`,
      deleted_time: null,
      end_time: null,
      entry_point_name: '',
      experiment_id: experiment.experimentId,
      lifecycle_stage: 'active',
      run_id: runId,
      run_name: runName,
      run_uuid: runId,
      source_name: '',
      source_type: SOURCE_TYPE_LOCAL,
      source_version: '',
      start_time: options.startTimeMs ?? this.#clock(),
      status: RUN_STATUS_CODES.RUNNING,
      tags: [],
      user_id: user,
    };
    for (const sub of ['metrics', 'params', 'artifacts']) await mkdir(join(dir, sub), { recursive: true });
    await writeMeta(dir, meta);
    const run = new TrackedRun({ dir, meta, logger: this.#logger, clock: this.#clock });
    // The tags MLflow's client adds to every run (mlflow.tracking.context); callers may override them.
    const defaults = {
      'mlflow.user': user,
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.name': process.argv[1] ?? 'node',
      [RUN_NAME_TAG]: runName,
    };
    for (const [key, value] of Object.entries({ ...defaults, ...tags })) await run.setTag(key, value);
    // Who records it, so a run whose process is killed can be told from a live one (and marked KILLED).
    await run.setTag(OWNER_TAGS.pid, String(process.pid));
    await run.setTag(OWNER_TAGS.host, hostname());
    await run.startHeartbeat();
    this.#logger.info({ runId, experimentId: experiment.experimentId, runName }, 'run started');
    return run;
  }

  /**
   * Active runs of the experiments; `idPrefix` skips, unread, every folder (named by run id) that cannot match. A
   * RUNNING run whose recording process is gone is marked KILLED on the way (`reapOrphan`).
   */
  async #runDirs(experiments: ExperimentInfo[], idPrefix = ''): Promise<Array<{ dir: string; meta: RunMeta; experiment: ExperimentInfo }>> {
    const out = [];
    for (const experiment of experiments) {
      for (const name of await subdirectories(experiment.dir)) {
        if (EXPERIMENT_RESERVED.has(name) || !name.startsWith(idPrefix)) continue;
        const dir = join(experiment.dir, name);
        const data = await readMetaFile(dir);
        if (data === undefined) continue;
        const meta = toRunMeta(data, dir);
        if (meta.experiment_id === experiment.experimentId && meta.lifecycle_stage === 'active') {
          out.push({ dir, meta: await reapOrphan(dir, meta, this.#logger), experiment });
        }
      }
    }
    return out;
  }

  /** Runs of one experiment (or all), newest first, ties by run id, as MLflow's default order. */
  async listRuns(experimentName?: string): Promise<RunRecord[]> {
    let experiments = await this.listExperiments();
    if (experimentName !== undefined) {
      experiments = experiments.filter((experiment) => experiment.name === experimentName);
      if (experiments.length === 0) {
        throw new UsageError(`No experiment named '${experimentName}' under ${this.root}`, {
          hint: `known experiments: ${(await this.listExperiments()).map((e) => e.name).join(', ')}`,
        });
      }
    }
    const records = await Promise.all(
      (await this.#runDirs(experiments)).map(({ dir, meta, experiment }) => readRunRecord(dir, meta, experiment.name)),
    );
    return records.sort((a, b) => b.startTimeMs - a.startTimeMs || a.runId.localeCompare(b.runId));
  }

  async #findRun(runIdOrPrefix: string): Promise<{ dir: string; meta: RunMeta; experiment: ExperimentInfo }> {
    const query = runIdOrPrefix.toLowerCase();
    if (!/^[0-9a-f]{1,32}$/.test(query)) {
      throw new UsageError(`'${runIdOrPrefix}' is not a run id or id prefix (hex digits)`, {
        hint: 'pass the 32-hex-digit run id or its first few characters',
      });
    }
    const matches = (await this.#runDirs(await this.listExperiments(), query)).filter(({ meta }) => meta.run_id.startsWith(query));
    const first = matches[0];
    if (first === undefined)
      throw new RunNotFoundError(
        runIdOrPrefix,
        this.root,
        'list runs with listRuns(), or check that this is the tracking root the run was written to',
      );
    if (matches.length > 1) {
      const ids = matches.map(({ meta }) => meta.run_id);
      throw new UsageError(`Run id prefix '${runIdOrPrefix}' is ambiguous under ${this.root}: it matches ${ids.join(', ')}`, {
        hint: 'give more characters of the run id',
      });
    }
    return first;
  }

  /** One run by full id or a prefix that matches exactly one run. */
  async getRun(runIdOrPrefix: string): Promise<RunRecord> {
    const { dir, meta, experiment } = await this.#findRun(runIdOrPrefix);
    return readRunRecord(dir, meta, experiment.name);
  }

  /** Every logged value of one metric, in logging order. */
  async getMetricHistory(runIdOrPrefix: string, key: string): Promise<MetricPoint[]> {
    validateKey('metric', key);
    const { dir } = await this.#findRun(runIdOrPrefix);
    return readMetricHistory(dir, key).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
  }
}
