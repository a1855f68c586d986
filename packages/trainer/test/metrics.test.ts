import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '@tribar/core';
import { argmaxClass, classificationMetrics } from '../src/internal/metrics/classification.js';

// Ten rows, classes 0 short / 1 neutral / 2 long. Predicted = argmax, ties → lower class (row 9).
//
//  row  true  [p_short, p_neutral, p_long]  pred  p_true
//   0    0    [0.70, 0.20, 0.10]             0    0.70
//   1    0    [0.60, 0.30, 0.10]             0    0.60
//   2    0    [0.30, 0.50, 0.20]             1    0.30
//   3    1    [0.20, 0.60, 0.20]             1    0.60
//   4    1    [0.10, 0.80, 0.10]             1    0.80
//   5    1    [0.10, 0.40, 0.50]             2    0.40
//   6    1    [0.10, 0.40, 0.50]             2    0.40
//   7    2    [0.10, 0.20, 0.70]             2    0.70
//   8    2    [0.20, 0.20, 0.60]             2    0.60
//   9    2    [0.10, 0.45, 0.45]             1    0.45   (tie neutral/long → neutral)
//
// Confusion (rows true, columns predicted):  short [2 1 0]   neutral [0 2 2]   long [0 1 2]
// Column sums (predicted): 2, 4, 4.  Supports: 3, 4, 3.  Accuracy = (2+2+2)/10 = 0.6.
// short:   P = 2/2 = 1,    R = 2/3, F1 = 2·1·(2/3)/(1 + 2/3) = (4/3)/(5/3) = 0.8
// neutral: P = 2/4 = 0.5,  R = 2/4 = 0.5, F1 = 0.5
// long:    P = 2/4 = 0.5,  R = 2/3, F1 = 2·0.5·(2/3)/(0.5 + 2/3) = (2/3)/(7/6) = 4/7
// macro P = (1 + 0.5 + 0.5)/3 = 2/3;  macro R = (2/3 + 1/2 + 2/3)/3 = 11/18
// macro F1 = (4/5 + 1/2 + 4/7)/3 = (56 + 35 + 40)/70/3 = 131/210
// weighted F1 = (3·4/5 + 4·1/2 + 3·4/7)/10 = (84 + 70 + 60)/35/10 = 107/175
// log loss = mean −ln p_true = (0.356675 + 0.510826 + 1.203973 + 0.510826 + 0.223144 + 0.916291
//            + 0.916291 + 0.356675 + 0.510826 + 0.798508)/10 = 6.304032/10 = 0.6304032274781665
// weighted (w = 1 ×9, row 9 w = 2): (6.304032 + 0.798508)/11 = 0.6456854519090397
const Y = Uint8Array.from([0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
const P = [
  [0.7, 0.2, 0.1],
  [0.6, 0.3, 0.1],
  [0.3, 0.5, 0.2],
  [0.2, 0.6, 0.2],
  [0.1, 0.8, 0.1],
  [0.1, 0.4, 0.5],
  [0.1, 0.4, 0.5],
  [0.1, 0.2, 0.7],
  [0.2, 0.2, 0.6],
  [0.1, 0.45, 0.45],
].flat();

describe('classificationMetrics', () => {
  it('matches the hand-computed ten-row example', () => {
    const m = classificationMetrics(Y, Float64Array.from(P));
    expect(m.rows).toBe(10);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 2, 2],
      [0, 1, 2],
    ]);
    expect(m.accuracy).toBeCloseTo(0.6, 15);
    expect(m.perClass.short).toEqual({ precision: 1, recall: 2 / 3, f1: expect.closeTo(0.8, 15), support: 3 });
    expect(m.perClass.neutral).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 4 });
    expect(m.perClass.long.precision).toBe(0.5);
    expect(m.perClass.long.recall).toBeCloseTo(2 / 3, 15);
    expect(m.perClass.long.f1).toBeCloseTo(4 / 7, 15);
    expect(m.perClass.long.support).toBe(3);
    expect(m.macroPrecision).toBeCloseTo(2 / 3, 15);
    expect(m.macroRecall).toBeCloseTo(11 / 18, 15);
    expect(m.macroF1).toBeCloseTo(131 / 210, 15);
    expect(m.weightedF1).toBeCloseTo(107 / 175, 15);
    expect(m.logLoss).toBeCloseTo(0.6304032274781665, 14);
  });

  it('weights only the log loss', () => {
    const w = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    const plain = classificationMetrics(Y, Float64Array.from(P));
    const weighted = classificationMetrics(Y, Float64Array.from(P), w);
    expect(weighted.logLoss).toBeCloseTo(0.6456854519090397, 14);
    expect({ ...weighted, logLoss: 0 }).toEqual({ ...plain, logLoss: 0 });
  });

  it('accepts float32 probabilities (the models emit them)', () => {
    const m = classificationMetrics(Y, Float32Array.from(P));
    expect(m.macroF1).toBeCloseTo(131 / 210, 15);
    // float32(0.7) etc. differ from the decimals by < 3e-8 relative.
    expect(m.logLoss).toBeCloseTo(0.6304032274781665, 6);
  });

  it('clips p_true to 1e-15 like sklearn', () => {
    // One row, p_true = 0 → −ln(1e-15) = 15·ln 10 = 34.538776394910684
    const m = classificationMetrics(Uint8Array.from([2]), Float64Array.from([0.5, 0.5, 0]));
    expect(m.logLoss).toBeCloseTo(34.538776394910684, 12);
  });

  it('gives 0 on zero division and averages only over classes that occur (sklearn labels=None)', () => {
    // true [0,0,2,2], predicted [0,2,2,2]: neutral neither true nor predicted → left out of the macro mean.
    // short P = 1, R = 1/2, F1 = 2/3; long P = 2/3, R = 1, F1 = 0.8; macro F1 = (2/3 + 0.8)/2 = 11/15.
    const a = classificationMetrics(
      Uint8Array.from([0, 0, 2, 2]),
      Float64Array.from([0.9, 0.05, 0.05, 0.2, 0.1, 0.7, 0.1, 0.1, 0.8, 0, 0, 1]),
    );
    expect(a.perClass.neutral).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(a.macroF1).toBeCloseTo(11 / 15, 15);
    expect(a.macroPrecision).toBeCloseTo(5 / 6, 15);
    // true [0,0], predicted [0,1]: neutral predicted but never true → P = 0/1, R = 0/0 → 0; it counts in the mean.
    // short P = 1, R = 1/2, F1 = 2/3; macro F1 = (2/3 + 0)/2 = 1/3; weighted F1 = (2·2/3 + 0·0)/2 = 2/3.
    const b = classificationMetrics(Uint8Array.from([0, 0]), Float64Array.from([0.8, 0.1, 0.1, 0.1, 0.8, 0.1]));
    expect(b.macroF1).toBeCloseTo(1 / 3, 15);
    expect(b.weightedF1).toBeCloseTo(2 / 3, 15);
    expect(b.perClass.long).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('breaks argmax ties toward the lower class', () => {
    const p = [1 / 3, 1 / 3, 1 / 3, 0.2, 0.4, 0.4, 0.5, 0.0, 0.5];
    expect([0, 1, 2].map((i) => argmaxClass(p, i))).toEqual([0, 1, 0]);
  });

  it('rejects inconsistent input', () => {
    expect(() => classificationMetrics(new Uint8Array(0), new Float32Array(0))).toThrow(UsageError);
    expect(() => classificationMetrics(Y, new Float32Array(29))).toThrow(/expected rows × 3 = 30/);
    expect(() => classificationMetrics(Y, Float32Array.from(P), new Float32Array(9))).toThrow(UsageError);
    expect(() => classificationMetrics(Uint8Array.from([3]), Float32Array.from([0.2, 0.3, 0.5]))).toThrow(DataError);
    expect(() => classificationMetrics(Uint8Array.from([0, 1]), Float32Array.from([0.2, 0.3, 0.5, NaN, 0.5, 0.5]))).toThrow(
      /row 1, field 'proba\[short\]'/,
    );
  });
});
