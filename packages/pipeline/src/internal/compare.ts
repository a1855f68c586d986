import { relative, sep } from 'node:path';
import { runLock, runLog, runState, trainLog } from '@tribar/artifacts';
import { sha256File, type ManifestDiff } from '@tribar/core';
import { filesUnder, TEMPORARY_NAME } from './temporary-files.js';

/**
 * Files that say when and how a run went, not what it produced: the state (stage times), the logs and the lock.
 * Everything else in a run folder is a result, and one config and seed must give the same bytes.
 */
const RECORD_OF_THE_RUN = new Set([runState.path, runLog.path, trainLog.path, runLock.path]);

/** Run-relative path (`/`-separated) → SHA-256 of every result file in a run folder. */
async function resultHashes(runDir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for await (const path of filesUnder(runDir)) {
    const key = relative(runDir, path).split(sep).join('/');
    if (!TEMPORARY_NAME.test(path) && !RECORD_OF_THE_RUN.has(key)) hashes.set(key, await sha256File(path));
  }
  return hashes;
}

/**
 * Compare two run folders by the bytes of every result file (config, manifest and every artifact; not the state,
 * logs or lock), so a difference the manifest does not record (a file outside it, a file changed after it was
 * recorded) still shows.
 */
export async function compareRuns(beforeDir: string, afterDir: string): Promise<ManifestDiff> {
  const [before, after] = await Promise.all([resultHashes(beforeDir), resultHashes(afterDir)]);
  const diff: ManifestDiff = { added: [], removed: [], modified: [], unchanged: [] };
  for (const [path, hash] of after) {
    const previous = before.get(path);
    if (previous === undefined) diff.added.push(path);
    else if (previous !== hash) diff.modified.push({ path, before: previous, after: hash });
    else diff.unchanged.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) diff.removed.push(path);
  for (const list of [diff.added, diff.removed, diff.unchanged]) list.sort();
  diff.modified.sort((a, b) => a.path.localeCompare(b.path));
  return diff;
}
