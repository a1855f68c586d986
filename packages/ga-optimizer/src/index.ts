// Public API of @tribar/ga-optimizer.
export { evolve } from './ga/evolve.js';
export type { EvolveOptions, EvolveResult, GenerationStats } from './ga/evolve.js';
export { HallOfFame } from './ga/hall-of-fame.js';
export type { Scored } from './ga/hall-of-fame.js';
export { blendCrossover, gaussianMutation, tournamentSelect, clampToBounds, randomIndividual } from './ga/operators.js';
export type { Bounds, RandomSource } from './ga/operators.js';
export { WorkerPool, createBatchEvaluator, defaultWorkerCount } from './parallel/pool.js';
export type { BatchEvaluator } from './parallel/pool.js';
export { loadEvaluator, siblingModule } from './parallel/evaluator.js';
export type { Evaluate, EvaluatorModule, FitnessFunction, EvaluatorFactory } from './parallel/evaluator.js';
export {
  barrierFitness,
  createEvaluator,
  scoreLabels,
  decodeBarrier,
  asymmetryTerm,
  costReturns,
  INVALID_SCORE,
  RATIO_LIMIT,
  BONUS_WEIGHT,
  VIOLATION_SLOPE,
} from './fitness.js';
export type { AsymmetryRule, BarrierFitnessInit, BarrierParams, FitnessBreakdown, FitnessRules } from './fitness.js';
export { SEEDS, asymmetryFor, fitnessInit, chooseBlock, sliceSeries, searchBarriers, evaluateParams } from './search.js';
export type { PriceSeries, OptimisationBlock, ConvergenceRow, SearchResult, SearchOptions } from './search.js';
export { convergenceSvg } from './svg.js';
export type { ChartInput, ConvergencePoint } from './svg.js';
export { gaOptimizeStage } from './stage.js';
export { clearGaCache, gaCacheDir, GA_CODE_VERSION } from './cache.js';
