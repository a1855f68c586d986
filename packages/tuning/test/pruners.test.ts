import { describe, expect, it } from 'vitest';
import { HyperbandPruner, MedianPruner, SuccessiveHalvingPruner, type Pruner } from '../src/internal/pruners.js';
import { RandomSampler } from '../src/internal/samplers/sampler.js';
import { defineSearchSpace } from '../src/internal/space.js';
import { createStudy, TrialPruned } from '../src/internal/study.js';

/**
 * Synthetic learning curves with known quality: trial i's loss at epoch e is
 * q_i + 1/(e + 1), where q_i is its final quality. The best trial is the one with the lowest q.
 */
const QUALITIES = [0.5, 0.9, 0.3, 0.95, 0.6, 0.85, 0.1, 0.99, 0.4, 0.92, 0.7, 0.88, 0.97, 0.2, 0.93, 0.8, 0.98, 0.45, 0.91, 0.96];
const EPOCHS = 27;

async function run(pruner: Pruner): Promise<{ pruned: number[]; complete: number[]; epochs: number[] }> {
  const space = defineSearchSpace({ unused: { kind: 'float', low: 0, high: 1, log: false } });
  const study = createStudy({ name: 'curves', space, sampler: new RandomSampler(0), pruner });
  const epochs: number[] = [];
  await study.optimize(
    (trial) => {
      const q = QUALITIES[trial.number]!;
      let e = 0;
      for (; e < EPOCHS; e++) {
        trial.report(q + 1 / (e + 1), e);
        if (trial.shouldPrune()) {
          epochs.push(e + 1);
          throw new TrialPruned(e);
        }
      }
      epochs.push(EPOCHS);
      return q + 1 / EPOCHS;
    },
    { trials: QUALITIES.length },
  );
  const of = (state: string) => study.trials.filter((t) => t.state === state).map((t) => QUALITIES[t.number]!);
  return { pruned: of('pruned'), complete: of('complete'), epochs };
}

describe('pruners on known learning curves', () => {
  const best = Math.min(...QUALITIES);
  for (const [name, make] of [
    ['median', () => new MedianPruner()],
    ['successive halving', () => new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 })],
    ['hyperband', () => new HyperbandPruner({ minResource: 1, maxResource: EPOCHS, reductionFactor: 3 })],
  ] as const) {
    it(`${name}: stops clearly bad trials, never the best, and saves epochs`, async () => {
      const { pruned, complete, epochs } = await run(make());
      expect(complete).toContain(best);
      expect(pruned).not.toContain(best);
      // Every trial clearly worse than the median quality of the ones before it is a candidate; most get stopped.
      const clearlyBad = QUALITIES.slice(5).filter((q) => q >= 0.9);
      expect(clearlyBad.filter((q) => pruned.includes(q)).length).toBeGreaterThanOrEqual(Math.ceil(clearlyBad.length / 2));
      expect(epochs.reduce((a, b) => a + b, 0)).toBeLessThan(0.8 * EPOCHS * QUALITIES.length);
    });
  }

  it('median waits for its start-up trials and warm-up steps', async () => {
    const { pruned } = await run(new MedianPruner({ startupTrials: 25 }));
    expect(pruned).toEqual([]);
  });

  it('hyperband puts a trial in a stable bracket from the study name and number', () => {
    const a = new HyperbandPruner({ maxResource: 81 });
    const b = new HyperbandPruner({ maxResource: 81 });
    const brackets = Array.from({ length: 200 }, (_, n) => a.bracketOf('s', n));
    expect(Array.from({ length: 200 }, (_, n) => b.bracketOf('s', n))).toEqual(brackets);
    // 5 brackets for 81/1 with η = 3; each gets trials.
    expect(new Set(brackets).size).toBe(5);
  });
});
