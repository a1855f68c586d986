import { barrierFor, contractFor, type RunConfig } from '@tribar/config';
import {
  artifactPath,
  BAR_COLUMNS,
  cut,
  featureBars,
  gaChart,
  gaResult,
  gaSummary,
  readArrowArtifact,
  readJsonArtifact,
  STAGE,
  writeJsonArtifact,
  type GaLabelMix,
  type GaSummaryFile,
} from '@tribar/artifacts';
import { DataError, defineStage, sha256, writeFileAtomic, type StageDefinition } from '@tribar/core';
import { countBefore, tableToBars } from '@tribar/market';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { gaCacheKey, readGaCache, seriesHash, writeGaCache } from './cache.js';
import type { FitnessBreakdown } from './fitness.js';
import {
  asymmetryFor,
  chooseBlock,
  evaluateParams,
  searchBarriers,
  sliceSeries,
  type ConvergenceRow,
  type PriceSeries,
  type SearchResult,
} from './search.js';
import { convergenceSvg } from './svg.js';
import { WorkerPool } from './parallel/pool.js';

/** The stage's version: bump when the stage changes what it writes (it is part of the GA cache key too). */
const STAGE_VERSION = 1;

/**
 * Bar scans (population × (generations + 1) × block rows) below which a search evolves on the main thread even
 * with `ga.workers` > 1. Starting a pool of two costs ≈ 0.6 s of wall time and, from source, ≈ 1 s of CPU per
 * thread (each worker loads its own module graph); the fitness scans ≈ 30 M bars/s on one thread, so a search
 * under 60 M scans (≈ 2 s on one thread) gains less from a second thread than the start costs. The default
 * year (block ≈ 14,600 rows, 50 × 31 evaluations: 23 M) evolves on the main thread; four years (≈ 90 M) use
 * the pool. Results are identical either way (the GA draws every random number on the main thread).
 */
const POOL_MIN_BAR_SCANS = 60_000_000;

/** Threads for one search: `ga.workers`, or 1 when the search is too small to pay for a pool's start. */
export function searchThreads(ga: RunConfig['ga'], blockRows: number, poolMinBarScans = POOL_MIN_BAR_SCANS): number {
  if (ga.workers <= 1) return 1;
  return ga.populationSize * (ga.generations + 1) * blockRows >= poolMinBarScans ? ga.workers : 1;
}

export interface GaOptimizeStageOptions {
  /** Bar scans from which a search uses the worker pool (default 60 M, see `searchThreads`); 0 always uses it. */
  poolMinBarScans?: number;
}

interface SymbolData {
  timestamp: Float64Array;
  series: PriceSeries;
  trainRows: number;
}

function labelMix(breakdown: FitnessBreakdown): GaLabelMix {
  return {
    labeled: breakdown.labeled,
    long: breakdown.long,
    short: breakdown.short,
    neutral: breakdown.neutral,
    pctLong: breakdown.longShare,
    pctShort: breakdown.shortShare,
    pctNeutral: breakdown.neutralShare,
    trades: breakdown.trades,
    meanNetReturn: breakdown.meanNetReturn,
    stdNetReturn: breakdown.stdNetReturn,
    ratio: breakdown.ratio,
    fitness: breakdown.valid ? breakdown.score : null,
    valid: breakdown.valid,
    violation: breakdown.violation,
  };
}

async function readSeries(runDir: string, symbol: string, atrColumn: string): Promise<{ timestamp: Float64Array; series: PriceSeries }> {
  const path = artifactPath(runDir, featureBars(symbol));
  const table = await readArrowArtifact(runDir, featureBars(symbol));
  if (!table.getChild(atrColumn)) {
    throw new DataError(
      `missing ATR column '${atrColumn}'`,
      { file: path, field: atrColumn },
      { hint: 'Set labels.atrFeature to a column the features stage writes.' },
    );
  }
  const bars = tableToBars(table.select([...BAR_COLUMNS.map((column) => column.name), atrColumn]), path);
  const { open, high, low, close } = bars;
  return { timestamp: bars.timestamp, series: { open, high, low, close, atr: bars.columns[atrColumn] as Float64Array } };
}

