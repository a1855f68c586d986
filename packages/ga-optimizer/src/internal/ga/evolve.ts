import { UsageError } from '@tribar/core';
import { createBatchEvaluator, type WorkerPool } from '../parallel/pool.js';
import type { Evaluate } from '../parallel/evaluator.js';
import { HallOfFame, type Scored } from './hall-of-fame.js';
import {
  blendCrossover,
  clampToBounds,
  gaussianMutation,
  randomIndividual,
  tournamentSelect,
  type Bounds,
  type RandomSource,
} from './operators.js';

export interface EvolveOptions {
  bounds: Bounds;
  populationSize: number;
  generations: number;
  /** Aspirants per tournament (DEAP `tournsize`). */
  tournamentSize: number;
  /** Blend crossover α and the probability a consecutive pair is crossed. */
  crossover: { alpha: number; probability: number };
  /** Gaussian mutation σ, per-gene probability, and the probability an individual is mutated. */
  mutation: { sigma: number; geneProbability: number; probability: number };
  /** Clones of the hall of fame's best appended to every generation. */
  elites: number;
  /** Size of the hall of fame (default max(5, elites), the original's `HallOfFame(5)`). */
  hallOfFameSize?: number;
  /** Individuals that replace the first random ones of generation 0 (clamped into bounds). */
  seeds?: readonly (readonly number[])[];
  /** The fitness: a function (main thread) or `{ module, init }` (worker threads). */
  evaluate: Evaluate;
  /** Every random draw comes from here, on the main thread. */
  rng: RandomSource;
  /** Threads evaluating fitness; the result does not depend on it. Default 1. */
  workers?: number;
  /**
   * A running pool to evaluate a module fitness on instead of starting `workers` threads (it is
   * loaded with `evaluate` and left running), so many searches share one start-up.
   */
  pool?: WorkerPool;
  signal?: AbortSignal;
  /** Called after each generation (0 = the initial population) with its statistics and fitness values. */
  onGeneration?: (stats: GenerationStats, fitness: readonly number[]) => void;
}

/** DEAP's logbook row: statistics of the population after a generation. */
export interface GenerationStats {
  generation: number;
  /** Individuals whose fitness was computed this generation (changed by crossover or mutation). */
  evaluations: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Best fitness ever seen (the hall of fame's first) and its genes. */
  best: number;
  bestGenes: number[];
}

export interface EvolveResult {
  best: Scored;
  hallOfFame: Scored[];
  history: GenerationStats[];
  /** The final population. */
  population: Scored[];
  evaluations: number;
}

function checkOptions(options: EvolveOptions): void {
  const { bounds, populationSize, generations, elites, tournamentSize } = options;
  if (bounds.length === 0) throw new UsageError('evolve needs at least one gene (bounds is empty)');
  bounds.forEach(([low, high], i) => {
    if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
      throw new UsageError(`bounds[${i}] must be finite with low ≤ high, got [${low}, ${high}]`);
    }
  });
  if (!Number.isInteger(populationSize) || populationSize < 2)
    throw new UsageError(`populationSize must be an integer ≥ 2, got ${populationSize}`);
  if (!Number.isInteger(generations) || generations < 0) throw new UsageError(`generations must be an integer ≥ 0, got ${generations}`);
  if (!Number.isInteger(elites) || elites < 0 || elites >= populationSize) {
    throw new UsageError(`elites must be an integer in [0, populationSize), got ${elites}`);
  }
  if (!Number.isInteger(tournamentSize) || tournamentSize < 1)
    throw new UsageError(`tournamentSize must be an integer ≥ 1, got ${tournamentSize}`);
  for (const [i, seed] of (options.seeds ?? []).entries()) {
    if (seed.length !== bounds.length) throw new UsageError(`seeds[${i}] has ${seed.length} genes, bounds have ${bounds.length}`);
  }
}

function statistics(generation: number, evaluations: number, population: readonly Scored[], hallOfFame: HallOfFame): GenerationStats {
  const values = population.map((individual) => individual.fitness);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  const best = hallOfFame.members[0] as Scored;
  return {
    generation,
    evaluations,
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...values),
    max: Math.max(...values),
    best: best.fitness,
    bestGenes: [...best.genes],
  };
}

