import { describe, expect, it } from 'vitest';
import {
  averageActiveBets,
  betSizeFromProbability,
  betSizes,
  budgetBetSizes,
  discretizeBetSizes,
  sigmoidBetSize,
  sigmoidWidth,
} from '../src/internal/bet-sizing.js';

describe('AFML ch. 10 bet sizing', () => {
  it('sizes by 2Φ(z) − 1 with z = (p − 1/k)/√(p(1 − p)) (hand-computed cases)', () => {
    // p = 0.6, k = 3: z = 0.26667 / 0.48990 = 0.544331, Φ(z) = 0.706893, m = 0.413786.
    expect(betSizeFromProbability(0.6, 3)).toBeCloseTo(0.41378631892686, 10);
    expect(betSizeFromProbability(0.9, 3)).toBeCloseTo(0.941093281384338, 10);
    expect(betSizeFromProbability(0.4, 3)).toBeCloseTo(0.1082441464932058, 10);
    expect(betSizeFromProbability(0.7, 2)).toBeCloseTo(0.3374794164599424, 10);
    // The uninformed probability bets nothing; certainty bets everything.
    expect(betSizeFromProbability(0.5, 2)).toBe(0);
    expect(betSizeFromProbability(1, 3)).toBe(1);
    expect(() => betSizeFromProbability(1.2, 3)).toThrow(/p in \[0, 1\]/);
  });

  it('signs sizes by the side and gives a flat side no bet', () => {
    const m = betSizes([0.6, 0.6, 0.9], [1, -1, 0], 3);
    expect(m[0]).toBeCloseTo(0.41378631892686, 10);
    expect(m[1]).toBeCloseTo(-0.41378631892686, 10);
    expect(m[2]).toBe(0);
  });

  it('averages the bets active at each bar (snippet 10.2)', () => {
    // Bet 0: +0.8 on bars 0–3; bet 1: −0.2 on bars 2–5; bet 2: +0.5 on bar 7.
    const avg = averageActiveBets([0.8, -0.2, 0.5], [0, 2, 7], [3, 5, 7], 9);
    const expected = [0.8, 0.8, 0.3, 0.3, -0.2, -0.2, 0, 0.5, 0];
    expected.forEach((v, t) => expect(avg[t]).toBeCloseTo(v, 12));
  });

  it('discretises by the step with pandas’ half-to-even rounding, capped to [−1, 1] (snippet 10.3)', () => {
    expect(Array.from(discretizeBetSizes([0.41378, -0.63, 0.125, 0.375, 0.99, -1], 0.25))).toEqual([0.5, -0.75, 0, 0.5, 1, -1]);
    expect(Array.from(discretizeBetSizes([0.41378], 0))).toEqual([0.41378]);
    expect(() => discretizeBetSizes([0.1], 1.5)).toThrow(/step/);
  });

  it('sizes by the budgeting approach: concurrent longs over their max minus shorts over theirs', () => {
    // Longs on [0,4] and [1,3]; a short on [2,6]. At bar 0: 1/2 − 0; bar 1: 2/2; bar 2: 2/2 − 1/1.
    const m = budgetBetSizes([0, 1, 2], [4, 3, 6], [1, 1, -1], 8);
    expect(Array.from(m)).toEqual([0.5, 1, 0]);
  });

  it('gives the sigmoid size its width promises (snippet 10.4)', () => {
    const w = sigmoidWidth(10, 0.95);
    expect(w).toBeCloseTo(100 * (1 / 0.9025 - 1), 12);
    expect(sigmoidBetSize(w, 10)).toBeCloseTo(0.95, 12);
    expect(sigmoidBetSize(w, -10)).toBeCloseTo(-0.95, 12);
  });
});
