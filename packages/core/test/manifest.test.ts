import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Table, vectorFromArray } from 'apache-arrow';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactError } from '../src/internal/errors.js';
import { writeArrowFile } from '../src/internal/arrow-io.js';
import { rememberWrittenDigest, sha256, sha256File, takeWrittenDigest } from '../src/internal/hash.js';
import { ArtifactManifest, diffManifests, verifyEntry, type ArtifactEntry, type ManifestData } from '../src/internal/manifest.js';

let root: string;
let runDir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tribar-manifest-'));
  runDir = join(root, 'run');
  mkdirSync(runDir);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function put(rel: string, content: string): Promise<string> {
  const path = join(runDir, rel);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  return path;
}

/** A manifest with two artifacts from two stages, saved and opened again from disk. */
async function savedManifest(): Promise<ArtifactManifest> {
  const manifest = await ArtifactManifest.open(runDir, 'run-1');
  await put('clean/MES.arrow', 'clean bars of MES');
  await put('labels/MES.arrow', 'labels of MES, h5 and h20');
  await manifest.record('clean/MES.arrow', 'clean', { rows: 1234 });
  await manifest.record(join(runDir, 'labels/MES.arrow'), 'label');
  await manifest.save();
  return ArtifactManifest.open(runDir, 'run-1');
}

