import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactManifest, DataError, defineStage } from '@tribar/core';
import type { PipelineEvent } from '../src/internal/events.js';
import { runPipeline } from '../src/internal/runner.js';
import { readCalls, testStages, type TestConfig } from './stages.js';

let dir: string;
let callLog: string;
const runsDir = () => join(dir, 'runs');
const baseConfig = (): TestConfig => ({ seed: 7, scale: 2, offset: 10, callLog });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-runner-'));
  callLog = join(dir, 'calls.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (config: TestConfig, extra: Partial<Parameters<typeof runPipeline<TestConfig>>[0]> = {}) =>
  runPipeline({ stages: testStages(), config, runsDir: runsDir(), runId: 'r1', ...extra });

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as unknown;

describe('runPipeline', () => {
  it('runs every stage in dependency order and records state, manifest and config', async () => {
    const result = await run(baseConfig());
    expect(result.status).toBe('completed');
    expect(await readCalls(callLog)).toEqual(['source', 'scaled', 'shifted', 'combined']);
    const state = (await readJson(join(result.runDir, 'state.json'))) as {
      stages: Record<string, { status: string; fingerprint: string }>;
    };
    expect(Object.values(state.stages).map((record) => record.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(state.stages['source']?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const manifest = await ArtifactManifest.open(result.runDir, 'r1');
    expect(manifest.list().map((entry) => [entry.path, entry.stage])).toEqual([
      ['combined/values.json', 'combined'],
      ['config.json', 'pipeline'],
      ['scaled/values.json', 'scaled'],
      ['shifted/values.json', 'shifted'],
      ['source/values.json', 'source'],
    ]);
    expect(await readJson(join(result.runDir, 'config.json'))).toEqual(baseConfig());
    const combined = (await readJson(join(result.runDir, 'combined/values.json'))) as { scaled: number[]; shifted: number[] };
    const source = (await readJson(join(result.runDir, 'source/values.json'))) as number[];
    expect(combined.scaled).toEqual(source.map((v) => v * 2));
    expect(combined.shifted).toEqual(source.map((v) => v + 10));
  });

  it('skips every stage on a re-run with nothing changed', async () => {
    await run(baseConfig());
    const events: PipelineEvent[] = [];
    const result = await run(baseConfig(), { onEvent: (event) => events.push(event) });
    expect(result.status).toBe('completed');
    expect(await readCalls(callLog)).toHaveLength(4);
    expect(events.filter((event) => event.type === 'stage-skip').map((event) => event.stage)).toEqual([
      'source',
      'scaled',
      'shifted',
      'combined',
    ]);
    expect(Object.values(result.state.stages).every((record) => record.reused)).toBe(true);
  });

  it('re-runs only the stage whose config slice changed and what depends on it', async () => {
    await run(baseConfig());
    await run({ ...baseConfig(), scale: 3 });
    expect((await readCalls(callLog)).slice(4)).toEqual(['scaled', 'combined']);
  });

  it('re-runs everything when the seed changes (every stage gets a seeded rng)', async () => {
    await run(baseConfig());
    await run({ ...baseConfig(), seed: 8 });
    expect((await readCalls(callLog)).slice(4)).toEqual(['source', 'scaled', 'shifted', 'combined']);
  });

  it('re-runs a stage whose external input bytes changed, and one whose output was tampered with', async () => {
    const sourceFile = join(dir, 'source.json');
    await writeFile(sourceFile, '[1, 2, 3]');
    const config = { ...baseConfig(), sourceFile };
    const first = await run(config);
    await writeFile(sourceFile, '[1, 2, 4]');
    await run(config);
    expect((await readCalls(callLog)).slice(4)).toEqual(['source', 'scaled', 'shifted', 'combined']);

    await writeFile(join(first.runDir, 'shifted/values.json'), '[0]');
    await run(config);
    // shifted's output no longer matches its manifest entry; it is rebuilt byte-identical, so combined stays valid.
    expect((await readCalls(callLog)).slice(8)).toEqual(['shifted']);
  });

  it('stops at a failed required stage, records the error and blocks what depends on it', async () => {
    const result = await run({ ...baseConfig(), failIn: 'scaled' });
    expect(result.status).toBe('failed');
    expect(result.state.stages['scaled']?.status).toBe('failed');
    expect(result.state.stages['scaled']?.error?.message).toBe('planted failure in scaled');
    expect(result.state.stages['shifted']).toMatchObject({ status: 'blocked', reason: "required stage 'scaled' failed" });
    expect(result.state.stages['combined']?.status).toBe('blocked');
    expect(await readCalls(callLog)).toEqual(['source', 'scaled']);

    const resumed = await run(baseConfig());
    expect(resumed.status).toBe('completed');
    expect((await readCalls(callLog)).slice(2)).toEqual(['scaled', 'shifted', 'combined']);
  });

  it("a stage's failure event carries a one-line message, the hint and the stack apart", async () => {
    const events: PipelineEvent[] = [];
    const picky = defineStage<TestConfig>({
      name: 'picky',
      description: 'throws a typed error with a hint',
      dependsOn: [],
      version: 1,
      configKeys: [],
      inputs: () => [],
      outputs: () => ['picky/out.bin'],
      run: () => Promise.reject(new DataError('close is not a number', { file: 'data/MES.csv', row: 17 }, { hint: 'Fix row 17.' })),
    });
    const result = await runPipeline({
      stages: [picky],
      config: baseConfig(),
      runsDir: runsDir(),
      runId: 'r1',
      onEvent: (event) => events.push(event),
    });
    expect(result.status).toBe('failed');
    const end = events.find((event) => event.type === 'stage-end');
    expect(end).toMatchObject({
      stage: 'picky',
      record: { status: 'failed' },
      error: { name: 'DataError', code: 'DATA_INVALID', message: 'data/MES.csv, row 17: close is not a number', hint: 'Fix row 17.' },
    });
    const error = end?.type === 'stage-end' ? end.error : undefined;
    expect(error?.message).not.toContain('\n');
    expect(error?.stack).toMatch(/^DataError: data\/MES.csv, row 17: close is not a number\n[^]*\n\s+at /);
  });

  it('a failure outside any stage (a missing external input) puts the same error on run-end, and is rethrown', async () => {
    const events: PipelineEvent[] = [];
    const missing = join(dir, 'no-such-input.json');
    await expect(run({ ...baseConfig(), sourceFile: missing }, { onEvent: (event) => events.push(event) })).rejects.toMatchObject({
      code: 'INPUT_MISSING',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      status: 'failed',
      error: { name: 'TribarError', code: 'INPUT_MISSING', message: `stage 'source' needs ${missing}, which does not exist` },
    });
  });

  it('continues past a failed optional stage, blocking only its dependents', async () => {
    const stages = testStages().map((stage) => (stage.name === 'scaled' ? { ...stage, required: false } : stage));
    const result = await runPipeline({ stages, config: { ...baseConfig(), failIn: 'scaled' }, runsDir: runsDir(), runId: 'r1' });
    expect(result.status).toBe('failed');
    expect(result.state.stages['shifted']?.status).toBe('completed');
    expect(result.state.stages['combined']).toMatchObject({ status: 'blocked', reason: "'scaled' did not complete" });
  });

  it('fails a stage that does not write a declared output', async () => {
    const lazy = defineStage<TestConfig>({
      name: 'lazy',
      description: 'declares an output it never writes',
      dependsOn: [],
      version: 1,
      configKeys: [],
      inputs: () => [],
      outputs: () => ['lazy/out.bin'],
      run: async () => {},
    });
    const result = await runPipeline({ stages: [lazy], config: baseConfig(), runsDir: runsDir(), runId: 'r1' });
    expect(result.state.stages['lazy']?.error?.message).toMatch(/finished without writing lazy\/out.bin/);
  });

  it('--from re-runs the stage and its descendants even when up to date', async () => {
    await run(baseConfig());
    const result = await run(baseConfig(), { from: 'shifted' });
    expect(result.status).toBe('completed');
    expect((await readCalls(callLog)).slice(4)).toEqual(['shifted', 'combined']);
  });

  it('--only runs exactly the named stages, and refuses when an upstream result is missing', async () => {
    await expect(run(baseConfig(), { only: ['combined'] })).rejects.toThrow(/stage 'source' has no intact completed outputs/);
    expect(existsSync(join(runsDir(), 'r1'))).toBe(false);
    await run(baseConfig());
    await run(baseConfig(), { only: ['scaled'] });
    expect((await readCalls(callLog)).slice(4)).toEqual(['scaled']);
  });

  it('reports progress and stage lifecycle events in order', async () => {
    const events: PipelineEvent[] = [];
    await run(baseConfig(), { onEvent: (event) => events.push(event) });
    const sourceEvents = events.filter((event) => 'stage' in event && event.stage === 'source').map((event) => event.type);
    expect(sourceEvents[0]).toBe('stage-start');
    expect(sourceEvents.at(-1)).toBe('stage-end');
    const progress = events.filter((event) => event.type === 'stage-progress');
    expect(progress.at(-1)).toMatchObject({ stage: 'source', current: 3, total: 3, unit: 'values' });
    expect(events[0]?.type).toBe('run-start');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
  });

  it('rejects run ids that could escape the runs folder', async () => {
    await expect(run(baseConfig(), { runId: '../escape' })).rejects.toThrow(/run id/);
  });
});
