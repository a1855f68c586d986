import { gaBarrierParamsSchema, gaConvergenceRowSchema } from '@tribar/artifacts';
import { hashValue, writeJsonAtomic, type Logger } from '@tribar/core';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { decodeBarrier } from './fitness.js';
import type { PriceSeries, SearchResult } from './search.js';

/**
 * The GA cache: a content-addressed store of search results shared by every run under one runs
 * root (README "Cache"). An entry is `<runsRoot>/.cache/ga/<first 2 hex of key>/<key>.json`, its
 * value the search's result as JSON, written atomically. The key is the SHA-256 of everything the
 * result is a function of, so an entry is never stale: it is found again exactly when the
 * evolution would repeat itself.
 */

/** Bump when the search or the fitness changes what it finds: cached results then stop counting. */
const GA_CODE_VERSION = 1;

/** The folder of the GA cache under a runs root (the folder that holds the run folders). */
export function gaCacheDir(runsRoot: string): string {
  return join(resolve(runsRoot), '.cache', 'ga');
}

/** Where the store of earlier versions lived (`<runsRoot>/.cache/ga-optimize/<key>.json`); only cleared. */
function legacyCacheDir(runsRoot: string): string {
  return join(resolve(runsRoot), '.cache', 'ga-optimize');
}

export function gaCacheEntryPath(runsRoot: string, key: string): string {
  return join(gaCacheDir(runsRoot), key.slice(0, 2), `${key}.json`);
}

/** SHA-256 of the fitness's price columns (open, high, low, close, ATR), in that order, with their length. */
export function seriesHash(series: PriceSeries): string {
  const hash = createHash('sha256');
  hash.update(`rows ${series.close.length}\n`);
  for (const column of [series.open, series.high, series.low, series.close, series.atr]) {
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  return hash.digest('hex');
}

/** Everything one search's result depends on. */
export interface GaCacheKeyInput {
  /** The stage's version. */
  stageVersion: number;
  /** `seriesHash` of the symbol's train part: every bar the block may be drawn from. */
  trainSha256: string;
  /** The optimisation block, rows [start, end) of the train part. */
  block: { start: number; end: number };
  horizon: number;
  /** The `ga` config section without `workers` (which cannot change a result). */
  ga: unknown;
  /** The symbol's resolved contract (its round-trip cost enters the fitness). */
  contract: unknown;
  asymmetry: string;
  labels: { costAware: boolean; sameBarRule: string };
  /** The search's own seed (`rng.fork('search/<S>/h<h>').seed`). */
  seed: number;
}

/** The cache key: SHA-256 (hex) of the inputs, keys sorted, with `GA_CODE_VERSION`. */
export function gaCacheKey(input: GaCacheKeyInput): string {
  return hashValue({ code: GA_CODE_VERSION, ...input });
}

/** What a read checks an entry against: the search it stands for, under the settings in force. */
export interface GaCacheExpectation {
  /** Generations of the search (the entry's convergence has one row more: generation 0). */
  generations: number;
  horizon: number;
  /** The GA's bounds in force (`ga.bounds`): a result outside them is not one the search could give. */
  bounds: { kUp: readonly [number, number]; kDown: readonly [number, number]; maxBarsPerHorizonBar: readonly [number, number] };
}

/** An entry: the key it was stored under, then the search's result as the search returned it. */
const entrySchema = z.strictObject({
  key: z.string(),
  params: z.strictObject(gaBarrierParamsSchema.shape),
  genes: z.array(z.number()).length(3),
  fitness: z.number(),
  valid: z.boolean(),
  evaluations: z.number().int().nonnegative(),
  convergence: z.array(z.strictObject(gaConvergenceRowSchema.shape)),
});

/** Why an entry's text is not a usable result for `key`, or undefined when it is one. */
function entryProblem(raw: unknown, key: string, expected: GaCacheExpectation): string | undefined {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `wrong shape at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`;
  }
  const entry = parsed.data;
  if (entry.key !== key) return `stored under key ${entry.key.slice(0, 12)}…, read as ${key.slice(0, 12)}…`;
  const { generations } = expected;
  if (entry.convergence.length !== generations + 1) return `${entry.convergence.length} generations recorded, ${generations + 1} expected`;
  if (entry.convergence.reduce((sum, row) => sum + row.evaluations, 0) !== entry.evaluations) return 'evaluations do not add up';
  return boundsProblem(entry, expected.horizon, expected.bounds);
}

