import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { evolve, type EvolveOptions } from '../src/internal/ga/evolve.js';
import { WorkerPool } from '../src/internal/parallel/pool.js';

const fixture = new URL('./fixtures/shifted-sphere.ts', import.meta.url);

function options(overrides: Partial<EvolveOptions> = {}): EvolveOptions {
  return {
    bounds: [
      [-5, 5],
      [-5, 5],
      [0, 10],
    ],
    populationSize: 30,
    generations: 12,
    tournamentSize: 3,
    crossover: { alpha: 0.3, probability: 0.7 },
    mutation: { sigma: 0.2, geneProbability: 0.3, probability: 0.2 },
    elites: 2,
    seeds: [[0, 0, 0]],
    evaluate: { module: fixture, init: { centre: [1.5, -2, 7], work: 20_000 } },
    rng: new Rng(42),
    ...overrides,
  };
}

describe('evolve', () => {
  it('climbs towards the optimum and never loses its best (elitism)', async () => {
    const result = await evolve(options());
    const bests = result.history.map((row) => row.best);
    for (let g = 1; g < bests.length; g++) expect(bests[g]).toBeGreaterThanOrEqual(bests[g - 1] as number);
    expect(result.best.fitness).toBeGreaterThan(-0.5);
    expect(result.history).toHaveLength(13);
    expect(result.history[0]?.evaluations).toBe(30);
    expect(result.evaluations).toBe(result.history.reduce((sum, row) => sum + row.evaluations, 0));
    for (const individual of result.population) {
      expect(individual.genes[2]).toBeGreaterThanOrEqual(0);
      expect(individual.genes[2]).toBeLessThanOrEqual(10);
    }
    expect(result.population).toHaveLength(30);
  });

  it('gives the identical run for 1, 2 and 3 workers with one seed', async () => {
    const one = await evolve(options({ rng: new Rng(7), workers: 1 }));
    const two = await evolve(options({ rng: new Rng(7), workers: 2 }));
    const three = await evolve(options({ rng: new Rng(7), workers: 3 }));
    expect(two.best).toEqual(one.best);
    expect(two.history).toEqual(one.history);
    expect(two.population).toEqual(one.population);
    expect(three.history).toEqual(one.history);
    const other = await evolve(options({ rng: new Rng(8), workers: 1 }));
    expect(other.history).not.toEqual(one.history);
  });

  it('shares one running pool between searches with different fitness inits, with the same results', async () => {
    const pool = await WorkerPool.start(undefined, 2);
    try {
      const centres = [
        [1.5, -2, 7],
        [-3, 4, 1],
      ];
      for (const centre of centres) {
        const evaluate = { module: fixture, init: { centre } };
        const shared = await evolve(options({ rng: new Rng(11), evaluate, pool }));
        const fresh = await evolve(options({ rng: new Rng(11), evaluate, workers: 1 }));
        expect(shared.history).toEqual(fresh.history);
      }
    } finally {
      await pool.close();
    }
  });

  it('accepts a plain function on one worker, the same run as the module', async () => {
    const centre = [1.5, -2, 7];
    const sphere = (genes: readonly number[]) => -genes.reduce((sum, gene, i) => sum + (gene - (centre[i] as number)) ** 2, 0);
    const byFunction = await evolve(options({ rng: new Rng(5), evaluate: sphere }));
    const byModule = await evolve(options({ rng: new Rng(5) }));
    expect(byFunction.history).toEqual(byModule.history);
    await expect(evolve(options({ evaluate: sphere, workers: 2 }))).rejects.toThrow(/cannot run on 2 worker threads/);
  });

  it('puts the seeds into generation 0', async () => {
    const seen: number[][] = [];
    await evolve(
      options({
        generations: 0,
        seeds: [
          [1.5, -2, 7],
          [9, 9, 9],
        ],
        evaluate: (genes) => {
          seen.push([...genes]);
          return 0;
        },
      }),
    );
    expect(seen[0]).toEqual([1.5, -2, 7]);
    expect(seen[1]).toEqual([5, 5, 9]); // clamped into bounds
  });

  it('reports a worker-side failure and rejects bad options', async () => {
    await expect(evolve(options({ workers: 2, evaluate: { module: fixture, exportName: 'createBroken', init: {} } }))).rejects.toThrow(
      /boom/,
    );
    await expect(evolve(options({ elites: 30 }))).rejects.toThrow(/elites/);
    await expect(evolve(options({ evaluate: () => Number.NaN }))).rejects.toThrow(/not a number/);
  });
});
