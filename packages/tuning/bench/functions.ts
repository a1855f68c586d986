// Standard test functions for samplers (Surjanovic & Bingham, Virtual Library of Simulation Experiments).
import { Rng, deriveSeed } from '@tribar/core';
import { defineSearchSpace, type SearchSpace } from '../src/internal/space.js';

export interface TestFunction {
  name: string;
  space: SearchSpace;
  /** The global minimum. */
  minimum: number;
  /** Value of a parameter set; `noiseKey` keys the noise of noisy functions (seed, trial number). */
  evaluate(params: Record<string, unknown>, noiseKey: string): number;
}

export const BRANIN: TestFunction = {
  name: 'branin',
  space: defineSearchSpace({ x1: { kind: 'float', low: -5, high: 10, log: false }, x2: { kind: 'float', low: 0, high: 15, log: false } }),
  minimum: 0.397887,
  evaluate(p) {
    const x1 = p.x1 as number;
    const x2 = p.x2 as number;
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

export const HARTMANN6: TestFunction = {
  name: 'hartmann6',
  space: defineSearchSpace(
    Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, { kind: 'float' as const, low: 0, high: 1, log: false }])),
  ),
  minimum: -3.32237,
  evaluate(p) {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += H_A[i]![j]! * ((p[`x${j}`] as number) - H_P[i]![j]! * 1e-4) ** 2;
      sum += H_ALPHA[i]! * Math.exp(-inner);
    }
    return -sum;
  },
};

/** Σ (xᵢ − 0.3)² over 4 dimensions in [−1, 1], plus N(0, 0.05²) noise. */
export const NOISY_QUADRATIC: TestFunction = {
  name: 'noisy-quadratic',
  space: defineSearchSpace(
    Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`x${i}`, { kind: 'float' as const, low: -1, high: 1, log: false }])),
  ),
  minimum: 0,
  evaluate(p, noiseKey) {
    let sum = 0;
    for (let i = 0; i < 4; i++) sum += ((p[`x${i}`] as number) - 0.3) ** 2;
    return sum + new Rng(deriveSeed(0, noiseKey)).normal(0, 0.05);
  },
};

export const TEST_FUNCTIONS = [BRANIN, HARTMANN6, NOISY_QUADRATIC];
