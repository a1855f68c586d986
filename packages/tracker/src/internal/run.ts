import { appendFile, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '@tribar/core';
import { ArtifactError, UsageError, writeAtomically, writeFileAtomic } from '@tribar/core';
import { validateArtifactPath, validateKey, validateValueLength } from './keys.js';
import type { RunMeta, RunStatus } from './meta.js';
import { RUN_STATUS_CODES, writeMeta } from './meta.js';
import { HEARTBEAT_MS, writeHeartbeat } from './orphans.js';
import type { ParamTree, ParamValue } from './values.js';
import { checkMetric, flattenParams, metricLine, paramText } from './values.js';

export const RUN_NAME_TAG = 'mlflow.runName';
const TERMINAL: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

/** Internal wiring from `Tracker.startRun`; not part of the public surface. */
export interface TrackedRunContext {
  dir: string;
  meta: RunMeta;
  logger: Logger;
  clock: () => number;
}

async function copyTree(source: string, target: string): Promise<number> {
  const info = await stat(source);
  if (info.isDirectory()) {
    await mkdir(target, { recursive: true });
    let files = 0;
    for (const entry of await readdir(source)) files += await copyTree(join(source, entry), join(target, entry));
    return files;
  }
  await writeAtomically(target, (temporary) => copyFile(source, temporary));
  return 1;
}

/**
 * One run being recorded: every call writes straight to the run's folder in MLflow's
 * layout, so a crash leaves what was logged so far, readable by MLflow (status RUNNING).
 */
export class TrackedRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly dir: string;
  readonly #meta: RunMeta;
  readonly #logger: Logger;
  readonly #clock: () => number;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #beating: Promise<void> = Promise.resolve();

  /** @internal Use `Tracker.startRun`. */
  constructor(context: TrackedRunContext) {
    this.#meta = context.meta;
    this.runId = context.meta.run_id;
    this.experimentId = context.meta.experiment_id;
    this.dir = context.dir;
    this.#logger = context.logger;
    this.#clock = context.clock;
  }

  get runName(): string {
    return this.#meta.run_name;
  }

  get status(): RunStatus {
    const entry = Object.entries(RUN_STATUS_CODES).find(([, code]) => code === this.#meta.status);
    return (entry?.[0] ?? 'RUNNING') as RunStatus;
  }

  #assertOpen(action: string): void {
    if (this.#meta.end_time !== null) {
      throw new UsageError(`Cannot ${action}: run ${this.runId} already ended with status ${this.status}`, {
        hint: 'log everything before calling end(), or start a new run',
      });
    }
  }

  /** MLflow params are immutable: logging the same value again is a no-op, a different one throws. */
  async logParam(key: string, value: ParamValue): Promise<void> {
    await this.#writeParam(key, paramText(value));
  }

  /** Log many params; nested objects are flattened to dotted keys (`model.depth`). */
  async logParams(params: ParamTree): Promise<void> {
    const flat = flattenParams(params);
    for (const key of Object.keys(flat)) validateKey('param', key);
    for (const [key, text] of Object.entries(flat)) await this.#writeParam(key, text);
  }

  async #writeParam(key: string, text: string): Promise<void> {
    this.#assertOpen(`log param '${key}'`);
    validateKey('param', key);
    validateValueLength('param', key, text);
    const file = join(this.dir, 'params', key);
    const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing === text) return;
    if (existing !== undefined) {
      throw new UsageError(
        `Changing param values is not allowed: param '${key}' of run ${this.runId} was logged as '${existing}', now '${text}'`,
        { hint: "params describe a run's fixed inputs; log a changing quantity as a metric, or start a new run" },
      );
    }
    await mkdir(join(file, '..'), { recursive: true });
    // Plain write, as MLflow does: a crash-left temporary file in params/ would show up as a param.
    await writeFile(file, text);
  }

  /** Append one `<timestamp> <value> <step>` line to `metrics/<key>`. */
  async logMetric(key: string, value: number, step = 0, timestampMs?: number): Promise<void> {
    this.#assertOpen(`log metric '${key}'`);
    validateKey('metric', key);
    const time = timestampMs ?? this.#clock();
    checkMetric(key, value, step, time);
    const file = join(this.dir, 'metrics', key);
    await mkdir(join(file, '..'), { recursive: true });
    await appendFile(file, metricLine({ timestampMs: time, value, step }));
  }

  /** Log several metrics at one step with one shared timestamp. */
  async logMetrics(metrics: Record<string, number>, step = 0): Promise<void> {
    for (const key of Object.keys(metrics)) validateKey('metric', key);
    const time = this.#clock();
    for (const [key, value] of Object.entries(metrics)) await this.logMetric(key, value, step, time);
  }

  /** Tags are mutable; setting `mlflow.runName` renames the run in meta.yaml too, as MLflow does. */
  async setTag(key: string, value: string): Promise<void> {
    this.#assertOpen(`set tag '${key}'`);
    validateKey('tag', key);
    const text = paramText(value);
    validateValueLength('tag', key, text);
    const file = join(this.dir, 'tags', key);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, text);
    if (key === RUN_NAME_TAG && text !== this.#meta.run_name) {
      this.#meta.run_name = text;
      delete this.#meta.deleted_time;
      await writeMeta(this.dir, this.#meta);
    }
  }

  /**
   * Copy a file or a directory into `artifacts/<artifactPath>/<basename>` (MLflow's
   * `log_artifact` placement; a directory keeps its own name as the top folder).
   */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    this.#assertOpen(`log artifact '${localPath}'`);
    if (artifactPath !== undefined) validateArtifactPath(artifactPath);
    const exists = await stat(localPath).catch(() => undefined);
    if (exists === undefined) {
      throw new ArtifactError('cannot log artifact: no such file or directory', localPath, {
        hint: 'check the path; it is resolved from the current directory',
      });
    }
    const target = join(this.dir, 'artifacts', ...(artifactPath ? [artifactPath] : []), basename(localPath));
    const files = await copyTree(localPath, target);
    this.#logger.debug({ runId: this.runId, localPath, artifactPath, files }, 'artifact logged');
  }

  /**
   * Copy the contents of a directory into `artifacts/<artifactPath>/` (MLflow's `log_artifacts`):
   * a model folder logged as `model` lands in `artifacts/model/`, not `artifacts/model/model/`.
   */
  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    this.#assertOpen(`log artifacts '${localDir}'`);
    if (artifactPath !== undefined) validateArtifactPath(artifactPath);
    const info = await stat(localDir).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) {
      throw new ArtifactError('cannot log artifacts: not a directory', localDir, { hint: 'use logArtifact for a single file' });
    }
    const files = await copyTree(localDir, join(this.dir, 'artifacts', ...(artifactPath ? [artifactPath] : [])));
    this.#logger.debug({ runId: this.runId, localDir, artifactPath, files }, 'artifacts logged');
  }

  /** Write `content` to `artifacts/<relativePath>` atomically. */
  async writeArtifact(relativePath: string, content: string | Uint8Array): Promise<void> {
    this.#assertOpen(`write artifact '${relativePath}'`);
    validateArtifactPath(relativePath);
    await writeFileAtomic(join(this.dir, 'artifacts', relativePath), content);
  }

  /** @internal Rewrite the heartbeat tag every few seconds while the run is open (`Tracker.startRun` calls it). */
  async startHeartbeat(): Promise<void> {
    await writeHeartbeat(this.dir);
    this.#heartbeat = setInterval(() => {
      this.#beating = writeHeartbeat(this.dir).catch(() => {});
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  async #stopHeartbeat(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    await this.#beating;
  }

  /** Mark the run terminated: status and end time go to meta.yaml; later logging throws. */
  async end(status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED', options: { endTimeMs?: number } = {}): Promise<void> {
    if (!TERMINAL.includes(status)) {
      throw new UsageError(`Cannot end run with status '${String(status)}'`, { hint: `use one of ${TERMINAL.join(', ')}` });
    }
    this.#assertOpen('end the run');
    await this.#stopHeartbeat();
    const endTime = options.endTimeMs ?? this.#clock();
    this.#meta.status = RUN_STATUS_CODES[status];
    this.#meta.end_time = endTime;
    // MLflow's later rewrites (`_overwrite_run_info`) leave `deleted_time` out.
    delete this.#meta.deleted_time;
    await writeMeta(this.dir, this.#meta);
    this.#logger.info({ runId: this.runId, experimentId: this.experimentId, status }, 'run ended');
  }
}
