import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { artifactPath, runLock } from '@tribar/artifacts';
import { FileWriteError, processAlive, TribarError, writeFileAtomic, type Logger } from '@tribar/core';

/** Who holds a run folder's lock (`run.lock`). */
export interface RunLockHolder {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
  heartbeatAt: string;
}

/** How often the holder rewrites its heartbeat. */
const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this means a holder on another host (whose pid cannot be checked) is gone. */
const STALE_MS = 60_000;
/**
 * On this host a live pid is trusted far longer: a stage busy in one long synchronous step delays the heartbeat
 * without being gone. Past this, the pid is taken to be a reused one.
 */
const STALE_LOCAL_MS = 30 * 60_000;
/** An unreadable lock younger than this may be one whose creator is still writing it. */
const UNWRITTEN_GRACE_MS = 2_000;

/** A second process asked for a run folder another live process is writing. */
class RunLockedError extends TribarError {
  constructor(runId: string, holder: RunLockHolder, lockFile: string) {
    super(
      'RUN_LOCKED',
      `run ${runId} is being written by process ${holder.pid} on ${holder.host} (started ${holder.startedAt}, heartbeat ${holder.heartbeatAt}; ${lockFile})`,
      { hint: 'Wait for it to finish, stop it, or use another --run-id. A lock whose process is gone is taken over automatically.' },
    );
  }
}

/** Live: on this host, a process with that pid (and a heartbeat under 30 min); on another host, a heartbeat under 60 s. */
export function holderIsLive(holder: RunLockHolder, now = Date.now()): boolean {
  const age = now - Date.parse(holder.heartbeatAt);
  if (!Number.isFinite(age)) return false;
  if (holder.host !== hostname()) return age <= STALE_MS;
  return age <= STALE_LOCAL_MS && processAlive(holder.pid);
}

function parseHolder(text: string): RunLockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<RunLockHolder>;
    const valid =
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.runId === 'string' &&
      typeof value.startedAt === 'string' &&
      typeof value.heartbeatAt === 'string';
    return valid ? (value as RunLockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** The run folder's lock holder, `undefined` when there is no lock; `null` when the file is there but unreadable. */
export async function readRunLock(runDir: string): Promise<RunLockHolder | null | undefined> {
  const text = await readFile(artifactPath(runDir, runLock), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : (parseHolder(text) ?? null);
}

const sameHolder = (a: RunLockHolder, b: RunLockHolder) => a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

export interface HeldRunLock {
  release(): Promise<void>;
}

/**
 * Take the run folder's lock: created with `wx`, so exactly one process gets it. A lock whose holder is gone (its pid
 * is not alive on this host, or, from another host, its heartbeat is older than a minute) is taken over with a
 * warning; a live one throws.
 */
export async function acquireRunLock(runDir: string, runId: string, log: Logger): Promise<HeldRunLock> {
  const file = artifactPath(runDir, runLock);
  const now = new Date().toISOString();
  const mine: RunLockHolder = { pid: process.pid, host: hostname(), runId, startedAt: now, heartbeatAt: now };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(mine) + '\n');
      } catch (error) {
        // A lock that could not be written whole (disk full) is not left behind for the next start to puzzle over.
        await handle.close();
        await rm(file, { force: true });
        throw error;
      }
      await handle.close();
      break;
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      if (code !== 'EEXIST')
        throw typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new FileWriteError(file, code, { cause: error }) : error;
      if (attempt >= 8) throw new TribarError('RUN_LOCKED', `could not take the lock of run ${runId} (${file}): it keeps changing hands`);
    }
    const holder = await readRunLock(runDir);
    if (holder === undefined) continue;
    if (holder === null) {
      const modified = await stat(file).then(
        (info) => info.mtimeMs,
        () => undefined,
      );
      if (modified === undefined) continue;
      if (Date.now() - modified < UNWRITTEN_GRACE_MS) {
        await new Promise((resolve) => setTimeout(resolve, UNWRITTEN_GRACE_MS));
        continue;
      }
    } else if (holderIsLive(holder)) throw new RunLockedError(runId, holder, file);
    // Move the stale lock aside, then check that what moved is the one judged stale: two processes taking over
    // at once must not both win (the second would move the first one's fresh lock).
    const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    if (
      !(await rename(file, aside).then(
        () => true,
        () => false,
      ))
    )
      continue;
    const moved = parseHolder(await readFile(aside, 'utf8').catch(() => ''));
    if (holder && !(moved && sameHolder(moved, holder))) {
      await link(aside, file).catch(() => {});
      await rm(aside, { force: true });
      continue;
    }
    await rm(aside, { force: true });
    log.warn(
      holder
        ? `taking over the lock of run ${runId} from process ${holder.pid} on ${holder.host} (no longer alive; last heartbeat ${holder.heartbeatAt})`
        : `taking over the unreadable lock of run ${runId}`,
    );
  }

  let released = false;
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (released) return;
    mine.heartbeatAt = new Date().toISOString();
    // Only while the lock is still this process's: never write over a lock another process took over.
    beating = readRunLock(runDir)
      .then((holder) => (holder && sameHolder(holder, mine) ? writeFileAtomic(file, JSON.stringify(mine) + '\n') : undefined))
      .catch(() => {});
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    async release() {
      released = true;
      clearInterval(timer);
      await beating;
      const holder = await readRunLock(runDir).catch(() => undefined);
      if (holder && sameHolder(holder, mine)) await rm(file, { force: true });
    },
  };
}
