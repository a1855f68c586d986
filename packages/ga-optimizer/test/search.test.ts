import { parseConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { INVALID_SCORE } from '../src/internal/fitness.js';
import { chooseBlock, searchBarriers, SEEDS, sliceSeries } from '../src/internal/search.js';
import { randomWalkBars } from './helpers.js';

describe('searchBarriers', () => {
  const config = parseConfig({ ga: { populationSize: 16, generations: 4, minTrades: 50 } });
  const bars = randomWalkBars(6000, 21);
  const block = sliceSeries(bars, 1000, 3000);

  it('gives the identical best individual, fitness and convergence on 1 and 2 workers', async () => {
    const one = await searchBarriers({ config, symbol: 'MES', horizon: 5, block, rng: new Rng(99), workers: 1 });
    const two = await searchBarriers({ config, symbol: 'MES', horizon: 5, block, rng: new Rng(99), workers: 2 });
    expect(two).toEqual(one);
    expect(one.convergence).toHaveLength(5);
    expect(one.valid).toBe(one.fitness > INVALID_SCORE);
  });

  it('starts from the original seeds of the symbol (MGC symmetric, MES/other asymmetric)', async () => {
    // A population of exactly five: generation 0 is the seeds, so its best is one of them.
    const small = parseConfig({ ga: { populationSize: 5, generations: 1, minTrades: 50, workers: 1 } });
    for (const [symbol, seeds] of [
      ['MGC', SEEDS.symmetric],
      ['MES', SEEDS.upperWider],
      ['ZN', SEEDS.upperWider],
    ] as const) {
      const result = await searchBarriers({ config: small, symbol, horizon: 5, block, rng: new Rng(1) });
      expect(seeds.map((seed) => seed.join())).toContain(result.convergence[0]?.bestGenes.join());
    }
    expect(SEEDS.symmetric.every((seed) => seed[0] === seed[1])).toBe(true);
  });
});

describe('chooseBlock', () => {
  it('takes a contiguous share of the train rows, at least the minimum, never past the end', () => {
    const rng = new Rng(4);
    for (let trial = 0; trial < 50; trial++) {
      const block = chooseBlock(10_000, 0.3, 1000, rng);
      expect(block.end - block.start).toBe(3000);
      expect(block.start).toBeGreaterThanOrEqual(0);
      expect(block.end).toBeLessThanOrEqual(10_000);
    }
    expect(chooseBlock(2000, 0.3, 1000, rng).end - chooseBlock(2000, 0.3, 1000, new Rng(4)).start).toBeLessThanOrEqual(2000);
    expect(chooseBlock(800, 0.3, 1000, rng)).toEqual({ start: 0, end: 800 });
    expect(() => chooseBlock(0, 0.3, 1000, rng)).toThrow(/train part has no rows/);
  });
});
