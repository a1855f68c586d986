import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The names core's atomic writes use before the rename: `<file>.tmp-<pid>-<hex>`. */
export const TEMPORARY_NAME = /\.tmp-\d+-[0-9a-f]+$/;

export interface RemovedTemporaryFiles {
  files: number;
  bytes: number;
}

/**
 * Remove every leftover temporary file (an atomic write cut off by kill -9 or an interrupt) under `runDir`.
 * Only for a run folder this process writes alone (it holds the run's lock): another writer's files would go too.
 */
export async function removeTemporaryFiles(runDir: string): Promise<RemovedTemporaryFiles> {
  const removed: RemovedTemporaryFiles = { files: 0, bytes: 0 };
  for await (const path of filesUnder(runDir)) {
    if (!TEMPORARY_NAME.test(path)) continue;
    removed.bytes += (await stat(path).catch(() => ({ size: 0 }))).size;
    await rm(path, { force: true });
    removed.files += 1;
  }
  return removed;
}

/** Every plain file below `dir`, depth first (a folder that cannot be read counts as empty). */
export async function* filesUnder(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}
