import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { zScoreEvents } from '../src/internal/afml/z-score.js';

/** The filter's definition, bar by bar, with no sliding sums. */
function bruteForce(x: Float64Array, meanWindow: number, stdWindow: number, z: number, twoSided: boolean): number[] {
  const out: number[] = [];
  for (let i = Math.max(meanWindow, stdWindow) - 1; i < x.length; i++) {
    const mw = Array.from(x.subarray(i - meanWindow + 1, i + 1));
    const sw = Array.from(x.subarray(i - stdWindow + 1, i + 1));
    const mean = mw.reduce((a, b) => a + b, 0) / meanWindow;
    const sm = sw.reduce((a, b) => a + b, 0) / stdWindow;
    const std = Math.sqrt(sw.reduce((a, b) => a + (b - sm) ** 2, 0) / (stdWindow - 1));
    const v = x[i] as number;
    if (!(std > 0)) continue;
    if (v >= mean + z * std || (twoSided && v <= mean - z * std)) out.push(i);
  }
  return out;
}

describe('AFML 2.5.2.1: z-score filter', () => {
  it('fires at x ≥ mean + z·std over windows ending at the bar (hand-computed)', () => {
    // Last 4 values 1, 1, 1, 5: mean 2, sample std √(12/3) = 2 → band 2 + z·2.
    const x = Float64Array.from([1, 1, 1, 1, 5]);
    expect(Array.from(zScoreEvents(x, { meanWindow: 4, stdWindow: 4, threshold: 1 }))).toEqual([4]); // 5 ≥ 4
    expect(Array.from(zScoreEvents(x, { meanWindow: 4, stdWindow: 4, threshold: 1.5 }))).toEqual([4]); // 5 ≥ 5
    expect(Array.from(zScoreEvents(x, { meanWindow: 4, stdWindow: 4, threshold: 1.6 }))).toEqual([]); // 5 < 5.2
    // Mean over 2 bars (3) and std over 4 bars (2): 5 ≥ 3 + 1·2 fires, 3 + 1.1·2 = 5.2 does not.
    expect(Array.from(zScoreEvents(x, { meanWindow: 2, stdWindow: 4, threshold: 1 }))).toEqual([4]);
    expect(Array.from(zScoreEvents(x, { meanWindow: 2, stdWindow: 4, threshold: 1.1 }))).toEqual([]);
    // Two-sided: a drop to −3 after 1, 1, 1: mean 0, std 2 → −3 ≤ 0 − 1·2.
    const down = Float64Array.from([1, 1, 1, -3]);
    expect(Array.from(zScoreEvents(down, { meanWindow: 4, stdWindow: 4, threshold: 1 }))).toEqual([]);
    expect(Array.from(zScoreEvents(down, { meanWindow: 4, stdWindow: 4, threshold: 1, twoSided: true }))).toEqual([3]);
  });

  it('matches the definition on a long price walk far from 0, and skips windows holding a NaN', () => {
    const rng = new Rng(7);
    const x = new Float64Array(3000);
    x[0] = 5000;
    for (let i = 1; i < x.length; i++) x[i] = (x[i - 1] as number) + (rng.next() - 0.5) * 4;
    const got = Array.from(zScoreEvents(x, { meanWindow: 20, stdWindow: 50, threshold: 1.5, twoSided: true }));
    expect(got.length).toBeGreaterThan(100);
    expect(got).toEqual(bruteForce(x, 20, 50, 1.5, true));
    x[1000] = Number.NaN;
    const withNaN = Array.from(zScoreEvents(x, { meanWindow: 20, stdWindow: 50, threshold: 1.5, twoSided: true }));
    expect(withNaN.some((i) => i >= 1000 && i < 1050)).toBe(false);
    expect(withNaN.filter((i) => i >= 1050)).toEqual(bruteForce(x, 20, 50, 1.5, true).filter((i) => i >= 1050));
  });

  it('is causal: events on a prefix are the full series’ events before its end', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 800 }, (_, i) => 100 + Math.sin(i / 9) * 3 + rng.next());
    const full = Array.from(zScoreEvents(x, { meanWindow: 10, stdWindow: 30, threshold: 1 }));
    for (const cut of [40, 333, 799]) {
      const prefix = Array.from(zScoreEvents(x.slice(0, cut), { meanWindow: 10, stdWindow: 30, threshold: 1 }));
      expect(prefix).toEqual(full.filter((i) => i < cut));
    }
  });

  it('gives no event on a flat window (std 0 has no z-score)', () => {
    const flat = Float64Array.from([2, 2, 2, 2, 2, 9]);
    expect(Array.from(zScoreEvents(flat, { meanWindow: 3, stdWindow: 3, threshold: 0 }))).toEqual([5]);
  });

  it('rejects windows it cannot compute', () => {
    expect(() => zScoreEvents(new Float64Array(5), { meanWindow: 3, stdWindow: 1, threshold: 1 })).toThrow(RangeError);
  });
});