describe('ArtifactManifest', () => {
  it('starts empty when the run has no manifest yet', async () => {
    const manifest = await ArtifactManifest.open(runDir, 'fresh');
    expect(manifest.runId).toBe('fresh');
    expect(manifest.list()).toEqual([]);
    expect(await manifest.verify()).toEqual([]);
  });

  it('records checksum, size, stage and metadata, and reads them back after save', async () => {
    const reopened = await savedManifest();
    expect(reopened.runId).toBe('run-1');
    expect(reopened.list().map((entry) => entry.path)).toEqual(['clean/MES.arrow', 'labels/MES.arrow']);
    const clean = reopened.get('clean/MES.arrow') as ArtifactEntry;
    expect(clean).toMatchObject({
      path: 'clean/MES.arrow',
      stage: 'clean',
      sha256: sha256('clean bars of MES'),
      sizeBytes: 17,
      metadata: { rows: 1234 },
    });
    expect(Object.keys(clean)).toEqual(['path', 'stage', 'sha256', 'sizeBytes', 'metadata']);
    expect(reopened.get(join(runDir, 'labels', 'MES.arrow'))?.stage).toBe('label');
    expect(reopened.get('labels/MES.arrow')?.sizeBytes).toBe(25);
    expect(await reopened.verify()).toEqual([]);
  });

  it('saves manifest.json with version 1 and artifacts keyed by path', async () => {
    await savedManifest();
    const data = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as ManifestData;
    expect(Object.keys(data)).toEqual(['manifestVersion', 'artifacts']);
    expect(data.manifestVersion).toBe(1);
    expect(Object.keys(data.artifacts)).toEqual(['clean/MES.arrow', 'labels/MES.arrow']);
    expect(data.artifacts['clean/MES.arrow']?.sha256).toBe(sha256('clean bars of MES'));
  });

  it("writes the same bytes for the same artifacts, whatever the run id and the files' times", async () => {
    await savedManifest();
    const first = await readFile(join(runDir, 'manifest.json'));
    await rm(join(runDir, 'manifest.json'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await put('clean/MES.arrow', 'clean bars of MES'); // same bytes, new mtime
    const other = await ArtifactManifest.open(runDir, 'run-2');
    await other.record('clean/MES.arrow', 'clean', { rows: 1234 });
    await other.record('labels/MES.arrow', 'label');
    await other.save();
    expect((await readFile(join(runDir, 'manifest.json'))).equals(first)).toBe(true);
    expect(other.runId).toBe('run-2');
  });

  it('reads a manifest of an older version (run id, entry times) and drops those fields when it saves', async () => {
    await put('clean/MES.arrow', 'clean bars of MES');
    const old = {
      manifestVersion: 1,
      runId: 'old-run',
      artifacts: {
        'clean/MES.arrow': {
          path: 'clean/MES.arrow',
          stage: 'clean',
          sha256: sha256('clean bars of MES'),
          sizeBytes: 17,
          createdAt: '2026-01-01T00:00:00.000Z',
          metadata: {},
        },
      },
    };
    await writeFile(join(runDir, 'manifest.json'), JSON.stringify(old));
    const manifest = await ArtifactManifest.open(runDir, 'old-run');
    expect(await manifest.verify()).toEqual([]);
    await manifest.save();
    const saved = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as ManifestData;
    expect(saved).toEqual({
      manifestVersion: 1,
      artifacts: { 'clean/MES.arrow': { ...old.artifacts['clean/MES.arrow'], createdAt: undefined } },
    });
    expect(Object.keys(saved.artifacts['clean/MES.arrow'] ?? {})).not.toContain('createdAt');
  });

  it('reports checksum-mismatch when bytes change but the size does not', async () => {
    const manifest = await savedManifest();
    await put('clean/MES.arrow', 'clean bars of MGC');
    expect(await manifest.verify()).toEqual([
      {
        path: 'clean/MES.arrow',
        problem: 'checksum-mismatch',
        expected: sha256('clean bars of MES'),
        actual: sha256('clean bars of MGC'),
      },
    ]);
  });

  it('reports size-mismatch when the size changes', async () => {
    const manifest = await savedManifest();
    await put('labels/MES.arrow', 'labels of MES');
    expect(await manifest.verify()).toEqual([{ path: 'labels/MES.arrow', problem: 'size-mismatch', expected: 25, actual: 13 }]);
  });

  it('reports missing when a file is deleted, alongside other problems', async () => {
    const manifest = await savedManifest();
    await rm(join(runDir, 'clean/MES.arrow'));
    await put('labels/MES.arrow', 'x');
    expect(await manifest.verify()).toEqual([
      { path: 'clean/MES.arrow', problem: 'missing' },
      { path: 'labels/MES.arrow', problem: 'size-mismatch', expected: 25, actual: 1 },
    ]);
  });

  it('verifyEntry checks one entry', async () => {
    const manifest = await savedManifest();
    const entry = manifest.get('clean/MES.arrow') as ArtifactEntry;
    expect(await verifyEntry(runDir, entry)).toEqual([]);
    expect(await verifyEntry(runDir, { ...entry, sha256: '0'.repeat(64) })).toMatchObject([{ problem: 'checksum-mismatch' }]);
  });

  it('re-recording a path replaces its entry', async () => {
    const manifest = await savedManifest();
    await put('clean/MES.arrow', 'cleaner bars of MES');
    await manifest.record('clean/MES.arrow', 'clean', { rows: 1300 });
    expect(manifest.list()).toHaveLength(2);
    expect(manifest.get('clean/MES.arrow')).toMatchObject({ sizeBytes: 19, metadata: { rows: 1300 } });
    expect(await manifest.verify()).toEqual([]);
  });

  it('removeStage forgets only that stage’s artifacts', async () => {
    const manifest = await savedManifest();
    await put('clean/MGC.arrow', 'clean bars of MGC');
    await manifest.record('clean/MGC.arrow', 'clean');
    manifest.removeStage('clean');
    expect(manifest.list().map((entry) => entry.path)).toEqual(['labels/MES.arrow']);
    manifest.removeStage('no-such-stage');
    expect(manifest.list()).toHaveLength(1);
    await manifest.save();
    expect((await ArtifactManifest.open(runDir, 'x')).list().map((entry) => entry.stage)).toEqual(['label']);
  });

  it('refuses to record a file that does not exist or lies outside the run folder', async () => {
    const manifest = await ArtifactManifest.open(runDir, 'r');
    await expect(manifest.record('nope.arrow', 's')).rejects.toThrow(ArtifactError);
    await expect(manifest.record('nope.arrow', 's')).rejects.toThrow('cannot record an artifact that does not exist');
    await expect(manifest.record('../outside.arrow', 's')).rejects.toThrow('artifact lies outside the run folder');
    await expect(manifest.record(join(runDir, '..', 'other', 'x.arrow'), 's')).rejects.toThrow(ArtifactError);
    await put('../escaped.txt', 'outside');
    await expect(manifest.record('clean/../../escaped.txt', 's')).rejects.toThrow('artifact lies outside the run folder');
    expect(manifest.list()).toEqual([]);
  });

  it('normalises paths: `a/./b/../c` is recorded as `a/c`, and a name starting with .. stays inside', async () => {
    const manifest = await ArtifactManifest.open(runDir, 'r');
    await put('a/c.arrow', 'c');
    await put('..data.arrow', 'dots');
    expect((await manifest.record('a/./b/../c.arrow', 's')).path).toBe('a/c.arrow');
    expect((await manifest.record('..data.arrow', 's')).path).toBe('..data.arrow');
    expect(manifest.list().map((e) => e.path)).toEqual(['..data.arrow', 'a/c.arrow']);
    expect(await manifest.verify()).toEqual([]);
  });

  it('throws an ArtifactError for an unreadable or unsupported manifest', async () => {
    await writeFile(join(runDir, 'manifest.json'), '{ not json');
    await expect(ArtifactManifest.open(runDir, 'r')).rejects.toThrow(`${join(runDir, 'manifest.json')}: cannot read manifest`);
    await writeFile(join(runDir, 'manifest.json'), JSON.stringify({ manifestVersion: 2, runId: 'r', artifacts: {} }));
    await expect(ArtifactManifest.open(runDir, 'r')).rejects.toThrow('unsupported manifest (version 2)');
  });
});

const entry = (path: string, sha: string): ArtifactEntry => ({
  path,
  stage: path.split('/')[0] ?? '',
  sha256: sha.repeat(64),
  sizeBytes: 10,
  metadata: {},
});

const manifestOf = (runId: string, entries: ArtifactEntry[]): ManifestData => ({
  manifestVersion: 1,
  runId,
  artifacts: Object.fromEntries(entries.map((e) => [e.path, e])),
});

describe('diffManifests', () => {
  it('reports added, removed, modified and unchanged paths exactly, sorted', () => {
    const before = manifestOf('a', [
      entry('z/same.arrow', 'a'),
      entry('b/gone.arrow', 'b'),
      entry('c/changed.arrow', 'c'),
      entry('a/same.arrow', 'd'),
    ]);
    const after = manifestOf('b', [
      entry('a/same.arrow', 'd'),
      entry('c/changed.arrow', 'e'),
      entry('z/same.arrow', 'a'),
      entry('y/new.arrow', 'f'),
      entry('d/new.arrow', '1'),
    ]);
    expect(diffManifests(before, after)).toEqual({
      added: ['d/new.arrow', 'y/new.arrow'],
      removed: ['b/gone.arrow'],
      modified: [{ path: 'c/changed.arrow', before: 'c'.repeat(64), after: 'e'.repeat(64) }],
      unchanged: ['a/same.arrow', 'z/same.arrow'],
    });
  });

  it('ignores the run id, stage, size and metadata: only bytes count', () => {
    const before = manifestOf('a', [entry('x.arrow', 'a')]);
    const later = { ...entry('x.arrow', 'a'), stage: 'other', sizeBytes: 11, metadata: { note: 1 } };
    expect(diffManifests(before, manifestOf('b', [later]))).toEqual({ added: [], removed: [], modified: [], unchanged: ['x.arrow'] });
  });

  it('is empty both ways for empty manifests and mirrors added/removed when swapped', () => {
    expect(diffManifests(manifestOf('a', []), manifestOf('b', []))).toEqual({ added: [], removed: [], modified: [], unchanged: [] });
    const one = manifestOf('a', [entry('p.arrow', 'a')]);
    const two = manifestOf('b', [entry('q.arrow', 'b')]);
    expect(diffManifests(one, two)).toMatchObject({ added: ['q.arrow'], removed: ['p.arrow'] });
    expect(diffManifests(two, one)).toMatchObject({ added: ['p.arrow'], removed: ['q.arrow'] });
  });

  it('diffs two real runs whose files were written at different times', async () => {
    const first = await savedManifest();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await put('clean/MES.arrow', 'clean bars of MES'); // same bytes, new mtime
    await put('labels/MES.arrow', 'labels of MES, h5 and h60'); // same size, new bytes
    await first.record('clean/MES.arrow', 'clean');
    const before = await ArtifactManifest.read(join(runDir, 'manifest.json'));
    await first.record('labels/MES.arrow', 'label');
    const diff = diffManifests(before, first.toJSON());
    expect(diff.unchanged).toEqual(['clean/MES.arrow']);
    expect(diff.modified.map((m) => m.path)).toEqual(['labels/MES.arrow']);
  });
});

describe('recording a file streamed out by writeArrowBatches', () => {
  const table = () => new Table({ x: vectorFromArray(Float64Array.from({ length: 5000 }, (_, i) => i * 0.5)) });

  it('records the digest taken while writing, equal to the bytes on disk, without reading them back', async () => {
    const path = join(runDir, 'features', 'MES.arrow');
    await writeArrowFile(path, table());
    const bytes = await readFile(path);
    // The writer remembered the digest of what it wrote.
    expect(takeWrittenDigest(path, await stat(path, { bigint: true }))).toBe(sha256(bytes));
    await writeArrowFile(path, table());
    const entry = await (await ArtifactManifest.open(runDir, 'r')).record('features/MES.arrow', 'features');
    expect(entry.sha256).toBe(sha256(bytes));
    expect(entry.sizeBytes).toBe(bytes.length);
    expect(entry.sha256).toBe(await sha256File(path));
  });

  it('hashes the file again when it changed after it was written (same size, other bytes)', async () => {
    const path = join(runDir, 'features', 'MES.arrow');
    await writeArrowFile(path, table());
    const bytes = await readFile(path);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 0xff;
    await writeFile(path, bytes);
    const entry = await (await ArtifactManifest.open(runDir, 'r')).record(path, 'features');
    expect(entry.sha256).toBe(sha256(bytes));
  });

  it('uses a remembered digest once, and only for the file as written', async () => {
    const path = join(runDir, 'a.arrow');
    await writeArrowFile(path, table());
    const info = await stat(path, { bigint: true });
    rememberWrittenDigest(path, 'f'.repeat(64), info);
    expect(takeWrittenDigest(path, info)).toBe('f'.repeat(64));
    expect(takeWrittenDigest(path, info)).toBeUndefined();
    rememberWrittenDigest(path, 'f'.repeat(64), { ...info, ctimeNs: info.ctimeNs + 1n });
    expect(takeWrittenDigest(path, info)).toBeUndefined();
  });
});