/**
 * Whether the result is one the GA could have found within its own bounds: every gene inside them (the search clips
 * to them) and the barriers the genes' decoding at this horizon.
 */
function boundsProblem(
  entry: { params: { kUp: number; kDown: number; maxBars: number }; genes: number[] },
  horizon: number,
  bounds: GaCacheExpectation['bounds'],
): string | undefined {
  const ranges = [bounds.kUp, bounds.kDown, bounds.maxBarsPerHorizonBar] as const;
  const names = ['kUp', 'kDown', 'maxBarsPerHorizonBar'] as const;
  for (const [index, [low, high]] of ranges.entries()) {
    const gene = entry.genes[index] as number;
    if (!(gene >= low && gene <= high)) return `barriers outside the GA's bounds: ${names[index]} ${gene} not in [${low}, ${high}]`;
  }
  const decoded = decodeBarrier(entry.genes, horizon, bounds.maxBarsPerHorizonBar);
  const { params } = entry;
  if (params.kUp !== decoded.kUp || params.kDown !== decoded.kDown || params.maxBars !== decoded.maxBars) {
    return `barriers (kUp ${params.kUp}, kDown ${params.kDown}, maxBars ${params.maxBars}) are not its genes' (kUp ${decoded.kUp}, kDown ${decoded.kDown}, maxBars ${decoded.maxBars})`;
  }
  return undefined;
}

/**
 * The cached result under `key`, or undefined on a miss. An entry that cannot be read, is not
 * JSON, was stored under another key, is not a result of `expected.generations` generations, or
 * holds barriers outside the GA's bounds in force or not its genes' decoding at the horizon, is
 * never trusted: one warning, and a miss (the search then runs and overwrites it).
 */
export async function readGaCache(
  runsRoot: string,
  key: string,
  expected: GaCacheExpectation,
  logger?: Logger,
): Promise<SearchResult | undefined> {
  const path = gaCacheEntryPath(runsRoot, key);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      logger?.warn({ path, err: (error as Error).message }, 'GA cache entry unreadable: recomputing');
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    logger?.warn({ path, err: (error as Error).message }, 'GA cache entry is not valid JSON: ignored, recomputing');
    return undefined;
  }
  const problem = entryProblem(raw, key, expected);
  if (problem !== undefined) {
    logger?.warn({ path, problem }, 'GA cache entry not usable: ignored, recomputing');
    return undefined;
  }
  // The result as written (key order kept), so a hit writes the same bytes as the search did.
  const { key: _key, ...result } = raw as SearchResult & { key: string };
  return result;
}

/** Store a result under `key` (recorded in the entry), atomically (a reader sees the old entry, none, or the whole new one). */
export async function writeGaCache(runsRoot: string, key: string, result: SearchResult): Promise<string> {
  const path = gaCacheEntryPath(runsRoot, key);
  await writeJsonAtomic(path, { key, ...result });
  return path;
}

async function measure(dir: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries, bytes };
    throw error;
  }
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path);
    if (info.isDirectory()) {
      const inner = await measure(path);
      entries += inner.entries;
      bytes += inner.bytes;
    } else {
      bytes += info.size;
      if (name.endsWith('.json')) entries++;
    }
  }
  return { entries, bytes };
}

/**
 * Delete the GA cache of a runs root (`gaCacheDir(runsRoot)`, and the folder earlier versions
 * used, `<runsRoot>/.cache/ga-optimize`). Returns how many entries and bytes were removed; a
 * missing store gives zeros. Runs keep their results: only later searches recompute.
 */
export async function clearGaCache(runsRoot: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  for (const dir of [gaCacheDir(runsRoot), legacyCacheDir(runsRoot)]) {
    const removed = await measure(dir);
    await rm(dir, { recursive: true, force: true });
    entries += removed.entries;
    bytes += removed.bytes;
  }
  return { entries, bytes };
}
