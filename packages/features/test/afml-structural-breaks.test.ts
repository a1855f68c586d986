import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng, UsageError } from '@tribar/core';
import {
  chowDickeyFuller,
  chuStinchcombeWhite,
  martingaleTest,
  sadf,
  type AdfSpecification,
  type MartingaleSpecification,
} from '../src/internal/kernels/structural-breaks.js';

// Known answers from an independent brute-force numpy reference (fixtures/structural-breaks.py:
// every sub-sample refitted by QR on the book's raw regressors, global trend and all).
interface Fixture {
  minLength: number;
  maxLength: number;
  lags: number;
  phi: number;
  window: number;
  chowMinLength: number;
  price: number[];
  sadf: Record<AdfSpecification, (number | null)[]>;
  martingale: Record<MartingaleSpecification, (number | null)[]>;
  martingalePhi0: { exponential: (number | null)[] };
  chow: (number | null)[];
  cswOne: (number | null)[];
  cswTwo: (number | null)[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/structural-breaks.json', import.meta.url), 'utf8')) as Fixture;
const price = Float64Array.from(fixture.price);
const logPrice = price.map(Math.log);
const window = { minLength: fixture.minLength, maxLength: fixture.maxLength };

function expectMatches(actual: Float64Array, expected: (number | null)[], digits: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    if (value === null) expect(actual[i], `row ${i}`).toBeNaN();
    else expect(actual[i], `row ${i}`).toBeCloseTo(value, digits);
  });
}

describe('AFML ch. 17 structural breaks: known answers (numpy reference)', () => {
  it.each(['constant', 'linear', 'quadratic'] as const)('SADF, %s specification, 2 lags', (specification) => {
    const out = sadf(logPrice, specification, fixture.lags, window);
    expect(out[fixture.lags + fixture.minLength - 1]).toBeNaN();
    expect(out[fixture.lags + fixture.minLength]).not.toBeNaN();
    expectMatches(out, fixture.sadf[specification], 9);
  });

  it.each(['polynomial', 'polynomial-log', 'exponential', 'power'] as const)('sub/super-martingale test, %s, φ = 0.5', (specification) => {
    expectMatches(martingaleTest(price, specification, fixture.phi, window), fixture.martingale[specification], 9);
  });

  it('sub/super-martingale test with φ = 0 is the plain supremum of |t|', () => {
    expectMatches(martingaleTest(price, 'exponential', 0, window), fixture.martingalePhi0.exponential, 9);
  });

  it('Chow-type Dickey–Fuller', () => {
    expectMatches(chowDickeyFuller(logPrice, fixture.window, fixture.chowMinLength), fixture.chow, 9);
  });

  it('Chu–Stinchcombe–White CUSUM, one- and two-sided', () => {
    expectMatches(chuStinchcombeWhite(logPrice, fixture.window, false), fixture.cswOne, 12);
    expectMatches(chuStinchcombeWhite(logPrice, fixture.window, true), fixture.cswTwo, 12);
  });
});

describe('structural breaks: hand-computed cases', () => {
  it('Chu–Stinchcombe–White on 0, 1, 0, 2', () => {
    // Window 4 at t = 3: changes 1, −1, 2 → σ̂ = √(6/3) = √2; S = (2 − 0)/(√2·√3), (2 − 1)/(√2·√2),
    // (2 − 0)/(√2·1): the sup is √2. Two-sided takes |·|, the same here.
    const y = Float64Array.from([0, 1, 0, 2]);
    const one = chuStinchcombeWhite(y, 4, false);
    expect(one[2]).toBeNaN();
    expect(one[3]).toBeCloseTo(Math.SQRT2, 14);
    // A fall: 0, 1, 0, −2 (σ̂ = √2 again): S = −2/√6, −3/2, −2/√2, so the one-sided sup is
    // −2/√6 and the two-sided one |−3|/2 = 1.5.
    const fall = Float64Array.from([0, 1, 0, -2]);
    expect(chuStinchcombeWhite(fall, 4, false)[3]).toBeCloseTo(-2 / Math.sqrt(6), 14);
    expect(chuStinchcombeWhite(fall, 4, true)[3]).toBeCloseTo(1.5, 14);
  });

  it('Chow-type DF with one admissible break is the no-intercept regression t-statistic', () => {
    // Window 5 (4 rows), minLength 2: the only break leaves rows 3, 4 with D = 1. Levels from
    // y₀ = 0: y = 0, 1, 3, 2, 5 → Δy = 1, 2, −1, 3 and lagged levels 0, 1, 3, 2. Rows with D = 1:
    // x = (3, 2), Δy = (−1, 3): Sxy = 3, Sxx = 13, δ̂ = 3/13; SSR = Σ Δy² − Sxy²/Sxx = 15 − 9/13;
    // σ̂² = SSR/3; t = δ̂ / √(σ̂²/Sxx).
    const out = chowDickeyFuller(Float64Array.from([0, 1, 3, 2, 5]), 5, 2);
    const ssr = 15 - 9 / 13;
    expect(out[4]).toBeCloseTo(3 / 13 / Math.sqrt(ssr / 3 / 13), 14);
  });

  it('rejects windows too short for the regression', () => {
    expect(() => sadf(logPrice, 'quadratic', 2, { minLength: 5, maxLength: 30 })).toThrow(UsageError);
    expect(() => martingaleTest(price, 'power', 1.5, window)).toThrow(UsageError);
    expect(() => chowDickeyFuller(logPrice, 10, 5)).toThrow(UsageError);
  });
});