/**
 * A real-valued genetic algorithm with the original's DEAP loop (§6):
 * `select(pop − elites) → clone → blend pairs → mutate → clamp → evaluate the changed →
 * append elites from the hall of fame → hall-of-fame update → statistics`.
 *
 * All random draws happen here, in a fixed order, on the calling thread; workers only evaluate,
 * and their results are placed by index, so a seed gives the same run for any worker count.
 */
export async function evolve(options: EvolveOptions): Promise<EvolveResult> {
  checkOptions(options);
  const { bounds, populationSize, generations, tournamentSize, crossover, mutation, elites, rng, signal } = options;
  const hallOfFame = new HallOfFame(options.hallOfFameSize ?? Math.max(5, elites));
  const evaluator =
    options.pool !== undefined && typeof options.evaluate !== 'function'
      ? await options.pool.use(options.evaluate)
      : await createBatchEvaluator(options.evaluate, options.workers ?? 1);
  const history: GenerationStats[] = [];
  let evaluations = 0;
  try {
    // Like DEAP's toolbox.population: every individual drawn, then the first ones replaced by seeds.
    const genomes = Array.from({ length: populationSize }, () => randomIndividual(bounds, rng));
    (options.seeds ?? []).slice(0, populationSize).forEach((seed, i) => (genomes[i] = clampToBounds(seed, bounds)));
    const fitness = await evaluator.evaluate(genomes);
    evaluations += genomes.length;
    let population: Scored[] = genomes.map((genes, i) => ({ genes, fitness: fitness[i] as number }));
    hallOfFame.update(population);
    const report = (stats: GenerationStats) => {
      history.push(stats);
      options.onGeneration?.(
        stats,
        population.map((individual) => individual.fitness),
      );
    };
    report(statistics(0, genomes.length, population, hallOfFame));

    for (let generation = 1; generation <= generations; generation++) {
      signal?.throwIfAborted();
      const chosen = tournamentSelect(
        population.map((individual) => individual.fitness),
        populationSize - elites,
        tournamentSize,
        rng,
      );
      const offspring: { genes: number[]; fitness: number | undefined }[] = chosen.map((index) => {
        const parent = population[index] as Scored;
        return { genes: [...parent.genes], fitness: parent.fitness };
      });
      for (let i = 1; i < offspring.length; i += 2) {
        if (rng.next() < crossover.probability) {
          const first = offspring[i - 1] as { genes: number[]; fitness: number | undefined };
          const second = offspring[i] as { genes: number[]; fitness: number | undefined };
          [first.genes, second.genes] = blendCrossover(first.genes, second.genes, crossover.alpha, rng);
          first.fitness = undefined;
          second.fitness = undefined;
        }
      }
      for (const child of offspring) {
        if (rng.next() < mutation.probability) {
          child.genes = gaussianMutation(child.genes, mutation.sigma, mutation.geneProbability, rng);
          child.fitness = undefined;
        }
        child.genes = clampToBounds(child.genes, bounds);
      }
      const changed = offspring.filter((child) => child.fitness === undefined);
      const values = await evaluator.evaluate(changed.map((child) => child.genes));
      changed.forEach((child, i) => (child.fitness = values[i] as number));
      evaluations += changed.length;
      population = [
        ...(offspring as Scored[]),
        // A hall smaller than `elites` (a population of clones) repeats its members.
        ...Array.from({ length: elites }, (_, i) => {
          const member = hallOfFame.members[i % hallOfFame.members.length] as Scored;
          return { genes: [...member.genes], fitness: member.fitness };
        }),
      ];
      hallOfFame.update(population);
      report(statistics(generation, changed.length, population, hallOfFame));
    }
    const members = hallOfFame.members.map((member) => ({ genes: [...member.genes], fitness: member.fitness }));
    return { best: members[0] as Scored, hallOfFame: members, history, population, evaluations };
  } finally {
    await evaluator.close();
  }
}
