import { describe, expect, it } from 'vitest';
import { adfTest } from '../src/adf.js';
import { adfTestAt } from '../src/adf-at.js';

/** Deterministic uniform [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('adfTestAt', () => {
  it('equals adfTest on the gathered rows bit for bit: walks, mean-reverting series, NaN, ±Infinity, short and constant series, lags 0–3', () => {
    const u = uniform(7);
    let checked = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = [0, 2, 3, 4, 5, 50, 997, 5000][trial % 8] as number;
      const x = new Float64Array(n + 20);
      let level = 8 + u();
      for (let i = 0; i < x.length; i++) {
        level = trial % 3 === 0 ? level + (u() - 0.5) * 0.01 : 0.5 * level + u();
        x[i] = trial % 11 === 10 ? 4.25 : level;
        if (trial % 4 === 1 && u() < 0.05) x[i] = Number.NaN;
        if (trial % 13 === 12 && i === 7) x[i] = Infinity;
      }
      const rows = Int32Array.from({ length: n }, (_, k) => k + 3 + (k > n / 2 ? 10 : 0));
      const gathered = Float64Array.from(rows, (i) => x[i] as number);
      for (const lags of [0, 1, 2, 3]) {
        const fast = adfTestAt(x, rows, lags);
        const slow = adfTest(gathered, lags);
        expect(Object.is(fast.statistic, slow.statistic) || (Number.isNaN(fast.statistic) && Number.isNaN(slow.statistic))).toBe(true);
        expect(fast).toEqual(slow);
        if (Number.isFinite(slow.statistic)) checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('gives a random walk a small |t| and white noise a large one', () => {
    const u = uniform(3);
    const walk = new Float64Array(4000);
    const noise = new Float64Array(4000);
    for (let i = 1; i < walk.length; i++) {
      walk[i] = (walk[i - 1] as number) + u() - 0.5;
      noise[i] = u() - 0.5;
    }
    const rows = Int32Array.from({ length: 4000 }, (_, k) => k);
    const w = adfTestAt(walk, rows, 1);
    const z = adfTestAt(noise, rows, 1);
    expect(w.statistic).toBeGreaterThan(-4);
    expect(z.statistic).toBeLessThan(-20);
    expect(z.stationary).toBe(true);
  });
});
