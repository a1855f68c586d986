import { contractFor, type RunConfig } from '@tribar/config';
import { UsageError, type Rng } from '@tribar/core';
import { evolve, type GenerationStats } from './ga/evolve.js';
import { siblingModule } from './parallel/evaluator.js';
import type { WorkerPool } from './parallel/pool.js';
import {
  barrierFitness,
  INVALID_SCORE,
  type AsymmetryRule,
  type BarrierFitnessInit,
  type BarrierParams,
  type FitnessBreakdown,
  type FitnessRules,
} from './fitness.js';

/** The price columns the barrier search labels, one row per bar. */
export interface PriceSeries {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  atr: Float64Array;
}

/** The original's seed individuals [kUp, kDown, maxBarsPerHorizonBar] (§6). */
export const SEEDS: Record<AsymmetryRule, readonly (readonly [number, number, number])[]> = {
  // MES and every other symbol.
  upperWider: [
    [1.5, 1.0, 2.5],
    [1.8, 1.2, 2.5],
    [1.3, 0.9, 2.0],
    [2.0, 1.4, 2.8],
    [1.6, 1.1, 2.2],
  ],
  // MGC: symmetric barriers.
  symmetric: [
    [1.2, 1.2, 2.5],
    [1.5, 1.5, 2.5],
    [1.0, 1.0, 2.0],
    [1.3, 1.3, 2.8],
    [1.8, 1.8, 2.2],
  ],
};

export function asymmetryFor(config: RunConfig, symbol: string): AsymmetryRule {
  return config.ga.asymmetry[symbol] ?? 'upperWider';
}

/** The fitness inputs for one symbol and horizon on the given rows. */
function fitnessInit(config: RunConfig, symbol: string, horizon: number, series: PriceSeries): BarrierFitnessInit {
  const rules: FitnessRules = {
    horizon,
    neutralBand: config.ga.neutralBand,
    neutralTarget: config.ga.neutralTarget,
    minClassShare: config.ga.minClassShare,
    minTrades: config.ga.minTrades,
    asymmetry: asymmetryFor(config, symbol),
  };
  return {
    open: series.open,
    high: series.high,
    low: series.low,
    close: series.close,
    atr: series.atr,
    costPrice: contractFor(config, symbol).roundTripPrice,
    costAwareLabels: config.labels.costAware,
    sameBarRule: config.labels.sameBarRule,
    maxBarsPerHorizonBar: config.ga.bounds.maxBarsPerHorizonBar,
    rules,
  };
}

/** Rows [start, end) of the train part the GA optimises on: one contiguous block (§6 get_contiguous_subset). */
export interface OptimisationBlock {
  start: number;
  end: number;
}

/**
 * A contiguous `subsetFraction` of the first `trainRows` rows, at least `minSubsetBars` (or all
 * of them), at a start drawn from `rng`. Never reaches past the train part.
 */
export function chooseBlock(trainRows: number, fraction: number, minBars: number, rng: Pick<Rng, 'int'>): OptimisationBlock {
  if (trainRows < 1) throw new UsageError('the train part has no rows to optimise on', { hint: 'check splits.train and the data length' });
  const length = Math.min(trainRows, Math.max(Math.floor(fraction * trainRows), minBars));
  const start = length >= trainRows ? 0 : rng.int(0, trainRows - length);
  return { start, end: start + length };
}

export function sliceSeries(series: PriceSeries, start: number, end: number): PriceSeries {
  return {
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    atr: series.atr.subarray(start, end),
  };
}

/** One generation of the search, with the shares the generic statistics cannot know. */
export interface ConvergenceRow extends GenerationStats {
  /** Share of the population meeting the constraints. */
  validShare: number;
  /** Mean fitness over the valid individuals; null when none is valid. */
  meanValid: number | null;
}

export interface SearchResult {
  params: BarrierParams;
  genes: number[];
  fitness: number;
  valid: boolean;
  evaluations: number;
  convergence: ConvergenceRow[];
}

export interface SearchOptions {
  config: RunConfig;
  symbol: string;
  horizon: number;
  /** The optimisation block (train rows only). */
  block: PriceSeries;
  rng: Rng;
  workers?: number;
  /** A running worker pool to use instead of starting one (see `evolve`). */
  pool?: WorkerPool;
  signal?: AbortSignal;
  onGeneration?: (row: ConvergenceRow) => void;
}

/** Run the GA for one symbol and horizon on the block and decode its best individual. */
export async function searchBarriers(options: SearchOptions): Promise<SearchResult> {
  const { config, symbol, horizon, block } = options;
  const { ga } = config;
  const init = fitnessInit(config, symbol, horizon, block);
  const convergence: ConvergenceRow[] = [];
  const result = await evolve({
    bounds: [ga.bounds.kUp, ga.bounds.kDown, ga.bounds.maxBarsPerHorizonBar],
    populationSize: ga.populationSize,
    generations: ga.generations,
    tournamentSize: ga.tournamentSize,
    crossover: ga.crossover,
    mutation: ga.mutation,
    elites: ga.elites,
    seeds: SEEDS[asymmetryFor(config, symbol)],
    evaluate: { module: siblingModule('fitness', import.meta.url), init },
    rng: options.rng,
    workers: options.workers ?? ga.workers,
    ...(options.pool ? { pool: options.pool } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onGeneration: (stats, fitness) => {
      const valid = fitness.filter((value) => value > INVALID_SCORE);
      const row: ConvergenceRow = {
        ...stats,
        validShare: valid.length / fitness.length,
        meanValid: valid.length > 0 ? valid.reduce((sum, value) => sum + value, 0) / valid.length : null,
      };
      convergence.push(row);
      options.onGeneration?.(row);
    },
  });
  const params = barrierFitness(init)(result.best.genes).params;
  return {
    params,
    genes: result.best.genes,
    fitness: result.best.fitness,
    valid: result.best.fitness > INVALID_SCORE,
    evaluations: result.evaluations,
    convergence,
  };
}

/** Label mix and economics of fixed parameters on some rows (the whole train part, for the report). */
export function evaluateParams(
  config: RunConfig,
  symbol: string,
  horizon: number,
  series: PriceSeries,
  params: BarrierParams,
): FitnessBreakdown {
  const init = fitnessInit(config, symbol, horizon, series);
  // Genes whose decoding gives exactly `params`: maxBars / h is within the bounds for GA results.
  const multiplier = params.maxBars / horizon;
  const fitness = barrierFitness({ ...init, maxBarsPerHorizonBar: [multiplier, multiplier] });
  const { params: _decoded, ...breakdown } = fitness([params.kUp, params.kDown, multiplier]);
  return breakdown;
}
