import { describe, expect, it } from 'vitest';
import { metaContracts, primarySides, probabilityContracts, wholeContracts } from '../src/internal/sizing.js';

describe('sizing rules shared by the trainer and inference', () => {
  it('takes the side of a long/short argmax at the threshold', () => {
    const proba = Float32Array.from([0.1, 0.2, 0.7, 0.45, 0.3, 0.25, 0.2, 0.6, 0.2]);
    expect([...primarySides(proba, 3, 0.5)]).toEqual([1, 0, 0]);
    expect([...primarySides(proba, 3, 0.4)]).toEqual([1, -1, 0]);
  });

  it('sizes by 2Φ(z) − 1 of the argmax probability (k = 3) and rounds half away from zero on both sides', () => {
    // p = 0.7, k = 3: z = (0.7 − 1/3) / sqrt(0.7 · 0.3) = 0.800198…, 2Φ(z) − 1 = 0.576383…; × 4 contracts = 2.3 → 2.
    const proba = Float32Array.from([0.1, 0.2, 0.7, 0.9, 0.05, 0.05, 0.3, 0.4, 0.3]);
    expect([...probabilityContracts(proba, 3, { threshold: 0.5, step: 0, maxContracts: 4 })]).toEqual([2, -4, 0]);
    expect([...wholeContracts([0.125, -0.125, 0.374], 4)]).toEqual([1, -1, 1]);
  });

  it('acts on the meta-labeled side only where p(act) reaches the threshold, at least one contract', () => {
    const act = Float64Array.from([0.9, 0.4, 0.55, 0.99]);
    const side = Int8Array.from([1, -1, -1, 0]);
    expect([...metaContracts(act, side, 0.5, { method: 'none', maxContracts: 3 })]).toEqual([1, 0, -1, 0]);
    // k = 2: p = 0.9 → z = 0.4 / 0.3 = 1.333, 2Φ(z) − 1 = 0.8176 → 2.45 → 2; p = 0.55 → 0.1 / 0.4975 → 0.1593 → 0.48 → at least 1.
    expect([...metaContracts(act, side, 0.5, { method: 'probability', maxContracts: 3 })]).toEqual([2, 0, -1, 0]);
  });
});
