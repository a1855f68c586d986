import { createRootLogger } from '@tribar/core';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clearGaCache,
  gaCacheDir,
  gaCacheEntryPath,
  gaCacheKey,
  readGaCache,
  writeGaCache,
  type GaCacheKeyInput,
} from '../src/internal/cache.js';
import { config, run, runFolder } from './stage-helpers.js';

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function newRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tribar-ga-cache-'));
  roots.push(root);
  return root;
}

/** Every file under `dir`, relative to it, sorted. */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(at, entry.name));
      else out.push(relative(dir, join(at, entry.name)));
    }
  };
  await walk(dir);
  return out.sort();
}

/** An output's bytes: a search and a cache hit write the same ones (the hit flag and timing are metrics, not content). */
async function outputText(runDir: string, name: string): Promise<string> {
  return readFile(join(runDir, 'ga-optimize', name), 'utf8');
}

const OUTPUTS = ['summary.json', 'MES_h5.json', 'MES_h5.svg', 'MGC_h5.json', 'MGC_h5.svg'];

/** What the stage's reads expect of an entry under the test config: 3 generations at horizon 5, the default bounds. */
const EXPECTED = { generations: 3, horizon: 5, bounds: config().ga.bounds };

/** A logger that keeps its warnings. */
function capturingLogger() {
  const warnings: { msg: string; path?: string; problem?: string }[] = [];
  const logger = createRootLogger({
    level: 'warn',
    streams: [{ stream: { write: (line: string) => void warnings.push(JSON.parse(line) as never) } as never }],
  });
  return { logger, warnings };
}

