import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { holderIsLive, readRunLock, type RunLockHolder } from './lock.js';
import { readRunState, type RunState } from './state.js';
import { removeTemporaryFiles, type RemovedTemporaryFiles } from './temporary-files.js';
import { STAGE, artifactPath, runState } from '@tribar/artifacts';
import { ArtifactError, RunNotFoundError, TribarError } from '@tribar/core';
import { clearGaCache, gaCacheDir } from '@tribar/ga-optimizer';

/** `YYYYMMDD-HHMMSS-xxxx` in UTC: sorts by time, unique across parallel starts. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isValidRunId(runId: string): boolean {
  return RUN_ID_PATTERN.test(runId) && runId.length <= 128;
}

export function runDirFor(runsDir: string, runId: string): string {
  return join(resolve(runsDir), runId);
}

export interface RunSummary {
  runId: string;
  runDir: string;
  state: RunState;
  /**
   * Set when the run's `state.json` is damaged (truncated, not JSON, wrong shape): what is wrong with it. `state` is
   * then a stand-in (status `failed`, no stages, times of the file); resuming the run rebuilds it.
   */
  damaged?: string;
}

/** The run in `runDir` when it has a state file; a damaged one is still a run (`damaged` says what is wrong). */
async function summaryOf(runDir: string, runId: string): Promise<RunSummary | undefined> {
  try {
    const state = await readRunState(runDir);
    return state && { runId, runDir, state };
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    const when = await stat(artifactPath(runDir, runState)).then(
      (info) => info.mtime.toISOString(),
      () => new Date(0).toISOString(),
    );
    const damaged = (error.cause instanceof ArtifactError ? error.cause : error).message.split('\n')[0] ?? error.message;
    return {
      runId,
      runDir,
      damaged,
      state: { stateVersion: 1, runId, createdAt: when, updatedAt: when, status: 'failed', configHash: '', seed: 0, order: [], stages: {} },
    };
  }
}

/** Every run in `runsDir` that has a state file (damaged ones included), newest first. */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  const root = resolve(runsDir);
  if (!existsSync(root)) return [];
  const runs: RunSummary[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const run = await summaryOf(join(root, entry.name), entry.name).catch(() => undefined);
    if (run) runs.push(run);
  }
  return runs.sort((a, b) => b.state.createdAt.localeCompare(a.state.createdAt) || b.runId.localeCompare(a.runId));
}

/** A run by id; a run whose `state.json` is damaged is found (with `damaged` set) so it can be resumed or removed. */
export async function getRun(runsDir: string, runId: string): Promise<RunSummary> {
  const runDir = runDirFor(runsDir, runId);
  const run = isValidRunId(runId) ? await summaryOf(runDir, runId) : undefined;
  if (!run) throw new RunNotFoundError(runId, resolve(runsDir), '`tribar pipelines` lists the runs that exist.');
  return run;
}

export async function latestRun(runsDir: string): Promise<RunSummary | undefined> {
  return (await listRuns(runsDir))[0];
}

/** Refuses (RUN_LOCKED) when a live process is writing the run. */
async function getIdleRun(runsDir: string, runId: string): Promise<RunSummary> {
  const run = await getRun(runsDir, runId);
  const { holder, live } = await runLiveness(run.runDir);
  if (live && holder) {
    throw new TribarError('RUN_LOCKED', `run ${runId} is being written by process ${holder.pid} on ${holder.host}`, {
      hint: 'Wait for it to finish or stop it first.',
    });
  }
  return run;
}

export async function removeRun(runsDir: string, runId: string): Promise<void> {
  const { runDir } = await getIdleRun(runsDir, runId);
  await rm(runDir, { recursive: true, force: true });
}

/** Remove the leftover `*.tmp-*` files (atomic writes cut off by kill -9) of a run no live process is writing. */
export async function removeRunTemporaryFiles(runsDir: string, runId: string): Promise<RemovedTemporaryFiles> {
  const { runDir } = await getIdleRun(runsDir, runId);
  return removeTemporaryFiles(runDir);
}

/** What `clearCaches` removed from one stage's store. */
export interface ClearedCache {
  /** The stage whose cache it was. */
  stage: string;
  dir: string;
  entries: number;
  bytes: number;
}

/**
 * Empty the runs folder's shared caches (today: the GA's content-addressed store in `<runsDir>/.cache/ga`).
 * Entries are keyed by the bytes and settings they were computed from, so clearing never changes a result: the
 * next run recomputes (and stores) what it needs.
 */
export async function clearCaches(runsDir: string): Promise<ClearedCache[]> {
  const cleared = await clearGaCache(runsDir);
  return [{ stage: STAGE.gaOptimize, dir: gaCacheDir(runsDir), ...cleared }];
}

/** Whether a process is writing the run now: the holder of its `run.lock`, and whether that holder is alive. */
export interface RunLiveness {
  /** Absent when the folder has no lock (no process has it open); `null` when the lock file is unreadable. */
  holder?: RunLockHolder | null;
  /** A fresh heartbeat and, on this host, a live pid. */
  live: boolean;
}

export async function runLiveness(runDir: string): Promise<RunLiveness> {
  const holder = await readRunLock(runDir);
  if (holder === undefined) return { live: false };
  return { holder, live: holder !== null && holderIsLive(holder) };
}