/** SHA-256 of the block's bytes: the columns the fitness reads, in a fixed order (reported, not a cache key). */
function blockHash(block: PriceSeries): string {
  const hash = createHash('sha256');
  for (const column of [block.open, block.high, block.low, block.close, block.atr]) {
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  return hash.digest('hex');
}

/**
 * Pipeline stage `ga-optimize`: per symbol and horizon, the GA's barrier parameters on a block of
 * the train part (the run's one calendar cut, `cut/cut.json`), with reports, charts and a summary.
 */
export const gaOptimizeStage: StageDefinition<RunConfig> = createGaOptimizeStage();

/** `ga-optimize` with another pool threshold (tests force the pool on small data with `poolMinBarScans: 0`). */
export function createGaOptimizeStage(options: GaOptimizeStageOptions = {}): StageDefinition<RunConfig> {
  return defineStage<RunConfig>({
    name: STAGE.gaOptimize,
    description:
      'Genetic search of triple-barrier parameters per symbol and horizon on the train part, with a fitness in price-return units.',
    dependsOn: [STAGE.features, STAGE.cut],
    version: STAGE_VERSION,
    configKeys: [
      'ga',
      'symbols',
      'horizons',
      'contracts',
      'defaultContract',
      'barriers',
      'labels.costAware',
      'labels.sameBarRule',
      'labels.atrFeature',
    ],
    inputs: (config) => [...config.symbols.map((symbol) => featureBars(symbol).path), cut.path],
    outputs: (config) => [
      ...config.symbols.flatMap((symbol) =>
        config.horizons.flatMap((horizon) => [gaResult(symbol, horizon).path, gaChart(symbol, horizon).path]),
      ),
      gaSummary.path,
    ],
    async run(context) {
      const { config, logger } = context;
      const { ga } = config;
      const data = new Map<string, SymbolData>();
      for (const symbol of config.symbols) {
        const { timestamp, series } = await readSeries(context.runDir, symbol, config.labels.atrFeature);
        if (timestamp.length === 0) {
          throw new DataError(
            'no bars',
            { file: artifactPath(context.runDir, featureBars(symbol)) },
            { hint: 'Check the features stage output.' },
          );
        }
        data.set(symbol, { timestamp, series, trainRows: 0 });
      }
      // THE train part: the one calendar cut (stage `cut`, on every symbol's clean bars) that every
      // stage shares; rows at or after trainEnd are never read.
      const trainEnd = (await readJsonArtifact(context.runDir, cut)).trainEndMs;
      for (const entry of data.values()) entry.trainRows = countBefore(entry.timestamp, trainEnd);

      const summary: GaSummaryFile = { results: {} };
      const metrics: Record<string, number | string | boolean> = { trainEnd: new Date(trainEnd).toISOString() };
      // The GA cache is shared by every run of the runs root that holds this run folder.
      const runsRoot = resolve(context.runDir, '..');
      context.progress.start(config.symbols.length * config.horizons.length * (ga.enabled ? ga.generations + 1 : 1), {
        unit: 'generations',
        label: STAGE.gaOptimize,
      });

      // One pool for every search of the run, started at the first cache miss: starting threads
      // costs more than many evaluations.
      let pool: WorkerPool | undefined;
      const sharedPool = async () => (pool ??= await WorkerPool.start(undefined, ga.workers));
      try {
        for (const symbol of config.symbols) {
          const { series, trainRows } = data.get(symbol) as SymbolData;
          const train = sliceSeries(series, 0, trainRows);
          // The same block for every horizon of a symbol, as the original.
          const block = chooseBlock(trainRows, ga.subsetFraction, ga.minSubsetBars, context.rng.fork(`block/${symbol}`));
          const blockSeries = sliceSeries(series, block.start, block.end);
          const blockSha = blockHash(blockSeries);
          const trainSha256 = ga.enabled ? seriesHash(train) : '';
          summary.results[symbol] = {};
          for (const horizon of config.horizons) {
            context.signal.throwIfAborted();
            const name = `${symbol}_h${horizon}`;
            const started = performance.now();
            let search: SearchResult;
            let cached = false;
            let threads = 1;
            if (!ga.enabled) {
              const params = barrierFor(config, symbol, horizon).params;
              search = { params, genes: [], fitness: Number.NaN, valid: false, evaluations: 0, convergence: [] };
              context.progress.advance();
            } else {
              const rng = context.rng.fork(`search/${symbol}/h${horizon}`);
              const { workers: _workers, ...gaSlice } = ga;
              const key = gaCacheKey({
                stageVersion: STAGE_VERSION,
                trainSha256,
                block: { start: block.start, end: block.end },
                horizon,
                ga: gaSlice,
                contract: contractFor(config, symbol),
                asymmetry: asymmetryFor(config, symbol),
                labels: { costAware: config.labels.costAware, sameBarRule: config.labels.sameBarRule },
                seed: rng.seed,
              });
              const hit = await readGaCache(runsRoot, key, { generations: ga.generations, horizon, bounds: ga.bounds }, logger);
              if (hit !== undefined) {
                search = hit;
                cached = true;
                context.progress.advance(ga.generations + 1);
                logger.info({ symbol, horizon, key: key.slice(0, 12) }, 'GA result from cache: evolution skipped');
              } else {
                threads = searchThreads(ga, block.end - block.start, options.poolMinBarScans);
                search = await searchBarriers({
                  config,
                  symbol,
                  horizon,
                  block: blockSeries,
                  rng,
                  workers: threads,
                  ...(threads > 1 ? { pool: await sharedPool() } : {}),
                  signal: context.signal,
                  onGeneration: (row: ConvergenceRow) => {
                    context.progress.advance();
                    logger.debug(
                      { symbol, horizon, generation: row.generation, best: row.best, validShare: row.validShare },
                      'GA generation',
                    );
                  },
                });
                await writeGaCache(runsRoot, key, search);
              }
            }
            const onBlock = evaluateParams(config, symbol, horizon, blockSeries, search.params);
            const onTrain = evaluateParams(config, symbol, horizon, train, search.params);
            const seconds = (performance.now() - started) / 1000;
            if (ga.enabled && !search.valid) {
              logger.warn(
                { symbol, horizon, fitness: search.fitness },
                'no GA individual met the constraints; labels-final should not trust these barriers',
              );
            } else if (ga.enabled && !onTrain.valid) {
              logger.warn(
                { symbol, horizon, neutralShare: onTrain.neutralShare },
                'GA barriers miss the constraints on the whole train part',
              );
            }
            const fitness = Number.isFinite(search.fitness) ? search.fitness : null;
            summary.results[symbol][String(horizon)] = { ...search.params, valid: search.valid, fitness };
            await writeJsonArtifact(context.runDir, gaResult(symbol, horizon), {
              symbol,
              horizon,
              enabled: ga.enabled,
              best: { ...search.params, genes: search.genes },
              fitness,
              valid: search.valid,
              evaluations: search.evaluations,
              trainEnd: new Date(trainEnd).toISOString(),
              optimisation: {
                startRow: block.start,
                endRow: block.end,
                rows: block.end - block.start,
                sha256: blockSha,
                ...labelMix(onBlock),
              },
              train: { rows: trainRows, ...labelMix(onTrain) },
              costPrice: contractFor(config, symbol).roundTripPrice,
              ga: {
                populationSize: ga.populationSize,
                generations: ga.generations,
                asymmetry: asymmetryFor(config, symbol),
              },
              convergence: search.convergence,
            });
            const chartPath = artifactPath(context.runDir, gaChart(symbol, horizon));
            await mkdir(dirname(chartPath), { recursive: true });
            await writeFileAtomic(
              chartPath,
              convergenceSvg({
                title: `${symbol} H${horizon}: kUp ${search.params.kUp.toFixed(2)}, kDown ${search.params.kDown.toFixed(2)}, maxBars ${search.params.maxBars}${ga.enabled ? '' : ' (GA disabled: configured barriers)'}`,
                convergence: search.convergence.map((row) => ({
                  generation: row.generation,
                  best: row.best > -1e5 ? row.best : undefined,
                  meanValid: row.meanValid ?? undefined,
                  validShare: row.validShare,
                })),
                mix: { long: onTrain.longShare, short: onTrain.shortShare, neutral: onTrain.neutralShare },
                neutralBand: ga.neutralBand,
              }),
            );
            metrics[`${name}.valid`] = search.valid;
            // How this run got the result (cache or evolution, how fast) is state, not content: in state.json and the log.
            metrics[`${name}.cached`] = cached;
            metrics[`${name}.threads`] = threads;
            metrics[`${name}.seconds`] = Math.round(seconds * 100) / 100;
            metrics[`${name}.neutralShareTrain`] = Math.round(onTrain.neutralShare * 1e4) / 1e4;
            logger.info(
              {
                symbol,
                horizon,
                ...search.params,
                fitness,
                valid: search.valid,
                cached,
                threads,
                neutralShareTrain: onTrain.neutralShare,
                seconds: Math.round(seconds * 100) / 100,
              },
              'GA barriers',
            );
          }
        }
      } finally {
        await pool?.close();
      }
      context.progress.done();
      await writeJsonArtifact(context.runDir, gaSummary, summary);
      return { metrics, artifactMetadata: { [gaSummary.path]: { trainEnd, sha256: sha256(JSON.stringify(summary)) } } };
    },
  });
}