describe('the GA cache: a content-addressed store under the runs root', () => {
  it('lives at <runsRoot>/.cache/ga/<first 2 hex>/<key>.json', () => {
    expect(gaCacheDir('/data/runs')).toBe('/data/runs/.cache/ga');
    expect(gaCacheDir('runs')).toBe(join(resolve('runs'), '.cache', 'ga'));
    const key = 'ab'.padEnd(64, '0');
    expect(gaCacheEntryPath('/data/runs', key)).toBe(`/data/runs/.cache/ga/ab/${key}.json`);
  });

  it('the key is a SHA-256 of every input, independent of key order', () => {
    const input: GaCacheKeyInput = {
      stageVersion: 1,
      trainSha256: 'f'.repeat(64),
      block: { start: 10, end: 510 },
      horizon: 5,
      ga: { generations: 3, populationSize: 12 },
      contract: { tickSize: 0.25 },
      asymmetry: 'upperWider',
      labels: { costAware: false, sameBarRule: 'nearerOpen' },
      seed: 7,
    };
    const key = gaCacheKey(input);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(gaCacheKey({ ...input, ga: { populationSize: 12, generations: 3 } })).toBe(key);
    const changes: Partial<GaCacheKeyInput>[] = [
      { stageVersion: 2 },
      { trainSha256: 'e'.repeat(64) },
      { block: { start: 11, end: 511 } },
      { horizon: 20 },
      { ga: { generations: 4, populationSize: 12 } },
      { contract: { tickSize: 0.1 } },
      { asymmetry: 'symmetric' },
      { labels: { costAware: true, sameBarRule: 'nearerOpen' } },
      { seed: 8 },
    ];
    for (const change of changes) expect(gaCacheKey({ ...input, ...change }), JSON.stringify(change)).not.toBe(key);
  });

  it('same inputs: the second run is a hit and writes byte-identical outputs', async () => {
    const root = await newRoot();
    const first = await run(await runFolder(root, 'run-1'), config());
    const again = await run(await runFolder(root, 'run-2'), config());
    for (const symbol of ['MES', 'MGC']) {
      expect(first.outcome.metrics?.[`${symbol}_h5.cached`]).toBe(false);
      expect(again.outcome.metrics?.[`${symbol}_h5.cached`]).toBe(true);
    }
    expect(await readFile(join(root, 'run-2', 'ga-optimize', 'summary.json'))).toEqual(
      await readFile(join(root, 'run-1', 'ga-optimize', 'summary.json')),
    );
    for (const name of OUTPUTS) expect(await outputText(join(root, 'run-2'), name), name).toBe(await outputText(join(root, 'run-1'), name));
    // One entry per search, sharded by the key's first two hex digits; the value is the search's result.
    const entries = await files(gaCacheDir(root));
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatch(/^([0-9a-f]{2})\/\1[0-9a-f]{62}\.json$/);
    const values = await Promise.all(
      entries.map(
        async (entry) => JSON.parse(await readFile(join(gaCacheDir(root), entry), 'utf8')) as { params: object; convergence: unknown[] },
      ),
    );
    const bests = await Promise.all(
      ['MES', 'MGC'].map(async (symbol) => ((await first.report(symbol, 5)) as { best: { genes: unknown } }).best),
    );
    expect(values.map((value) => value.params)).toEqual(expect.arrayContaining(bests.map(({ genes: _genes, ...params }) => params)));
    for (const value of values) expect(value.convergence).toHaveLength(4);
  });

  it('misses on any change of a train-part bar, a config key or the seed; hits on bars after the cut and other worker counts', async () => {
    const root = await newRoot();
    const first = await run(await runFolder(root, 'run-0'), config());
    const mes = (await first.report('MES', 5)) as { optimisation: { startRow: number; endRow: number }; train: { rows: number } };
    // A train row outside the block: the search's block is unchanged, the train part is not.
    const outside = mes.optimisation.startRow > 0 ? mes.optimisation.startRow - 1 : mes.optimisation.endRow;
    expect(outside).toBeLessThan(mes.train.rows);
    let n = 0;
    const cachedAfter = async (options: {
      edit?: Parameters<typeof runFolder>[2];
      overrides?: Parameters<typeof config>[0];
      seed?: number;
    }) => {
      const result = await run(
        await runFolder(root, `run-${++n}`, options.edit),
        config(options.overrides),
        options.seed === undefined ? {} : { seed: options.seed },
      );
      return { MES: result.outcome.metrics?.['MES_h5.cached'], MGC: result.outcome.metrics?.['MGC_h5.cached'] };
    };
    expect(
      await cachedAfter({ edit: (symbol, bars) => symbol === 'MES' && (bars.atr[outside] = (bars.atr[outside] as number) * 1.01) }),
    ).toEqual({ MES: false, MGC: true });
    expect(await cachedAfter({ edit: (symbol, bars) => symbol === 'MGC' && (bars.close[3] = (bars.close[3] as number) + 0.1) })).toEqual({
      MES: true,
      MGC: false,
    });
    // Bars at or after the cut are not the train part: still a hit.
    expect(await cachedAfter({ edit: (_symbol, bars) => bars.atr.fill(1, mes.train.rows + 10) })).toEqual({ MES: true, MGC: true });
    expect(await cachedAfter({ overrides: { ga: { generations: 2 } } })).toEqual({ MES: false, MGC: false });
    expect(await cachedAfter({ overrides: { labels: { costAware: true } } })).toEqual({ MES: false, MGC: false });
    expect(
      await cachedAfter({
        overrides: {
          contracts: {
            MES: { tickSize: 0.25, tickValue: 1.25, commissionTicks: 1, slippageTicks: 0.5 },
            MGC: { tickSize: 0.1, tickValue: 1.0, commissionTicks: 0.3, slippageTicks: 0.75 },
          },
        },
      }),
    ).toEqual({ MES: false, MGC: true });
    expect(await cachedAfter({ seed: 2 })).toEqual({ MES: false, MGC: false });
    // The worker count cannot change a result, so it is not part of the key.
    expect(await cachedAfter({ overrides: { ga: { workers: 2 } } })).toEqual({ MES: true, MGC: true });
  });

  it('never trusts a corrupt or wrong-shape entry: warns, recomputes the same result and rewrites the entry', async () => {
    const root = await newRoot();
    await run(await runFolder(root, 'run-1'), config());
    const entries = await files(gaCacheDir(root));
    expect(entries).toHaveLength(2);
    const [broken, wrong] = entries.map((entry) => join(gaCacheDir(root), entry)) as [string, string];
    const good = { broken: await readFile(broken, 'utf8'), wrong: await readFile(wrong, 'utf8') };
    await writeFile(broken, good.broken.slice(0, 200));
    const truncated = JSON.parse(good.wrong) as { convergence: unknown[] };
    await writeFile(wrong, JSON.stringify({ ...truncated, convergence: truncated.convergence.slice(1) }));

    const { logger, warnings } = capturingLogger();
    const second = await run(await runFolder(root, 'run-2'), config(), { logger });
    for (const symbol of ['MES', 'MGC']) expect(second.outcome.metrics?.[`${symbol}_h5.cached`]).toBe(false);
    for (const name of OUTPUTS) expect(await outputText(join(root, 'run-2'), name), name).toBe(await outputText(join(root, 'run-1'), name));
    const cacheWarnings = warnings.filter((warning) => warning.msg.startsWith('GA cache entry'));
    expect(cacheWarnings.map((warning) => warning.path).sort()).toEqual([broken, wrong].sort());
    expect(cacheWarnings.find((warning) => warning.path === wrong)?.problem).toMatch(/generations/);
    expect(await readFile(broken, 'utf8')).toBe(good.broken);
    expect(await readFile(wrong, 'utf8')).toBe(good.wrong);

    // A value of the wrong type is refused as well.
    const key = entries[0]?.split('/')[1]?.replace('.json', '') as string;
    await writeFile(gaCacheEntryPath(root, key), JSON.stringify({ ...(JSON.parse(good.broken) as object), fitness: 'high' }));
    const { logger: quiet, warnings: typeWarnings } = capturingLogger();
    expect(await readGaCache(root, key, EXPECTED, quiet)).toBeUndefined();
    expect(typeWarnings[0]?.problem).toMatch(/fitness/);
    // And a missing entry is a plain miss, without a warning.
    expect(await readGaCache(root, '00'.padEnd(64, '1'), EXPECTED, quiet)).toBeUndefined();
    expect(typeWarnings).toHaveLength(1);
  });

  it('never trusts an entry with barriers outside the bounds in force, or one stored under another key', async () => {
    const root = await newRoot();
    await run(await runFolder(root, 'run-1'), config());
    const paths = (await files(gaCacheDir(root))).map((entry) => join(gaCacheDir(root), entry));
    expect(paths).toHaveLength(2);
    const good = await Promise.all(paths.map(async (path) => readFile(path, 'utf8')));
    type Entry = { key: string; params: { kUp: number; kDown: number; maxBars: number }; genes: number[] };
    const entry = (index: number) => JSON.parse(good[index] as string) as Entry;
    expect(entry(0).key).toBe(
      relative(gaCacheDir(root), paths[0] as string)
        .split('/')[1]
        ?.replace('.json', ''),
    );
    // kUp 9 ATR: outside the default bounds [0.8, 4], yet consistent with its genes, as a hand-edited entry would be.
    const far = entry(0);
    far.params.kUp = 9;
    far.genes[0] = 9;
    await writeFile(paths[0] as string, JSON.stringify(far));
    // Inside the bounds, but the barriers are not the genes' decoding (maxBars out of the horizon's range).
    const off = entry(1);
    off.params.maxBars = 400;
    await writeFile(paths[1] as string, JSON.stringify(off));

    const { logger, warnings } = capturingLogger();
    const second = await run(await runFolder(root, 'run-2'), config(), { logger });
    for (const symbol of ['MES', 'MGC']) expect(second.outcome.metrics?.[`${symbol}_h5.cached`]).toBe(false);
    for (const name of OUTPUTS) expect(await outputText(join(root, 'run-2'), name), name).toBe(await outputText(join(root, 'run-1'), name));
    expect(warnings.map((warning) => [warning.path, warning.problem])).toEqual(
      expect.arrayContaining([
        [paths[0], "barriers outside the GA's bounds: kUp 9 not in [0.8, 4]"],
        [paths[1], expect.stringMatching(/^barriers \(kUp .*, maxBars 400\) are not its genes' \(.*maxBars \d+\)$/)],
      ]),
    );
    expect(warnings).toHaveLength(2);
    // Replaced by the recomputed (good) entries.
    expect(await Promise.all(paths.map(async (path) => readFile(path, 'utf8')))).toEqual(good);

    // An entry copied under another key's name: a miss (one warning), and replaced.
    await writeFile(paths[1] as string, good[0] as string);
    const { logger: third, warnings: moved } = capturingLogger();
    const again = await run(await runFolder(root, 'run-3'), config(), { logger: third });
    expect([again.outcome.metrics?.['MES_h5.cached'], again.outcome.metrics?.['MGC_h5.cached']].sort()).toEqual([false, true]);
    expect(moved.map((warning) => [warning.path, warning.problem])).toEqual([
      [paths[1], expect.stringMatching(/^stored under key [0-9a-f]{12}…, read as [0-9a-f]{12}…$/)],
    ]);
    expect(await readFile(paths[1] as string, 'utf8')).toBe(good[1]);
  });

  it('clearGaCache deletes the store (and the folder earlier versions used) and counts what it removed', async () => {
    const root = await newRoot();
    expect(await clearGaCache(root)).toEqual({ entries: 0, bytes: 0 });
    expect(await clearGaCache(join(root, 'no-such-folder'))).toEqual({ entries: 0, bytes: 0 });

    await run(await runFolder(root, 'run-1'), config());
    const result = {
      params: { kUp: 1, kDown: 1, maxBars: 10 },
      genes: [1, 1, 2],
      fitness: 1,
      valid: true,
      evaluations: 0,
      convergence: [],
    };
    await writeGaCache(root, 'ff'.padEnd(64, '0'), result);
    await mkdir(join(root, '.cache', 'ga-optimize'), { recursive: true });
    await writeFile(join(root, '.cache', 'ga-optimize', 'old.json'), '{"old":true}\n');
    await mkdir(join(root, '.cache', 'other'), { recursive: true });
    await writeFile(join(root, '.cache', 'other', 'keep.json'), '{}');
    const stored = [
      ...(await files(gaCacheDir(root))).map((file) => join(gaCacheDir(root), file)),
      join(root, '.cache', 'ga-optimize', 'old.json'),
    ];
    expect(stored).toHaveLength(4);
    const bytes = (await Promise.all(stored.map(async (file) => (await stat(file)).size))).reduce((sum, size) => sum + size, 0);

    expect(await clearGaCache(root)).toEqual({ entries: 4, bytes });
    expect(bytes).toBeGreaterThan(1000);
    expect(await readdir(join(root, '.cache'))).toEqual(['other']);
    expect(await clearGaCache(root)).toEqual({ entries: 0, bytes: 0 });
    // The runs keep their results; the next run searches again.
    const next = await run(await runFolder(root, 'run-2'), config());
    expect(next.outcome.metrics?.['MES_h5.cached']).toBe(false);
  });
});
