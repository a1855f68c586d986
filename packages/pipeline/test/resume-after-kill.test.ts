import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactManifest, diffManifests } from '@tribar/core';
import { runPipeline } from '../src/internal/runner.js';
import { readRunState } from '../src/internal/state.js';
import { readCalls, testStages, type TestConfig } from './stages.js';

const harness = join(import.meta.dirname, 'run-harness.ts');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-kill-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function waitFor(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a run killed during a stage', () => {
  it('resumes by skipping the completed stages and ends with the same manifest as an uninterrupted run', async () => {
    const runsDir = join(dir, 'runs');
    const callLog = join(dir, 'calls.log');
    const startedMarker = join(dir, 'shifted-started');
    const config: TestConfig = {
      seed: 11,
      scale: 2,
      offset: 5,
      callLog,
      // `shifted` blocks until this file exists, which it never will in the killed process.
      pause: { stage: 'shifted', startedMarker, releaseFile: join(dir, 'never') },
    };

    const child = spawn(process.execPath, ['--import', tsxLoader, harness, runsDir, 'killed', JSON.stringify(config)], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(startedMarker, 60_000).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n${stderr}`);
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const killedState = await readRunState(join(runsDir, 'killed'));
    expect(killedState?.stages['source']?.status).toBe('completed');
    expect(killedState?.stages['scaled']?.status).toBe('completed');
    expect(killedState?.stages['shifted']?.status).toBe('running');
    expect(killedState?.stages['combined']?.status).toBe('pending');
    expect(await readCalls(callLog)).toEqual(['source', 'scaled', 'shifted']);

    // Resume in this process, without the pause: the completed stages must not run again.
    const { pause: _pause, ...resumeConfig } = config;
    const resumed = await runPipeline({ stages: testStages(), config: resumeConfig, runsDir, runId: 'killed' });
    expect(resumed.status).toBe('completed');
    expect((await readCalls(callLog)).slice(3)).toEqual(['shifted', 'combined']);
    expect(resumed.state.stages['source']?.reused).toBe(true);
    expect(resumed.state.stages['scaled']?.reused).toBe(true);

    // An uninterrupted run with the same seed and config.
    writeFileSync(callLog, '');
    const clean = await runPipeline({ stages: testStages(), config: resumeConfig, runsDir, runId: 'uninterrupted' });
    expect(clean.status).toBe('completed');

    const killedManifest = await ArtifactManifest.read(join(runsDir, 'killed', 'manifest.json'));
    const cleanManifest = await ArtifactManifest.read(join(runsDir, 'uninterrupted', 'manifest.json'));
    const diff = diffManifests(killedManifest, cleanManifest);
    expect(diff).toMatchObject({ added: [], removed: [], modified: [] });
    // The four stage outputs and config.json (the resumed run's config, as the uninterrupted run's).
    expect(diff.unchanged).toHaveLength(5);
    for (const [path, entry] of Object.entries(cleanManifest.artifacts)) {
      expect(killedManifest.artifacts[path]).toMatchObject({ sha256: entry.sha256, sizeBytes: entry.sizeBytes, stage: entry.stage });
    }
    // No temporary file survived the kill.
    const leftovers = (await readFile(join(runsDir, 'killed', 'manifest.json'), 'utf8')).includes('.tmp-');
    expect(leftovers).toBe(false);
    expect(await ArtifactManifest.open(join(runsDir, 'killed'), 'killed').then((m) => m.verify())).toEqual([]);
  });
});
