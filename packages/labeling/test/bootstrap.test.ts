import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import {
  indicatorMatrix,
  indicatorUniqueness,
  meanUniqueness,
  sequentialBootstrap,
  sequentialBootstrapProbabilities,
} from '../src/internal/afml/bootstrap.js';

describe('AFML §4.5: indicator matrix and sequential bootstrap', () => {
  // The book's example (snippet 4.7): t1 = [2, 3, 5] at [0, 2, 4], bars 0–5.
  const matrix = indicatorMatrix([0, 2, 4], [2, 3, 5]);

  it('gives the book’s average uniqueness: 0.8333, 0.75, 1.0 per label and 0.8571 overall', () => {
    expect(matrix.barCount).toBe(6);
    const u = indicatorUniqueness(matrix);
    expect(u[0]).toBeCloseTo(5 / 6, 12);
    expect(u[1]).toBeCloseTo(0.75, 12);
    expect(u[2]).toBeCloseTo(1, 12);
    // Span-weighted: (3 · 0.8333 + 2 · 0.75 + 2 · 1) / 7 = 6/7; the plain mean would be 0.8611.
    expect(meanUniqueness(matrix)).toBeCloseTo(0.857142857, 8);
  });

  it('gives the book’s first-draw probabilities after label 1: 0.35714286, 0.21428571, 0.42857143', () => {
    const p = sequentialBootstrapProbabilities(matrix, [1]);
    expect(p[0]).toBeCloseTo(0.35714286, 8);
    expect(p[1]).toBeCloseTo(0.21428571, 8);
    expect(p[2]).toBeCloseTo(0.42857143, 8);
    // Before any draw every label is as unique as it can be: 1/3 each.
    for (const q of sequentialBootstrapProbabilities(matrix, [])) expect(q).toBeCloseTo(1 / 3, 12);
  });

  it('counts repeated draws: a label drawn twice halves its own uniqueness on its span', () => {
    expect(meanUniqueness(matrix, [2, 2])).toBeCloseTo(0.5, 12);
    // Label 0 drawn twice and label 1 once: bars 0–3 covered by 2 + 2 + 3 + 1 incidences → 4/8.
    expect(meanUniqueness(matrix, [0, 0, 1])).toBeCloseTo(0.5, 12);
    expect(indicatorUniqueness(matrix, [0, 0, 1])[1]).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(meanUniqueness(matrix, [1, 0, 2])).toBeCloseTo(0.857142857, 8);
  });

  it('is reproducible from the seed and beats the standard bootstrap’s uniqueness (book’s Monte Carlo, snippet 4.9)', () => {
    const a = sequentialBootstrap(matrix, { seed: 7, size: 50 });
    expect(Array.from(a)).toEqual(Array.from(sequentialBootstrap(matrix, { seed: 7, size: 50 })));
    // The book's Monte Carlo setup: 10 labels of 1–5 bars at random starts over 100 bars.
    const rng = new Rng(11);
    let seq = 0;
    let std = 0;
    const trials = 300;
    for (let trial = 0; trial < trials; trial++) {
      const start = Array.from({ length: 10 }, () => rng.int(0, 94)).sort((a, b) => a - b);
      const m = indicatorMatrix(
        start,
        start.map((s) => s + rng.int(0, 4)),
        100,
      );
      seq += meanUniqueness(m, sequentialBootstrap(m, { seed: trial }));
      std += meanUniqueness(
        m,
        Array.from({ length: 10 }, () => rng.int(0, 9)),
      );
    }
    expect(seq / trials).toBeGreaterThan(std / trials + 0.03);
  });

  it('names the label whose span is reversed or outside the bars', () => {
    expect(() => indicatorMatrix([0, 3], [2, 1])).toThrow(/label 1 spans bars \[3, 1\]/);
    expect(() => indicatorMatrix([0], [9], 5)).toThrow(/label 0/);
  });
});

describe('sequentialBootstrap draws by the book’s probabilities', () => {
  it('after a first draw of label 1, draws the second with probabilities ≈ 0.357 / 0.214 / 0.429', () => {
    const matrix = indicatorMatrix([0, 2, 4], [2, 3, 5]);
    const counts = [0, 0, 0];
    let firstWasOne = 0;
    for (let seed = 0; seed < 6000; seed++) {
      const draws = sequentialBootstrap(matrix, { seed, size: 2 });
      if (draws[0] !== 1) continue;
      firstWasOne++;
      counts[draws[1] as number]! += 1;
    }
    // The first draw is uniform: about a third of the seeds.
    expect(firstWasOne / 6000).toBeCloseTo(1 / 3, 1);
    const expected = [0.35714286, 0.21428571, 0.42857143];
    counts.forEach((n, j) => expect(Math.abs(n / firstWasOne - expected[j]!)).toBeLessThan(0.035));
  });

  it('handles 20 000 overlapping labels quickly', () => {
    const n = 20_000;
    const start = Int32Array.from({ length: n }, (_, i) => i);
    const end = Int32Array.from({ length: n }, (_, i) => Math.min(n - 1, i + 10));
    const t0 = performance.now();
    const draws = sequentialBootstrap(indicatorMatrix(start, end), { seed: 1 });
    expect(draws.length).toBe(n);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
