import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive, type Logger } from '@tribar/core';
import type { RunMeta } from './meta.js';
import { readMetaFile, RUN_STATUS_CODES, toRunMeta, writeMeta } from './meta.js';

/**
 * Who is recording a run: tags written when it starts (`tribar.pid`, `tribar.host`) and a heartbeat tag
 * (`tribar.heartbeat`, ISO time) the recording process rewrites while the run is open. A run left RUNNING by a
 * process that is gone (kill -9, a crash, a power cut) is an orphan: the tracker marks it KILLED.
 */
export const OWNER_TAGS = { pid: 'tribar.pid', host: 'tribar.host', heartbeat: 'tribar.heartbeat' } as const;

/** How often an open run's heartbeat is rewritten. */
export const HEARTBEAT_MS = 5_000;
/** A run recorded on another host (whose pid cannot be checked) is gone when its heartbeat is older than this. */
const STALE_REMOTE_MS = 10 * 60_000;
/** On this host a live pid counts this long without a heartbeat; past it the pid is taken to be a reused one. */
const STALE_LOCAL_MS = 30 * 60_000;

/** Write the heartbeat tag (a plain write, as every tag: a temporary file in tags/ would show up as a tag). */
export async function writeHeartbeat(runDir: string, now = Date.now()): Promise<void> {
  await writeFile(join(runDir, 'tags', OWNER_TAGS.heartbeat), new Date(now).toISOString());
}

async function tag(runDir: string, key: string): Promise<string | undefined> {
  return readFile(join(runDir, 'tags', key), 'utf8').catch(() => undefined);
}

/** The last sign of life: the heartbeat tag's time (its file's mtime if the text is unreadable). */
async function lastHeartbeat(runDir: string): Promise<number | undefined> {
  const file = join(runDir, 'tags', OWNER_TAGS.heartbeat);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const parsed = text === undefined ? Number.NaN : Date.parse(text);
  if (Number.isFinite(parsed)) return parsed;
  return stat(file).then(
    (info) => info.mtimeMs,
    () => undefined,
  );
}

/**
 * Whether a RUNNING run's recorder is gone, and since when (its last heartbeat). A run without the owner tags
 * (written by MLflow or an older Tribar) is never judged.
 */
async function orphanedSince(runDir: string, meta: RunMeta, now: number): Promise<number | undefined> {
  const pid = Number(await tag(runDir, OWNER_TAGS.pid));
  const host = await tag(runDir, OWNER_TAGS.host);
  if (!Number.isInteger(pid) || pid <= 0 || host === undefined) return undefined;
  const beat = (await lastHeartbeat(runDir)) ?? meta.start_time;
  const age = now - beat;
  const live = host === hostname() ? processAlive(pid) && age <= STALE_LOCAL_MS : age <= STALE_REMOTE_MS;
  return live ? undefined : beat;
}

/**
 * Mark the run KILLED, with its last heartbeat as end time, when it is RUNNING and its recorder is gone: its pid is not
 * alive on this host (or, from another host, its heartbeat is older than 10 minutes). Returns the meta as it now is.
 */
export async function reapOrphan(runDir: string, meta: RunMeta, logger: Logger, now = Date.now()): Promise<RunMeta> {
  if (meta.status !== RUN_STATUS_CODES.RUNNING || meta.end_time !== null) return meta;
  const since = await orphanedSince(runDir, meta, now);
  if (since === undefined) return meta;
  // Read again just before writing: the recorder may have ended the run a moment ago.
  const fresh = await readMetaFile(runDir);
  if (fresh === undefined) return meta;
  const current = toRunMeta(fresh, runDir);
  if (current.status !== RUN_STATUS_CODES.RUNNING || current.end_time !== null) return current;
  const killed: RunMeta = { ...current, status: RUN_STATUS_CODES.KILLED, end_time: Math.max(since, current.start_time) };
  delete killed.deleted_time;
  await writeMeta(runDir, killed);
  logger.warn(
    { runId: killed.run_id, pid: await tag(runDir, OWNER_TAGS.pid), host: await tag(runDir, OWNER_TAGS.host) },
    `run ${killed.run_id} was left RUNNING by a process that is gone: marked KILLED`,
  );
  return killed;
}
