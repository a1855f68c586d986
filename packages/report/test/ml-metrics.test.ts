import { describe, expect, it } from 'vitest';
import { classCurves, confusionCounts, columnReliability, thinCurve } from '../src/internal/ml-metrics.js';

describe('classCurves: known answers', () => {
  it("scikit-learn's roc_auc_score example: 0.75", () => {
    // y = [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8]: roc_auc_score = 0.75, average_precision_score = 0.8333…
    const c = classCurves([false, false, true, true], [0.1, 0.4, 0.35, 0.8]);
    expect(c.rocAuc).toBe(0.75);
    expect(c.averagePrecision).toBeCloseTo(5 / 6, 15);
    expect(c.roc).toEqual([
      { x: 0, y: 0 },
      { x: 0, y: 0.5 },
      { x: 0.5, y: 0.5 },
      { x: 0.5, y: 1 },
      { x: 1, y: 1 },
    ]);
    expect(c.pr.map((p) => p.y)).toEqual([1, 0.5, 2 / 3, 0.5]);
  });

  it('ties are one threshold: a constant score gives the diagonal, AUC 0.5', () => {
    const c = classCurves([true, false, true, false], [0.3, 0.3, 0.3, 0.3]);
    expect(c.roc).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ]);
    expect(c.rocAuc).toBe(0.5);
    expect(c.averagePrecision).toBe(0.5);
  });

  it('perfect and inverted rankings; a class without rows is NaN', () => {
    expect(classCurves([true, true, false], [0.9, 0.8, 0.1]).rocAuc).toBe(1);
    expect(classCurves([true, true, false], [0.1, 0.2, 0.9]).rocAuc).toBe(0);
    const none = classCurves([false, false], [0.2, 0.4]);
    expect(none.rocAuc).toBeNaN();
    expect(none.averagePrecision).toBeNaN();
  });
});

describe('confusionCounts', () => {
  it('counts rows = true class, columns = predicted, skipping unknown classes', () => {
    const label = [0, 0, 1, 2, 2, 2, 1, 9];
    const predicted = [0, 2, 1, 2, 1, 2, 0, 0];
    expect(confusionCounts(label, predicted)).toEqual([
      [1, 0, 1],
      [1, 1, 0],
      [0, 1, 2],
    ]);
  });
});

describe('columnReliability', () => {
  it('bins the top-class probability and scores it against the label', () => {
    // Top classes: row 0 long 0.7 (bin 7, right), row 1 short 0.75 (bin 7, wrong), row 2 neutral 0.5 (bin 5, right), row 3 long 1.0 (bin 9).
    const proba = [
      [0.2, 0.75, 0.2, 0],
      [0.1, 0.1, 0.5, 0],
      [0.7, 0.15, 0.3, 1],
    ];
    const bins = columnReliability([2, 2, 1, 2], proba);
    expect(bins).toHaveLength(10);
    expect(bins[7]).toEqual({ lower: 0.7, upper: 0.8, rows: 2, confidence: 0.725, accuracy: 0.5 });
    expect(bins[5]).toMatchObject({ rows: 1, confidence: 0.5, accuracy: 1 });
    expect(bins[9]).toMatchObject({ rows: 1, confidence: 1, accuracy: 1 });
    expect(bins[0]).toMatchObject({ rows: 0, confidence: null, accuracy: null });
  });
});

describe('thinCurve', () => {
  it('keeps at most the limit, first and last included', () => {
    const points = Array.from({ length: 1001 }, (_, i) => ({ x: i, y: i }));
    const thin = thinCurve(points, 11);
    expect(thin.map((p) => p.x)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });
});
