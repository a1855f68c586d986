import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, writeFileAtomic } from '@tribar/core';
import { parse, stringify } from 'yaml';

export const META_FILE = 'meta.yaml';

/** MLflow stores run status as the proto enum number (mlflow/protos/service.proto `RunStatus`). */
export const RUN_STATUS_CODES = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;
export type RunStatus = keyof typeof RUN_STATUS_CODES;
/** `SourceType.LOCAL`: the FileStore writes it for every run, whatever its origin. */
export const SOURCE_TYPE_LOCAL = 4;

export interface ExperimentMeta {
  artifact_location: string;
  creation_time: number;
  experiment_id: string;
  last_update_time: number;
  lifecycle_stage: 'active' | 'deleted';
  name: string;
}

/** The keys of a run's meta.yaml as MLflow's FileStore writes them (`_make_persisted_run_info_dict`). */
export interface RunMeta {
  artifact_uri: string;
  /** Written as null at creation, then left out by later rewrites, as the FileStore does. */
  deleted_time?: number | null;
  end_time: number | null;
  entry_point_name: string;
  experiment_id: string;
  lifecycle_stage: 'active' | 'deleted';
  run_id: string;
  run_name: string;
  run_uuid: string;
  source_name: string;
  source_type: number;
  source_version: string;
  start_time: number;
  status: number;
  tags: [];
  user_id: string;
}

/** PyYAML `safe_dump(default_flow_style=False, sort_keys=True)` style: sorted keys, single-quoted strings where needed. */
export async function writeMeta(dir: string, data: ExperimentMeta | RunMeta): Promise<void> {
  await writeFileAtomic(join(dir, META_FILE), stringify(data, { sortMapEntries: true, singleQuote: true, lineWidth: 0 }));
}

export async function readMetaFile(dir: string): Promise<Record<string, unknown> | undefined> {
  const file = join(dir, META_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new DataError('meta.yaml is not valid YAML', { file }, { cause: error, hint: 'restore the file or remove the folder' });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new DataError('meta.yaml does not hold a mapping', { file }, { hint: 'restore the file or remove the folder' });
  }
  return data as Record<string, unknown>;
}

function field(data: Record<string, unknown>, key: string, file: string, kind: 'string' | 'number'): unknown {
  const value = data[key];
  // Older MLflow wrote experiment ids as ints; it casts them to strings when reading, so do we.
  if (kind === 'string' && typeof value === 'number') return String(value);
  if (typeof value !== kind) {
    throw new DataError(`expected a ${kind}, found ${JSON.stringify(value)}`, { file, field: key }, { hint: 'restore the meta.yaml' });
  }
  return value;
}

export function toExperimentMeta(data: Record<string, unknown>, dir: string): ExperimentMeta {
  const file = join(dir, META_FILE);
  const optionalTime = (key: string): number => (typeof data[key] === 'number' ? (data[key] as number) : 0);
  return {
    artifact_location: field(data, 'artifact_location', file, 'string') as string,
    creation_time: optionalTime('creation_time'),
    experiment_id: field(data, 'experiment_id', file, 'string') as string,
    last_update_time: optionalTime('last_update_time'),
    lifecycle_stage: data['lifecycle_stage'] === 'deleted' ? 'deleted' : 'active',
    name: field(data, 'name', file, 'string') as string,
  };
}

export function statusName(code: unknown, file: string): RunStatus {
  const entry = Object.entries(RUN_STATUS_CODES).find(([, value]) => value === (code ?? RUN_STATUS_CODES.RUNNING));
  if (entry === undefined) {
    throw new DataError(
      `unknown run status ${JSON.stringify(code)}, expected 1–5`,
      { file, field: 'status' },
      { hint: 'restore the meta.yaml' },
    );
  }
  return entry[0] as RunStatus;
}

export function toRunMeta(data: Record<string, unknown>, dir: string): RunMeta {
  const file = join(dir, META_FILE);
  const text = (key: string): string => (typeof data[key] === 'string' ? (data[key] as string) : '');
  const runId = field(data, 'run_id' in data ? 'run_id' : 'run_uuid', file, 'string') as string;
  const endTime = data['end_time'];
  return {
    artifact_uri: text('artifact_uri'),
    end_time: typeof endTime === 'number' && endTime !== 0 ? endTime : null,
    entry_point_name: text('entry_point_name'),
    experiment_id: field(data, 'experiment_id', file, 'string') as string,
    lifecycle_stage: data['lifecycle_stage'] === 'deleted' ? 'deleted' : 'active',
    run_id: runId,
    run_name: text('run_name'),
    run_uuid: runId,
    source_name: text('source_name'),
    source_type: typeof data['source_type'] === 'number' ? data['source_type'] : SOURCE_TYPE_LOCAL,
    source_version: text('source_version'),
    start_time: field(data, 'start_time', file, 'number') as number,
    status: RUN_STATUS_CODES[statusName(data['status'], file)],
    tags: [],
    user_id: text('user_id'),
  };
}
