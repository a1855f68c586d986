import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, reliabilityCurve } from '../src/reliability.js';

describe('reliabilityCurve', () => {
  it('bins the top-class confidence by hand: mean confidence and hit rate per bin, ECE from them', () => {
    // rows × 3, labels: top classes 2 (0.55), 2 (0.58), 0 (0.9), 1 (1.0, the last bin is closed), a NaN row left out
    const proba = [0.2, 0.25, 0.55, 0.1, 0.32, 0.58, 0.9, 0.05, 0.05, 0, 1, 0, Number.NaN, 0.5, 0.5];
    const label = [2, 0, 0, 2, 1];
    const curve = reliabilityCurve(proba, 3, label, 10);
    expect(curve).toHaveLength(10);
    expect(curve[5]).toEqual({ lower: 0.5, upper: 0.6, rows: 2, confidence: (0.55 + 0.58) / 2, accuracy: 0.5 });
    expect(curve[9]).toEqual({ lower: 0.9, upper: 1, rows: 2, confidence: 0.95, accuracy: 0.5 });
    expect(curve[0]).toEqual({ lower: 0, upper: 0.1, rows: 0, confidence: null, accuracy: null });
    // ECE = 2/4·|0.5 − 0.565| + 2/4·|0.5 − 0.95| = 0.0325 + 0.225
    expect(expectedCalibrationError(curve, 4)).toBeCloseTo(0.2575, 12);
  });

  it('breaks a tie toward the first class, as argmax does', () => {
    const curve = reliabilityCurve([0.4, 0.4, 0.2], 3, [1], 5);
    expect(curve[2]).toMatchObject({ rows: 1, accuracy: 0 });
  });
});