describe('structural breaks: properties', () => {
  function randomWalk(n: number, seed: number, drift = 0): Float64Array {
    const rng = new Rng(seed);
    const y = new Float64Array(n);
    let level = Math.log(4500);
    for (let i = 0; i < n; i++) {
      level += 0.001 * rng.normal() + drift;
      y[i] = level;
    }
    return y;
  }

  it("a pure random walk's SADF stays below the 95 % critical value most of the time; an explosive segment raises it", () => {
    const n = 4000;
    const walk = randomWalk(n, 11);
    const out = sadf(walk, 'constant', 1, { minLength: 20, maxLength: 100 });
    let above = 0;
    let valid = 0;
    for (const v of out) {
      if (Number.isNaN(v)) continue;
      valid++;
      // Phillips–Wu–Yu (2011) finite-sample SADF 95 % critical value near 1.5 for r₀ = 0.2.
      if (v > 1.5) above++;
    }
    expect(valid).toBe(n - 21);
    expect(above / valid).toBeLessThan(0.03); // about 1 % on these seeds
    // Bars 3000–3100 grow by 0.5 % a bar compounding on the level (y_t = 1.005·y_{t−1} in deviation).
    const bubble = walk.slice();
    let deviation = 0.01;
    for (let i = 3000; i < n; i++) {
      if (i < 3100) deviation *= 1.05;
      bubble[i] = (walk[i] as number) + deviation;
    }
    const raised = sadf(bubble, 'constant', 1, { minLength: 20, maxLength: 100 });
    let maxInBubble = -Infinity;
    for (let i = 3050; i < 3100; i++) maxInBubble = Math.max(maxInBubble, raised[i] as number);
    expect(maxInBubble).toBeGreaterThan(5);
    // Before the bubble nothing changed.
    expect(Array.from(raised.subarray(0, 3000))).toEqual(Array.from(out.subarray(0, 3000)));
  });

  it('is causal: changing bars after t leaves every statistic at ≤ t unchanged', () => {
    const y = randomWalk(600, 5);
    const later = y.slice();
    for (let i = 400; i < later.length; i++) later[i] = (later[i] as number) + 0.02 * Math.sin(i);
    const p = y.map(Math.exp);
    const q = later.map(Math.exp);
    const pairs: [Float64Array, Float64Array][] = [
      [sadf(y, 'quadratic', 2, { minLength: 20, maxLength: 80 }), sadf(later, 'quadratic', 2, { minLength: 20, maxLength: 80 })],
      [
        martingaleTest(p, 'power', 0.5, { minLength: 20, maxLength: 80 }),
        martingaleTest(q, 'power', 0.5, { minLength: 20, maxLength: 80 }),
      ],
      [chowDickeyFuller(y, 60, 10), chowDickeyFuller(later, 60, 10)],
      [chuStinchcombeWhite(y, 60, true), chuStinchcombeWhite(later, 60, true)],
    ];
    for (const [a, b] of pairs) {
      expect(Array.from(b.subarray(0, 400))).toEqual(Array.from(a.subarray(0, 400)));
      expect(Array.from(b.subarray(400))).not.toEqual(Array.from(a.subarray(400)));
    }
  });
});
