import { Rng } from '@tribar/core';
import { tripleBarrier, type SameBarRule } from '@tribar/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barrierFitness, costReturns, scoreLabels, type BarrierFitnessInit } from '../src/internal/fitness.js';
import { randomWalkBars } from './helpers.js';

/** A random walk with holes: NaN and zero ATR, NaN highs and lows, a bad close, flat stretches. */
function roughSeries(n: number, seed: number) {
  const bars = randomWalkBars(n, seed, 100, 0.01);
  const rng = new Rng(seed + 1000);
  for (let i = 0; i < n; i++) {
    const roll = rng.next();
    if (roll < 0.02) bars.atr[i] = Number.NaN;
    else if (roll < 0.03) bars.atr[i] = 0;
    else if (roll < 0.04) bars.high[i] = Number.NaN;
    else if (roll < 0.05) bars.low[i] = Number.NaN;
    else if (roll < 0.055) bars.close[i] = 0;
    else if (roll < 0.08) {
      // A wide bar that touches both barriers of earlier rows: same-bar decisions.
      bars.high[i] = (bars.high[i] as number) * 1.01;
      bars.low[i] = (bars.low[i] as number) * 0.99;
    }
  }
  return bars;
}

describe('the fast barrier scan labels exactly as the core kernel', () => {
  it('same tally and score for random series, barriers, windows, same-bar rules and costs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 20, max: 600 }),
        fc.double({ min: 0.05, max: 4, noNaN: true }),
        fc.double({ min: 0.05, max: 4, noNaN: true }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom<SameBarRule>('nearerOpen', 'invalid'),
        fc.boolean(),
        (seed, n, kUp, kDown, mult, horizon, sameBarRule, costAware) => {
          const bars = roughSeries(n, seed);
          const init: BarrierFitnessInit = {
            ...bars,
            costPrice: 0.03,
            costAwareLabels: costAware,
            sameBarRule,
            maxBarsPerHorizonBar: [1, 3],
            rules: {
              horizon,
              neutralBand: [0.15, 0.4],
              neutralTarget: [0.2, 0.3],
              minClassShare: 0.1,
              minTrades: 5,
              asymmetry: 'upperWider',
            },
          };
          const fast = barrierFitness(init, 'scan')([kUp, kDown, mult]);
          const reference = barrierFitness(init, 'kernel')([kUp, kDown, mult]);
          expect(fast).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('and the kernel path is the kernel: scoreLabels over tripleBarrier', () => {
    const bars = roughSeries(3000, 5);
    const init: BarrierFitnessInit = {
      ...bars,
      costPrice: 0.02,
      costAwareLabels: false,
      sameBarRule: 'nearerOpen',
      maxBarsPerHorizonBar: [2, 3],
      rules: { horizon: 5, neutralBand: [0, 1], neutralTarget: [0.2, 0.3], minClassShare: 0, minTrades: 1, asymmetry: 'symmetric' },
    };
    const labels = tripleBarrier(bars, { kUp: 1.2, kDown: 1.2, maxBars: 12 });
    const expected = scoreLabels(labels, 3000, costReturns(bars.close, 0.02), { kUp: 1.2, kDown: 1.2, maxBars: 12 }, init.rules);
    expect(barrierFitness(init)([1.2, 1.2, 2.4])).toEqual({ ...expected, params: { kUp: 1.2, kDown: 1.2, maxBars: 12 } });
  });
});
