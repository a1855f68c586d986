import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asymmetryTerm,
  barrierFitness,
  BONUS_WEIGHT,
  decodeBarrier,
  INVALID_SCORE,
  scoreLabels,
  type BarrierFitnessInit,
  type FitnessRules,
} from '../src/internal/fitness.js';
import { randomWalkBars } from './helpers.js';

const rules: FitnessRules = {
  horizon: 5,
  neutralBand: [0.15, 0.4],
  neutralTarget: [0.2, 0.3],
  minClassShare: 0.1,
  minTrades: 4,
  asymmetry: 'upperWider',
};

function labelsOf(label: number[], forwardReturn: number[], barsToHit: number[] = label.map(() => 3)) {
  return { label: Int8Array.from(label), forwardReturn: Float64Array.from(forwardReturn), barsToHit: Int32Array.from(barsToHit) };
}

describe('decodeBarrier', () => {
  it('maxBars = clamp(round(h × mult), 2h, 3h)', () => {
    expect(decodeBarrier([1.5, 1.0, 2.5], 20, [2, 3])).toEqual({ kUp: 1.5, kDown: 1.0, maxBars: 50 });
    expect(decodeBarrier([1.5, 1.0, 2.44], 5, [2, 3]).maxBars).toBe(12);
    expect(decodeBarrier([1.5, 1.0, 9], 5, [2, 3]).maxBars).toBe(15);
    expect(decodeBarrier([1.5, 1.0, 0], 5, [2, 3]).maxBars).toBe(10);
  });
});

describe('scoreLabels: one unit, price return net of cost per trade', () => {
  it('known answer: net = side × forward return − cost / entry price; ratio = mean / std', () => {
    // Four trades and two timeouts (neutral 1/3 is in the band, outside the 0.2–0.3 target).
    const labels = labelsOf([1, -1, 1, -1, 0, 0], [0.006, -0.002, 0.002, -0.006, 0.001, 0]);
    const cost = new Float64Array(6).fill(0.001);
    const result = scoreLabels(labels, 6, cost, { kUp: 1.5, kDown: 1, maxBars: 12 }, rules);
    // Gross 0.006, 0.002, 0.002, 0.006 → net 0.005, 0.001, 0.001, 0.005: mean 0.003, std 0.002.
    expect(result.valid).toBe(true);
    expect(result.meanNetReturn).toBeCloseTo(0.003, 12);
    expect(result.stdNetReturn).toBeCloseTo(0.002, 12);
    expect(result.ratio).toBeCloseTo(1.5, 9);
    const neutral = 3 - 15 * (1 / 3 - 0.3);
    const speed = 1 - 3 / 10;
    expect(result.bonus).toEqual({ neutral: expect.closeTo(neutral, 12), balance: 2, speed: expect.closeTo(speed, 12), asymmetry: 0 });
    expect(BONUS_WEIGHT).toBe(0.1);
    expect(result.score).toBeCloseTo(1.5 + 0.1 * (neutral + 2 + speed + 0), 9);
  });

  it('a tiny-barrier individual whose moves do not pay the cost loses to a wide one that does', () => {
    const cost = new Float64Array(10).fill(0.0005);
    // Tiny barriers: every trade right, but each gross move (0.0003–0.0006) is at most the cost.
    const tiny = labelsOf([1, -1, 1, -1, 1, -1, 1, -1, 0, 0], [0.0004, -0.0003, 0.0005, -0.0006, 0.0003, -0.0004, 0.0006, -0.0005, 0, 0]);
    // Wide barriers: as many right, moves ten times larger, one trade lost.
    const wide = labelsOf([1, -1, 1, -1, 1, -1, 1, -1, 0, 0], [0.004, -0.003, 0.005, 0.006, 0.003, -0.004, 0.006, -0.005, 0, 0]);
    const small = scoreLabels(tiny, 10, cost, { kUp: 0.8, kDown: 0.8, maxBars: 10 }, rules);
    const large = scoreLabels(wide, 10, cost, { kUp: 2.0, kDown: 1.6, maxBars: 10 }, rules);
    expect(small.valid && large.valid).toBe(true);
    expect(small.meanNetReturn).toBeLessThan(0);
    expect(large.meanNetReturn).toBeGreaterThan(0);
    expect(large.score).toBeGreaterThan(small.score);
    // Without costs the tiny one would win (every trade right): the cost term decides, in one unit.
    const free = new Float64Array(10);
    expect(scoreLabels(tiny, 10, free, { kUp: 0.8, kDown: 0.8, maxBars: 10 }, rules).score).toBeGreaterThan(
      scoreLabels(wide, 10, free, { kUp: 2.0, kDown: 1.6, maxBars: 10 }, rules).score,
    );
  });

  it('on a random walk, labeled by the kernel, the cost in price units sinks the tiny barriers', () => {
    const bars = randomWalkBars(20_000, 11);
    const init: BarrierFitnessInit = {
      ...bars,
      costPrice: 0.375, // MES: 1.5 ticks × 0.25
      costAwareLabels: false,
      sameBarRule: 'nearerOpen',
      maxBarsPerHorizonBar: [2, 3],
      rules: { ...rules, minTrades: 100, neutralBand: [0, 1], minClassShare: 0 },
    };
    const fitness = barrierFitness(init);
    const tiny = fitness([0.8, 0.8, 2]);
    const wide = fitness([2.5, 2.5, 3]);
    const tinyFree = barrierFitness({ ...init, costPrice: 0 })([0.8, 0.8, 2]);
    // The cost is 0.375 / ~4500 ≈ 8e-5 of the price per trade, whatever the barriers.
    expect(tinyFree.meanNetReturn - tiny.meanNetReturn).toBeCloseTo(0.375 / 4500, 5);
    expect(tiny.ratio).toBeLessThan(wide.ratio);
    expect(tiny.trades).toBeGreaterThan(wide.trades);
  });
});

