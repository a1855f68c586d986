import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { writeJsonAtomic } from './atomic-write.js';
import { ArtifactError } from './errors.js';
import { sha256File, takeWrittenDigest } from './hash.js';

/**
 * One artifact of a run: its bytes' checksum, who produced it, and what it holds. No time and no run id: the same
 * inputs give the same manifest bytes; when a stage ran lives in the run's `state.json`.
 */
export interface ArtifactEntry {
  /** Path relative to the run folder, with `/` separators; also the artifact's key. */
  path: string;
  stage: string;
  sha256: string;
  sizeBytes: number;
  metadata: Record<string, unknown>;
}

export interface ManifestData {
  manifestVersion: 1;
  /** Written by older versions only; the run's id is its folder's name and `state.json`'s `runId`. */
  runId?: string;
  artifacts: Record<string, ArtifactEntry>;
}

export interface ManifestProblem {
  path: string;
  problem: 'missing' | 'size-mismatch' | 'checksum-mismatch';
  expected?: string | number;
  actual?: string | number;
}

export interface ManifestDiff {
  added: string[];
  removed: string[];
  /** Same path, different bytes. */
  modified: { path: string; before: string; after: string }[];
  unchanged: string[];
}

/**
 * The manifest's run-relative name. The manifest is the runtime's own file (core sits below `@tribar/artifacts`,
 * which re-exports this name as its `runManifest` descriptor), so it is the one path spelled here.
 */
// eslint-disable-next-line tribar/no-artifact-path-literal -- core owns the manifest; artifacts reuses this constant.
export const MANIFEST_FILE = 'manifest.json';

function toRunRelative(runDir: string, path: string): string {
  // Resolved first, so `a/../../x` cannot climb out and a name such as `..x` stays inside.
  const rel = relative(runDir, resolve(runDir, path));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ArtifactError('artifact lies outside the run folder', path);
  }
  return rel.split(sep).join('/');
}

/** The record of every artifact a run wrote: SHA-256 of bytes, producing stage, size, metadata (no times, no run id). */
export class ArtifactManifest {
  readonly runDir: string;
  readonly runId: string;
  readonly #artifacts = new Map<string, ArtifactEntry>();

  private constructor(runDir: string, runId: string, entries: ArtifactEntry[] = []) {
    this.runDir = runDir;
    this.runId = runId;
    for (const entry of entries) this.#artifacts.set(entry.path, entry);
  }

  /** Load `manifest.json` from a run folder, or start an empty one if the run has none yet. */
  static async open(runDir: string, runId: string): Promise<ArtifactManifest> {
    const file = join(runDir, MANIFEST_FILE);
    if (!existsSync(file)) return new ArtifactManifest(runDir, runId);
    return ArtifactManifest.from(runDir, runId, await ArtifactManifest.read(file));
  }

  /**
   * A manifest over already-parsed data (e.g. `manifest.json` read through its schema in `@tribar/artifacts`);
   * `undefined` starts an empty one.
   */
  static from(runDir: string, runId: string, data?: ManifestData): ArtifactManifest {
    // Entries from older versions carry a `createdAt` (a file time); it is dropped so a rewrite is deterministic.
    const entries = Object.values(data?.artifacts ?? {}).map(({ path, stage, sha256, sizeBytes, metadata }) => ({
      path,
      stage,
      sha256,
      sizeBytes,
      metadata,
    }));
    return new ArtifactManifest(runDir, runId, entries);
  }

  static async read(file: string): Promise<ManifestData> {
    let data: ManifestData;
    try {
      data = JSON.parse(await readFile(file, 'utf8')) as ManifestData;
    } catch (error) {
      throw new ArtifactError('cannot read manifest', file, { cause: error });
    }
    if (data.manifestVersion !== 1 || typeof data.artifacts !== 'object') {
      throw new ArtifactError(`unsupported manifest (version ${String(data.manifestVersion)})`, file);
    }
    return data;
  }

  /** Hash a file the stage has finished writing and record it. */
  async record(path: string, stage: string, metadata: Record<string, unknown> = {}): Promise<ArtifactEntry> {
    const rel = toRunRelative(this.runDir, path);
    const absolute = join(this.runDir, rel);
    if (!existsSync(absolute)) throw new ArtifactError('cannot record an artifact that does not exist', absolute);
    // A file this process has just streamed out was hashed on the way (writeArrowBatches): not read back.
    const info = await stat(absolute, { bigint: true });
    const sha = takeWrittenDigest(resolve(absolute), info) ?? (await sha256File(absolute));
    const entry: ArtifactEntry = {
      path: rel,
      stage,
      sha256: sha,
      sizeBytes: Number(info.size),
      metadata,
    };
    this.#artifacts.set(rel, entry);
    return entry;
  }

  get(path: string): ArtifactEntry | undefined {
    return this.#artifacts.get(toRunRelative(this.runDir, path));
  }

  list(): ArtifactEntry[] {
    return [...this.#artifacts.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Forget every artifact a stage recorded, before it runs again. */
  removeStage(stage: string): void {
    for (const [path, entry] of this.#artifacts) if (entry.stage === stage) this.#artifacts.delete(path);
  }

  /** Check every recorded artifact still exists with the recorded size and checksum. */
  async verify(): Promise<ManifestProblem[]> {
    const problems: ManifestProblem[] = [];
    for (const entry of this.list()) problems.push(...(await verifyEntry(this.runDir, entry)));
    return problems;
  }

  toJSON(): ManifestData {
    const artifacts: Record<string, ArtifactEntry> = {};
    for (const entry of this.list()) artifacts[entry.path] = entry;
    return { manifestVersion: 1, artifacts };
  }

  async save(): Promise<void> {
    await writeJsonAtomic(join(this.runDir, MANIFEST_FILE), this.toJSON());
  }
}

/** Problems with one recorded artifact; empty when its bytes are as recorded. */
export async function verifyEntry(runDir: string, entry: ArtifactEntry): Promise<ManifestProblem[]> {
  const absolute = join(runDir, entry.path);
  if (!existsSync(absolute)) return [{ path: entry.path, problem: 'missing' }];
  const info = await stat(absolute);
  if (info.size !== entry.sizeBytes) {
    return [{ path: entry.path, problem: 'size-mismatch', expected: entry.sizeBytes, actual: info.size }];
  }
  const sha = await sha256File(absolute);
  if (sha !== entry.sha256) return [{ path: entry.path, problem: 'checksum-mismatch', expected: entry.sha256, actual: sha }];
  return [];
}

/** What changed between two runs' artifacts, by path and content hash (times are ignored). */
export function diffManifests(before: ManifestData, after: ManifestData): ManifestDiff {
  const diff: ManifestDiff = { added: [], removed: [], modified: [], unchanged: [] };
  for (const [path, entry] of Object.entries(after.artifacts)) {
    const previous = before.artifacts[path];
    if (!previous) diff.added.push(path);
    else if (previous.sha256 !== entry.sha256) diff.modified.push({ path, before: previous.sha256, after: entry.sha256 });
    else diff.unchanged.push(path);
  }
  for (const path of Object.keys(before.artifacts)) if (!after.artifacts[path]) diff.removed.push(path);
  for (const list of [diff.added, diff.removed, diff.unchanged]) list.sort();
  diff.modified.sort((a, b) => a.path.localeCompare(b.path));
  return diff;
}
