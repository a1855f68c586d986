import type { Logger } from '@tribar/core';
import { MlflowRestTracker, type RestTrackerOptions } from './rest/tracker.js';
import { Tracker, type StartRunOptions, type TrackerOptions } from './tracker.js';
import type { ParamTree } from './values.js';

/** What a trainer needs of a tracked run, whether it is written to `mlruns/` or sent to an MLflow server. */
export interface RunHandle {
  readonly runId: string;
  readonly experimentId: string;
  /** The run's folder (file store) or its page on the server (REST). */
  readonly dir: string;
  logParams(params: ParamTree): Promise<void>;
  logMetrics(metrics: Record<string, number>, step?: number): Promise<void>;
  setTag(key: string, value: string): Promise<void>;
  logArtifact(localPath: string, artifactPath?: string): Promise<void>;
  logArtifacts(localDir: string, artifactPath?: string): Promise<void>;
  end(status?: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
}

/** A tracker of either kind. */
export interface RunTracker {
  startRun(experimentName: string, options?: StartRunOptions): Promise<RunHandle>;
}

export interface OpenTrackerOptions extends TrackerOptions, Pick<RestTrackerOptions, 'fetch'> {
  logger?: Logger;
  /** Where `MLFLOW_TRACKING_URI` (and its credentials) are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

const isHttp = (uri: string | undefined): uri is string => uri !== undefined && /^https?:\/\//i.test(uri);

/**
 * The tracker a run logs to: an MLflow server through its REST API when `MLFLOW_TRACKING_URI` (or
 * `dirOrUri` itself) is an `http(s)://` URI, else the MLflow file store at `dirOrUri`
 * (`train.tracking.dir`).
 */
export async function openTracker(dirOrUri: string, options: OpenTrackerOptions = {}): Promise<RunTracker> {
  const env = options.env ?? process.env;
  const uri = env['MLFLOW_TRACKING_URI'];
  const server = isHttp(uri) ? uri : isHttp(dirOrUri) ? dirOrUri : undefined;
  if (server !== undefined) return MlflowRestTracker.open(server, { ...options, env });
  return Tracker.open(dirOrUri, options);
}
