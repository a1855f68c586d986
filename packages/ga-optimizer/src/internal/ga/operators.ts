import { UsageError } from '@tribar/core';

/**
 * The random draws the operators need. `Rng` from `@tribar/core` provides them; tests pass a
 * scripted source to check the operators against hand-computed answers.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [low, high], both included. */
  int(low: number, high: number): number;
  /** Normal with the given mean and standard deviation. */
  normal(mean?: number, sd?: number): number;
}

/** Inclusive [low, high] of every gene, in gene order. */
export type Bounds = readonly (readonly [number, number])[];

/**
 * DEAP's `cxBlend`: per gene γ = (1 + 2α)·U(0,1) − α, child₁ = (1 − γ)·x₁ + γ·x₂,
 * child₂ = γ·x₁ + (1 − γ)·x₂. One draw per gene, in gene order; the parents are not changed.
 */
export function blendCrossover(
  first: readonly number[],
  second: readonly number[],
  alpha: number,
  rng: RandomSource,
): [number[], number[]] {
  if (first.length !== second.length)
    throw new UsageError(`blendCrossover needs parents of one length, got ${first.length} and ${second.length}`);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < first.length; i++) {
    const x1 = first[i] as number;
    const x2 = second[i] as number;
    const gamma = (1 + 2 * alpha) * rng.next() - alpha;
    a.push((1 - gamma) * x1 + gamma * x2);
    b.push(gamma * x1 + (1 - gamma) * x2);
  }
  return [a, b];
}

/**
 * DEAP's `mutGaussian(mu, sigma, indpb)`: each gene, with probability `geneProbability`, gains
 * N(mu, sigma). The normal is drawn only for a gene that mutates, as in DEAP.
 */
export function gaussianMutation(genes: readonly number[], sigma: number, geneProbability: number, rng: RandomSource, mu = 0): number[] {
  return genes.map((gene) => (rng.next() < geneProbability ? gene + rng.normal(mu, sigma) : gene));
}

/**
 * DEAP's `selTournament(k, tournsize)`: k times, draw `size` aspirants with replacement and keep
 * the fittest (the first drawn on a tie, as Python's `max`). Returns indices into `fitness`.
 */
export function tournamentSelect(fitness: readonly number[], count: number, size: number, rng: RandomSource): number[] {
  if (fitness.length === 0) throw new UsageError('tournamentSelect needs a non-empty population');
  const chosen: number[] = [];
  for (let k = 0; k < count; k++) {
    let best = rng.int(0, fitness.length - 1);
    for (let t = 1; t < size; t++) {
      const aspirant = rng.int(0, fitness.length - 1);
      if ((fitness[aspirant] as number) > (fitness[best] as number)) best = aspirant;
    }
    chosen.push(best);
  }
  return chosen;
}

/** Each gene clamped into its bounds (the original clamps after crossover and mutation). */
export function clampToBounds(genes: readonly number[], bounds: Bounds): number[] {
  return genes.map((gene, i) => {
    const [low, high] = bounds[i] as readonly [number, number];
    return Math.min(high, Math.max(low, gene));
  });
}

/** A random individual: each gene uniform in its bounds (DEAP's `random.uniform(lo, hi)`). */
export function randomIndividual(bounds: Bounds, rng: RandomSource): number[] {
  return bounds.map(([low, high]) => low + (high - low) * rng.next());
}
