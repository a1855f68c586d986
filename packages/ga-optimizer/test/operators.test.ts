import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { HallOfFame } from '../src/internal/ga/hall-of-fame.js';
import {
  blendCrossover,
  clampToBounds,
  gaussianMutation,
  randomIndividual,
  tournamentSelect,
  type RandomSource,
} from '../src/internal/ga/operators.js';

/** A source that replays fixed draws, so each operator can be checked by hand. */
function scripted(uniforms: number[], normals: number[] = [], ints: number[] = []): RandomSource & { left(): number } {
  return {
    next: () => {
      const value = uniforms.shift();
      if (value === undefined) throw new Error('out of uniform draws');
      return value;
    },
    normal: (mean = 0, sd = 1) => {
      const value = normals.shift();
      if (value === undefined) throw new Error('out of normal draws');
      return mean + sd * value;
    },
    int: () => {
      const value = ints.shift();
      if (value === undefined) throw new Error('out of integer draws');
      return value;
    },
    left: () => uniforms.length + normals.length + ints.length,
  };
}

describe('blendCrossover (DEAP cxBlend)', () => {
  it('γ = (1 + 2α)·U − α per gene: U = 0.5 gives the midpoint, U = 0 extrapolates by α', () => {
    // α = 0.3: U 0.5 → γ 0.5; U 0 → γ −0.3; U 0.75 → γ 0.9.
    const source = scripted([0.5, 0, 0.75]);
    const [a, b] = blendCrossover([1, 2, 10], [3, 4, 20], 0.3, source);
    expect(a[0]).toBeCloseTo(2, 12);
    expect(b[0]).toBeCloseTo(2, 12);
    expect(a[1]).toBeCloseTo(1.3 * 2 - 0.3 * 4, 12); // 1.4
    expect(b[1]).toBeCloseTo(-0.3 * 2 + 1.3 * 4, 12); // 4.6
    expect(a[2]).toBeCloseTo(0.1 * 10 + 0.9 * 20, 12); // 19
    expect(b[2]).toBeCloseTo(0.9 * 10 + 0.1 * 20, 12); // 11
    expect(source.left()).toBe(0);
  });

  it('keeps the sum of each gene pair and leaves the parents alone', () => {
    const rng = new Rng(3);
    const first = [0.8, 2.5, 2.2];
    const second = [1.9, 1.1, 2.9];
    const [a, b] = blendCrossover(first, second, 0.3, rng);
    a.forEach((gene, i) => expect(gene + (b[i] as number)).toBeCloseTo((first[i] as number) + (second[i] as number), 12));
    expect(first).toEqual([0.8, 2.5, 2.2]);
  });
});

describe('gaussianMutation (DEAP mutGaussian)', () => {
  it('draws a normal only for genes whose uniform falls under the gene probability', () => {
    // Gene 0: U 0.1 < 0.3 → + 0.2·1.5; gene 1: U 0.9 → unchanged; gene 2: U 0.29 → + 0.2·(−2).
    const source = scripted([0.1, 0.9, 0.29], [1.5, -2]);
    expect(gaussianMutation([1, 1, 1], 0.2, 0.3, source)).toEqual([1.3, 1, 1 + 0.2 * -2]);
    expect(source.left()).toBe(0);
  });
});

describe('tournamentSelect (DEAP selTournament)', () => {
  it('keeps the fittest of each draw of aspirants, the first drawn on a tie', () => {
    const fitness = [5, 1, 9, 5];
    // Tournament 1: 0, 1, 3 → 0 (tie 5/5 keeps the first); tournament 2: 1, 2, 1 → 2.
    const source = scripted([], [], [0, 1, 3, 1, 2, 1]);
    expect(tournamentSelect(fitness, 2, 3, source)).toEqual([0, 2]);
    expect(source.left()).toBe(0);
  });
});

describe('bounds', () => {
  it('clamps each gene into its own interval', () => {
    expect(
      clampToBounds(
        [0.5, 3, 2.5],
        [
          [0.8, 2.5],
          [0.8, 2.5],
          [2, 3],
        ],
      ),
    ).toEqual([0.8, 2.5, 2.5]);
  });

  it('draws random individuals inside the bounds, reproducibly', () => {
    const bounds = [
      [0.8, 2.5],
      [2, 3],
    ] as const;
    const one = randomIndividual(bounds, new Rng(9));
    expect(one).toEqual(randomIndividual(bounds, new Rng(9)));
    one.forEach((gene, i) => {
      expect(gene).toBeGreaterThanOrEqual(bounds[i]?.[0] as number);
      expect(gene).toBeLessThan(bounds[i]?.[1] as number);
    });
  });
});

describe('HallOfFame', () => {
  it('keeps the best distinct individuals, best first, newer first on ties', () => {
    const hall = new HallOfFame(3);
    hall.update([
      { genes: [1], fitness: 1 },
      { genes: [2], fitness: 5 },
      { genes: [2], fitness: 5 },
      { genes: [3], fitness: 3 },
      { genes: [4], fitness: 0 },
      { genes: [5], fitness: 3 },
    ]);
    expect(hall.members.map((member) => member.genes[0])).toEqual([2, 5, 3]);
  });
});
