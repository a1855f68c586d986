import { gaResultSchema, gaSummary, gaSummarySchema, readJsonArtifact } from '@tribar/artifacts';
import { recordConfigReads, undeclaredConfigReads } from '@tribar/config';
import { createStageContext, Rng, type StageOutcome } from '@tribar/core';
import { calendarCuts, countBefore } from '@tribar/market';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGaOptimizeStage, gaOptimizeStage, searchThreads } from '../src/internal/stage.js';
import { config, run, runFolder, seriesFor } from './stage-helpers.js';

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

describe('ga-optimize stage', () => {
  it('writes every declared output, the summary in the agreed shape, valid barriers on the train part', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(root);
    const runConfig = config();
    const runDir = await runFolder(root, 'run-1');
    const { summary, report } = await run(runDir, runConfig);
    for (const output of gaOptimizeStage.outputs(runConfig)) await expect(readFile(join(runDir, output))).resolves.toBeDefined();
    expect(Object.keys(summary)).toEqual(['results']);
    expect(Object.keys(summary.results)).toEqual(['MES', 'MGC']);
    for (const symbol of ['MES', 'MGC']) {
      const entry = summary.results[symbol]?.['5'];
      expect(Object.keys(entry ?? {}).sort()).toEqual(['fitness', 'kDown', 'kUp', 'maxBars', 'valid']);
      expect(entry?.valid).toBe(true);
      expect(entry?.kUp).toBeGreaterThanOrEqual(0.8);
      expect(entry?.kUp).toBeLessThanOrEqual(4);
      expect(entry?.maxBars).toBeGreaterThanOrEqual(10);
      expect(entry?.maxBars).toBeLessThanOrEqual(15);
      const detail = (await report(symbol, 5)) as {
        optimisation: { startRow: number; endRow: number; pctNeutral: number; valid: boolean };
        train: { rows: number; pctNeutral: number };
        convergence: { generation: number }[];
      };
      const timestamps = seriesFor(symbol).timestamp;
      const { trainEnd } = calendarCuts([seriesFor('MES').timestamp, seriesFor('MGC').timestamp], runConfig.splits);
      expect(detail.train.rows).toBe(countBefore(timestamps, trainEnd));
      expect(detail.optimisation.endRow).toBeLessThanOrEqual(detail.train.rows);
      expect(detail.optimisation.endRow - detail.optimisation.startRow).toBe(Math.max(500, Math.floor(0.3 * detail.train.rows)));
      expect(detail.optimisation.valid).toBe(true);
      expect(detail.optimisation.pctNeutral).toBeGreaterThanOrEqual(0.15);
      expect(detail.optimisation.pctNeutral).toBeLessThanOrEqual(0.4);
      expect(detail.convergence.map((row) => row.generation)).toEqual([0, 1, 2, 3]);
    }
    // The files have exactly the contract's shape: parsing drops no key and changes no value.
    const rawSummary: unknown = JSON.parse(await readFile(join(runDir, 'ga-optimize', 'summary.json'), 'utf8'));
    expect(gaSummarySchema.parse(rawSummary)).toEqual(rawSummary);
    for (const symbol of ['MES', 'MGC']) {
      const raw = await report(symbol, 5);
      expect(gaResultSchema.parse(raw)).toEqual(raw);
      expect(Object.keys(raw)).toEqual(Object.keys(gaResultSchema.shape));
    }
    const svg = await readFile(join(runDir, 'ga-optimize', 'MGC_h5.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('MGC H5');
  });

  it('takes the train part from cut/cut.json and computes no cut of its own', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(root);
    const runConfig = config();
    // A cut 1,000 bars into the series, far before the one calendarCuts would give (≈ 70 %).
    const trainEndMs = (seriesFor('MES').timestamp[1000] as number) + 1;
    const { report, outcome } = await run(await runFolder(root, 'run', undefined, trainEndMs), runConfig);
    for (const symbol of ['MES', 'MGC']) {
      const detail = (await report(symbol, 5)) as { trainEnd: string; train: { rows: number }; optimisation: { endRow: number } };
      expect(detail.train.rows).toBe(1001);
      expect(detail.trainEnd).toBe(new Date(trainEndMs).toISOString());
      expect(detail.optimisation.endRow).toBeLessThanOrEqual(1001);
    }
    expect((outcome as StageOutcome).metrics?.['trainEnd']).toBe(new Date(trainEndMs).toISOString());
    expect(gaOptimizeStage.dependsOn).toContain('cut');
    expect(gaOptimizeStage.inputs(runConfig)).toContain('cut/cut.json');
    expect(gaOptimizeStage.configKeys.filter((key) => key.startsWith('splits'))).toEqual([]);
  });

  it('fails naming cut/cut.json when the cut is missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(root);
    const runDir = await runFolder(root, 'run');
    await rm(join(runDir, 'cut'), { recursive: true });
    await expect(run(runDir, config())).rejects.toThrow(/cut[/\\]cut\.json/);
  });

  it('reads only the train part: changing bars at or after trainEnd changes nothing', async () => {
    const runConfig = config();
    const { trainEnd } = calendarCuts([seriesFor('MES').timestamp, seriesFor('MGC').timestamp], runConfig.splits);
    const rootA = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    const rootB = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(rootA, rootB);
    const plain = await run(await runFolder(rootA, 'run'), runConfig);
    const scrambled = await run(
      await runFolder(rootB, 'run', (_symbol, bars) => {
        const from = countBefore(bars.timestamp, trainEnd);
        for (let i = from; i < bars.close.length; i++) {
          for (const column of [bars.open, bars.high, bars.low, bars.close]) column[i] = (column[i] as number) * (1 + (i % 7) * 0.01);
          bars.atr[i] = (bars.atr[i] as number) * 3;
        }
      }),
      runConfig,
    );
    expect(scrambled.summary).toEqual(plain.summary);
    for (const symbol of ['MES', 'MGC']) {
      expect(await scrambled.report(symbol, 5)).toEqual(await plain.report(symbol, 5));
    }
  });

  it('writes byte-identical outputs on 2 workers (one pool shared by all searches) as on 1', async () => {
    const rootA = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    const rootB = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(rootA, rootB);
    const both = { horizons: [5, 20], ga: { bounds: { kUp: [0.8, 4] as [number, number], kDown: [0.8, 4] as [number, number] } } };
    const one = await run(await runFolder(rootA, 'run'), config({ ...both, ga: { ...both.ga, workers: 1 } }));
    // These searches are far below the pool's threshold: force the pool so its path is the one compared.
    const two = await run(await runFolder(rootB, 'run'), config({ ...both, ga: { ...both.ga, workers: 2 } }), {
      stage: createGaOptimizeStage({ poolMinBarScans: 0 }),
    });
    expect(two.outcome.metrics?.['MGC_h20.threads']).toBe(2);
    expect(one.outcome.metrics?.['MGC_h20.threads']).toBe(1);
    expect(two.summary).toEqual(one.summary);
    expect(Object.keys(two.summary.results['MGC'] ?? {})).toEqual(['5', '20']);
    // Every output, byte for byte: neither the worker count nor a timing is part of an artifact.
    const outputs = (await readdir(join(rootA, 'run', 'ga-optimize'))).sort();
    expect(outputs).toHaveLength(9);
    expect((await readdir(join(rootB, 'run', 'ga-optimize'))).sort()).toEqual(outputs);
    for (const name of outputs) {
      const [a, b] = await Promise.all([rootA, rootB].map((root) => readFile(join(root, 'run', 'ga-optimize', name))));
      expect(a?.equals(b as Buffer), name).toBe(true);
    }
    expect(one.outcome.metrics?.['MGC_h20.seconds']).toBeTypeOf('number');
    expect(one.outcome.metrics?.['MGC_h20.cached']).toBe(false);
  });

  it('evolves a search too small to pay for a worker pool on the main thread, with the same bytes', async () => {
    const rootA = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    const rootB = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(rootA, rootB);
    const two = config({ ga: { workers: 2 } });
    // 12 × 4 evaluations of a block of under a thousand rows: far under the 60 M threshold.
    const small = await run(await runFolder(rootA, 'run'), two);
    const pooled = await run(await runFolder(rootB, 'run'), two, { stage: createGaOptimizeStage({ poolMinBarScans: 0 }) });
    expect(small.outcome.metrics?.['MES_h5.threads']).toBe(1);
    expect(pooled.outcome.metrics?.['MES_h5.threads']).toBe(2);
    for (const name of (await readdir(join(rootA, 'run', 'ga-optimize'))).sort()) {
      const [a, b] = await Promise.all([rootA, rootB].map((root) => readFile(join(root, 'run', 'ga-optimize', name))));
      expect(a?.equals(b as Buffer), name).toBe(true);
    }
  });

  it('uses the pool from 60 M bar scans per search (population × (generations + 1) × block rows)', () => {
    const ga = config({ ga: { workers: 2, populationSize: 50, generations: 30 } }).ga;
    // The default year's block (≈ 14,600 rows: 22.6 M scans) stays on one thread; four years' (≈ 58,000) pool.
    expect(searchThreads(ga, 14_566)).toBe(1);
    expect(searchThreads(ga, 38_710)).toBe(2);
    expect(searchThreads(ga, 38_709)).toBe(1);
    expect(searchThreads({ ...ga, workers: 1 }, 1_000_000)).toBe(1);
    expect(searchThreads({ ...ga, workers: 3 }, 100, 0)).toBe(3);
  });

  it('with the GA disabled, writes the configured barriers marked invalid and evolves nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(root);
    const { summary, report } = await run(await runFolder(root, 'run'), config({ ga: { enabled: false } }));
    expect(summary.results['MES']?.['5']).toEqual({ kUp: 1.5, kDown: 1.0, maxBars: 12, valid: false, fitness: null });
    expect(summary.results['MGC']?.['5']).toMatchObject({ kUp: 1.2, kDown: 1.2, maxBars: 12, valid: false });
    const disabled = await report('MES', 5);
    expect(disabled).toMatchObject({
      evaluations: 0,
      fitness: null,
      valid: false,
      best: { kUp: 1.5, kDown: 1.0, maxBars: 12, genes: [] },
      convergence: [],
    });
    expect(gaResultSchema.parse(disabled)).toEqual(disabled);
  });

  it('declares every config path it reads (run under a recording proxy, GA on and off)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(root);
    const read = new Set<string>();
    for (const enabled of [true, false]) {
      const runConfig = config({ ga: { enabled } });
      // The context is built from the plain config (the harness's own reads, such as the seed, are not the stage's).
      const context = createStageContext({ runDir: await runFolder(root, `run-${enabled}`), config: runConfig, rng: new Rng(1) });
      await gaOptimizeStage.run({ ...context, config: recordConfigReads(structuredClone(runConfig), read).config });
    }
    expect(undeclaredConfigReads(read, gaOptimizeStage.configKeys)).toEqual([]);
    // The proxy sees the reads that matter, including those made inside config helpers.
    expect([...read]).toEqual(
      expect.arrayContaining([
        'symbols',
        'horizons',
        'ga.enabled',
        'labels.atrFeature',
        'contracts.MES.tickSize',
        'barriers.bySymbol.MES.5.kUp',
      ]),
    );
    // And every declared key is read by one of the two runs (none is stale), except `defaultContract`,
    // which contractFor reads only for a symbol missing from `contracts`.
    const unread = gaOptimizeStage.configKeys.filter((key) => ![...read].some((path) => path === key || path.startsWith(`${key}.`)));
    expect(unread).toEqual(['defaultContract']);
  });

  it('a summary of the wrong shape is refused by the contract, naming the file and the field', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tribar-ga-'));
    roots.push(root);
    const runDir = join(root, 'run');
    await mkdir(join(runDir, 'ga-optimize'), { recursive: true });
    const entry = { kUp: 1.5, kDown: 1.0, maxBars: 12, valid: true, fitness: 1.2 };
    await writeFile(join(runDir, 'ga-optimize', 'summary.json'), JSON.stringify({ results: { MES: { '5': entry } } }));
    await expect(readJsonArtifact(runDir, gaSummary)).resolves.toEqual({ results: { MES: { '5': entry } } });
    await writeFile(
      join(runDir, 'ga-optimize', 'summary.json'),
      JSON.stringify({ results: { MES: { '5': { ...entry, maxBars: 12.5 } } } }),
    );
    await expect(readJsonArtifact(runDir, gaSummary)).rejects.toThrow(/summary\.json.*field 'results\.MES\.5\.maxBars'/);
    await writeFile(
      join(runDir, 'ga-optimize', 'summary.json'),
      JSON.stringify({ results: { MES: { '5': { kUp: 1.5, kDown: 1.0, maxBars: 12 } } } }),
    );
    await expect(readJsonArtifact(runDir, gaSummary)).rejects.toThrow(/field 'results\.MES\.5\.valid'/);
  });
});
