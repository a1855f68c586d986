// Same config + seed → byte-identical artifacts and manifest (issue 13, "Reproducibility"). Only `state.json`
// (timings, run id) and `logs/` may differ between two runs; timings live there, not in artifacts.
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonArtifact, runState } from '@tribar/artifacts';
import { loadConfig } from '@tribar/config';
import { registeredStages } from '../src/internal/registry.js';
import { runPipeline } from '../src/internal/runner.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-repro-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every artifact file of a run folder (run-relative, `/`-separated), without `state.json` and `logs/`. */
async function artifactFiles(runDir: string): Promise<string[]> {
  const entries = await readdir(runDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(runDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => path !== 'state.json' && !path.startsWith('logs/'))
    .sort();
}

/**
 * Two runs of one config (plus `ga.workers`), with different run ids. In separate runs folders both search the GA;
 * in one (`shared`), the second run takes the GA results from the runs folder's cache.
 */
async function runTwice(overrides: string[], workers: [number, number], shared = false): Promise<[string, string]> {
  const dirs: string[] = [];
  for (const [index, count] of workers.entries()) {
    const { config } = await loadConfig({
      overrides: [
        // Phase 1 only unless a test names models (the default trains logistic and gbdt).
        'train.models=[]',
        'data.synthetic.days=14',
        'splits.embargoBars=100',
        'splits.purgeBars=40',
        'ga.populationSize=6',
        'ga.generations=2',
        'ga.minSubsetBars=200',
        'horizons=[5]',
        `ga.workers=${count}`,
        ...overrides,
      ],
    });
    // Different run ids in different folders: the id is identity, not content.
    const result = await runPipeline({
      stages: registeredStages(config),
      config,
      runsDir: join(dir, shared ? 'runs-shared' : `runs-${index}`),
      runId: `repro-${index}-${Date.now()}`,
    });
    expect(result.status).toBe('completed');
    dirs.push(result.runDir);
  }
  return [dirs[0] as string, dirs[1] as string];
}

interface ManifestShape {
  artifacts: Record<string, { path: string }>;
}

async function expectSameBytes(a: string, b: string, except: string[] = []): Promise<string[]> {
  const files = await artifactFiles(a);
  expect(await artifactFiles(b)).toEqual(files);
  const differing: string[] = [];
  for (const file of files) {
    if (except.includes(file)) continue;
    const [x, y] = await Promise.all([readFile(join(a, file)), readFile(join(b, file))]);
    if (!x.equals(y)) differing.push(file);
  }
  expect(differing).toEqual([]);
  return files;
}

describe('two runs with one config and seed', () => {
  it('write byte-identical artifacts, whatever the GA worker count (only config.json records the count)', async () => {
    const [a, b] = await runTwice([], [1, 2]);
    const files = await expectSameBytes(a, b, ['config.json', 'manifest.json']);
    const [first, second] = await Promise.all(
      [a, b].map(async (runDir) => JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as ManifestShape),
    );
    const withoutConfig = ({ artifacts }: ManifestShape) => Object.values(artifacts).filter((entry) => entry.path !== 'config.json');
    expect(withoutConfig(first as ManifestShape)).toEqual(withoutConfig(second as ManifestShape));
    expect(withoutConfig(first as ManifestShape).length).toBe(files.length - 2);
    expect(files).toContain('features/report.json');
    expect(files).toContain('validate/report.json');
    expect(files).toContain('report/report.json');
    expect(files.some((file) => file.startsWith('ga-optimize/MES_h'))).toBe(true);
  });

  it('write byte-identical artifacts and manifests with training (logistic), one runs folder (GA cache hit) and one tracker', async () => {
    const [a, b] = await runTwice(['train.models=["logistic"]', `train.tracking.dir=${join(dir, 'mlruns')}`], [2, 2], true);
    const files = await expectSameBytes(a, b);
    expect(files).toContain('manifest.json');
    expect(files).toContain('config.json');
    expect(files).toContain('train/summary.json');
    expect(files.some((file) => /^train\/logistic-MES-h5\/metrics\.json$/.test(file))).toBe(true);
    expect(files.some((file) => /^train\/logistic-MES-h5\/history\.json$/.test(file))).toBe(true);
    // The times, the GA cache hit and the tracker link are where they belong: each run's state.json.
    const [first, second] = await Promise.all([a, b].map((runDir) => readJsonArtifact(runDir, runState)));
    expect(first?.stages['features']?.metrics?.['totalMs']).toBeTypeOf('number');
    expect(first?.stages['ga-optimize']?.metrics?.['MES_h5.cached']).toBe(false);
    expect(second?.stages['ga-optimize']?.metrics?.['MES_h5.cached']).toBe(true);
    expect(first?.stages['ga-optimize']?.metrics?.['MES_h5.seconds']).toBeTypeOf('number');
    expect(first?.stages['train']?.metrics?.['logistic_MES_h5.fitSeconds']).toBeTypeOf('number');
    const tracked = [first, second].map((state) => state?.stages['train']?.metrics?.['logistic_MES_h5.trackerRunId']);
    expect(tracked[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(tracked[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(tracked[1]).not.toBe(tracked[0]);
  });
});