describe('valid individuals always outrank invalid ones', () => {
  const labelArray = fc.array(fc.constantFrom(1, -1, 0, 0, -99), { minLength: 1, maxLength: 60 });

  it('for any labels, returns, costs, barriers and rules', () => {
    const sample = fc.record({
      labels: labelArray,
      returns: fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 60, maxLength: 60 }),
      bars: fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 60, maxLength: 60 }),
      cost: fc.double({ min: 0, max: 0.05, noNaN: true }),
      kUp: fc.double({ min: 0.1, max: 5, noNaN: true }),
      kDown: fc.double({ min: 0.1, max: 5, noNaN: true }),
      asymmetry: fc.constantFrom('symmetric' as const, 'upperWider' as const),
    });
    const score = (s: typeof sample extends fc.Arbitrary<infer T> ? T : never) => {
      const n = s.labels.length;
      const labels = labelsOf(s.labels, s.returns.slice(0, n), s.bars.slice(0, n));
      const ruleSet: FitnessRules = { ...rules, minTrades: 3, asymmetry: s.asymmetry };
      return scoreLabels(labels, n, new Float64Array(n).fill(s.cost), { kUp: s.kUp, kDown: s.kDown, maxBars: 10 }, ruleSet);
    };
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const first = score(a);
        const second = score(b);
        if (first.valid) expect(first.score).toBeGreaterThan(INVALID_SCORE);
        else expect(first.score).toBeLessThan(INVALID_SCORE);
        if (first.valid && !second.valid) expect(first.score).toBeGreaterThan(second.score);
        if (!first.valid && second.valid) expect(first.score).toBeLessThan(second.score);
        expect(Number.isFinite(first.score)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('invalid individuals nearer the constraints rank higher', () => {
    const cost = new Float64Array(10);
    const far = scoreLabels(
      labelsOf([0, 0, 0, 0, 0, 0, 0, 0, 1, -1], new Array(10).fill(0.01)),
      10,
      cost,
      { kUp: 1, kDown: 1, maxBars: 10 },
      rules,
    );
    const near = scoreLabels(
      labelsOf([0, 0, 0, 0, 0, 1, -1, 1, -1, 1], new Array(10).fill(0.01)),
      10,
      cost,
      { kUp: 1, kDown: 1, maxBars: 10 },
      rules,
    );
    expect(far.valid || near.valid).toBe(false);
    expect(near.score).toBeGreaterThan(far.score);
  });
});

describe('asymmetry rules (§6, per symbol)', () => {
  it('symmetric (MGC): a bonus within 10 % of the mean k, else −5 × |kUp − kDown|', () => {
    expect(asymmetryTerm(1.2, 1.2, 'symmetric')).toBe(0.5);
    expect(asymmetryTerm(1.5, 1.0, 'symmetric')).toBeCloseTo(-2.5, 12);
  });

  it('upperWider (MES/others): −3 × (kDown − kUp) when kDown > kUp, −2 × gap beyond 60 %, else 0', () => {
    expect(asymmetryTerm(1.0, 1.5, 'upperWider')).toBeCloseTo(-1.5, 12);
    expect(asymmetryTerm(2.5, 0.8, 'upperWider')).toBeCloseTo(-3.4, 12);
    expect(asymmetryTerm(1.5, 1.0, 'upperWider')).toBe(0);
  });
});
