import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { RunMeta, RunStatus } from './meta.js';
import { META_FILE, statusName } from './meta.js';
import type { MetricPoint } from './values.js';
import { latestMetric, parseMlflowMetricFile } from './values.js';

/** What a run holds, read back from its folder. */
export interface RunRecord {
  runId: string;
  experimentId: string;
  experimentName: string;
  runName: string;
  status: RunStatus;
  startTimeMs: number;
  endTimeMs: number | null;
  userId: string;
  lifecycleStage: 'active' | 'deleted';
  params: Record<string, string>;
  /** The latest value of each metric: largest step, then latest timestamp, as MLflow shows it. */
  metrics: Record<string, MetricPoint>;
  tags: Record<string, string>;
  artifactUri: string;
  dir: string;
}

/** Files under `dir`, as `/`-separated paths relative to it (keys may contain `/`). */
async function listKeyFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

async function readKeyFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await listKeyFiles(dir)) out[key] = await readFile(join(dir, key), 'utf8');
  return out;
}

export async function readMetricHistory(runDir: string, key: string): Promise<MetricPoint[]> {
  const file = join(runDir, 'metrics', key);
  return parseMlflowMetricFile(await readFile(file, 'utf8'), file);
}

export async function readRunRecord(runDir: string, meta: RunMeta, experimentName: string): Promise<RunRecord> {
  const metrics: Record<string, MetricPoint> = {};
  for (const key of await listKeyFiles(join(runDir, 'metrics'))) {
    const latest = latestMetric(await readMetricHistory(runDir, key));
    if (latest !== undefined) metrics[key] = latest;
  }
  const tags = await readKeyFiles(join(runDir, 'tags'));
  return {
    runId: meta.run_id,
    experimentId: meta.experiment_id,
    experimentName,
    // MLflow falls back to the tag for runs whose meta.yaml predates `run_name`.
    runName: meta.run_name || (tags['mlflow.runName'] ?? ''),
    status: statusName(meta.status, join(runDir, META_FILE)),
    startTimeMs: meta.start_time,
    endTimeMs: meta.end_time,
    userId: meta.user_id,
    lifecycleStage: meta.lifecycle_stage,
    params: await readKeyFiles(join(runDir, 'params')),
    metrics,
    tags,
    artifactUri: meta.artifact_uri,
    dir: runDir,
  };
}
