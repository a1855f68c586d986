import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FileWriteError, systemErrorCode } from './errors.js';

/**
 * The temporary name an artifact is written under before it is renamed into place.
 * Same directory as the target, so the final rename is atomic on POSIX file systems.
 */
export function temporaryPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A system error (disk full, no permission, …) becomes a `FileWriteError` naming `path`; anything else passes. */
function named(path: string, error: unknown): unknown {
  const errno = systemErrorCode(error);
  return errno ? new FileWriteError(path, errno, { cause: error }) : error;
}

/**
 * Run `write` against a temporary path and rename the result to `path` only when it
 * succeeded: a crash or an error never leaves a half-written artifact under the real name.
 * A system error on the way (ENOSPC, EACCES, EROFS, …) is rethrown as a `FileWriteError` naming `path`, the errno
 * and a hint; the temporary file is removed either way.
 */
export async function writeAtomically<T>(path: string, write: (temporaryPath: string) => Promise<T>): Promise<T> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw named(path, error);
  }
  const temporary = temporaryPathFor(path);
  try {
    const result = await write(temporary);
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw named(path, error);
  }
}

/** Write bytes or text to `path` atomically, flushed to disk before the rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeAtomically(path, async (temporary) => {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Write JSON (two-space indented, trailing newline) atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
