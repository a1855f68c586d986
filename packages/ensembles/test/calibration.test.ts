import { Rng } from '@tribar/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationReport } from '../src/internal/calibration-metrics.js';
import { applyCalibrator, fitCalibrator, type CalibrationMethod } from '../src/internal/calibration.js';

/** True probabilities, an overconfident model's (logits × 3) and classes drawn from the true ones. */
function overconfident(rows: number, seed: number) {
  const rng = new Rng(seed);
  const model = new Float32Array(rows * 3);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const logits = [rng.normal(0, 0.7), rng.normal(0, 0.7), rng.normal(0, 0.7)];
    const soft = (k: number) => {
      const e = logits.map((l) => Math.exp(k * l));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    const truth = soft(1);
    soft(3).forEach((p, c) => (model[r * 3 + c] = p));
    const u = rng.next();
    y[r] = u < truth[0]! ? 0 : u < truth[0]! + truth[1]! ? 1 : 2;
  }
  return { model, y };
}

describe('calibration', () => {
  const fit = overconfident(4000, 1);
  const fresh = overconfident(4000, 2);

  it('temperature scaling recovers the temperature that made the model overconfident (≈ 3)', () => {
    const calibrator = fitCalibrator('temperature', fit.model, fit.y);
    expect(calibrator.method).toBe('temperature');
    if (calibrator.method !== 'temperature') throw new Error('temperature expected');
    expect(calibrator.temperature).toBeGreaterThan(2.6);
    expect(calibrator.temperature).toBeLessThan(3.4);
  });

  it.each<CalibrationMethod>(['temperature', 'platt', 'isotonic'])('%s lowers the Brier score and the ECE on fresh rows', (method) => {
    const calibrator = fitCalibrator(method, fit.model, fit.y);
    const before = calibrationReport(fresh.model, fresh.y);
    const after = calibrationReport(applyCalibrator(calibrator, fresh.model), fresh.y);
    expect(after.brier).toBeLessThan(before.brier - 0.01);
    expect(after.ece).toBeLessThan(before.ece / 2);
    const p = applyCalibrator(calibrator, fresh.model);
    for (let r = 0; r < 50; r++) expect(p[r * 3]! + p[r * 3 + 1]! + p[r * 3 + 2]!).toBeCloseTo(1, 5);
  });

  it('reports Brier, ECE and the reliability bins by hand', () => {
    // Row 1: top 0.75 right; row 2: top 0.55 wrong. Brier: ((0.0625 + 0.0225 + 0.01) + (0.3025 + 0.3025 + 0)) / 2 = 0.35.
    const report = calibrationReport(Float32Array.from([0.75, 0.15, 0.1, 0.55, 0.45, 0]), Uint8Array.from([0, 1]), 10);
    expect(report.brier).toBeCloseTo(0.35, 6);
    // Bins [0.5, 0.6) and [0.7, 0.8): |0 − 0.55| / 2 + |1 − 0.75| / 2 = 0.4.
    expect(report.ece).toBeCloseTo(0.4, 6);
    expect(report.reliability[5]).toMatchObject({ rows: 1, accuracy: 0 });
    expect(report.reliability[7]).toMatchObject({ rows: 1, accuracy: 1 });
  });

  it('isotonic maps are monotone in each class probability', () => {
    const calibrator = fitCalibrator('isotonic', fit.model, fit.y);
    if (calibrator.method !== 'isotonic') throw new Error('isotonic expected');
    for (const values of calibrator.values)
      for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  });

  it('names a bad class and an empty validation split', () => {
    expect(() => fitCalibrator('platt', Float32Array.from([0.2, 0.3, 0.5]), Uint8Array.from([3]))).toThrow(/row 0 has class 3/);
    expect(() => fitCalibrator('temperature', new Float32Array(0), new Uint8Array(0))).toThrow(/validation split is empty/);
  });

  it('is a function of the validation rows alone (property: the same rows give the same calibrator)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom<CalibrationMethod>('temperature', 'platt', 'isotonic'),
        (seed, method) => {
          const val = overconfident(200, seed);
          const a = fitCalibrator(method, val.model, val.y);
          // Whatever else exists (other rows, other calls), the same validation rows give the same calibrator.
          fitCalibrator(method, overconfident(200, seed + 1).model, overconfident(200, seed + 1).y);
          expect(fitCalibrator(method, Float32Array.from(val.model), Uint8Array.from(val.y))).toEqual(a);
        },
      ),
      { numRuns: 15 },
    );
  });
});
