import { describe, expect, it } from 'vitest';
import { barLambdas, bulkVolume, corwinSchultz, rollMeasure } from '../src/internal/kernels/microstructure.js';

describe('AFML ch. 19 microstructure from bars (known answers)', () => {
  it("Roll's measure: 2·√|cov(ΔC_t, ΔC_t−1)|", () => {
    // Changes +1 −1 +1 −1; at bar 4 over 3 pairs: x = (−1, 1, −1), y = (1, −1, 1), sample cov −4/3 → 2·√(4/3).
    const roll = rollMeasure(Float64Array.from([10, 11, 10, 11, 10]), 3);
    expect(Array.from(roll.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(roll[4]).toBeCloseTo(4 / Math.sqrt(3), 14);
  });

  it('Corwin–Schultz recovers a constant 2 % high–low spread with zero volatility', () => {
    // H = 101, L = 99 on every bar: β = 2·ln(101/99)², γ = ln(101/99)², so α = ln(101/99) and
    // spread = 2(e^α − 1)/(1 + e^α) = 0.02 exactly; Bekker–Parkinson σ = 0.
    const n = 6;
    const { spread, sigma } = corwinSchultz(new Float64Array(n).fill(101), new Float64Array(n).fill(99), 2);
    expect(spread[1]).toBeNaN();
    for (let i = 2; i < n; i++) {
      expect(spread[i]).toBeCloseTo(0.02, 14);
      expect(sigma[i]).toBeCloseTo(0, 14);
    }
  });

  it('Kyle, Amihud and Hasbrouck λ average the per-bar ratios with tick-rule signs', () => {
    // Bars 1–3: ΔC = +1, 0, −1 (signs +, + carried, −), V = 2, 4, 5, dollars 202, 404, 500.
    const close = Float64Array.from([100, 101, 101, 100]);
    const volume = Float64Array.from([1, 2, 4, 5]);
    const { kyle, amihud, hasbrouck } = barLambdas(close, volume, 3);
    expect(kyle[2]).toBeNaN(); // bar 0 has no ratio
    expect(kyle[3]).toBeCloseTo((1 / 2 + 0 + -1 / -5) / 3, 15);
    expect(amihud[3]).toBeCloseTo((Math.log(1.01) / 202 + 0 + Math.abs(Math.log(100 / 101)) / 500) / 3, 18);
    expect(amihud[3]).toBeCloseTo(2.3053241778627065e-5, 18);
    expect(hasbrouck[3]).toBeCloseTo(0.0003816983864934202, 16);
    // A bar without volume leaves its windows without a value.
    const dry = barLambdas(close, Float64Array.from([1, 2, 0, 5]), 2);
    expect(dry.kyle[2]).toBeNaN();
    expect(dry.kyle[3]).toBeNaN();
  });

  it('bulk-volume buy share Z(ΔC/σ) and VPIN', () => {
    // p = 2: bar 2 has changes (1, −1), σ = √2, share Φ(−1/√2) = 0.2397501; bar 3 has (−1, 2), σ = √4.5,
    // share Φ(2/√4.5) = 0.8271107. VPIN over 2 bars with V = 10, 30: (10·|2a − 1| + 30·|2b − 1|) / 40.
    const { buyShare, vpin } = bulkVolume(Float64Array.from([100, 101, 100, 102]), Float64Array.from([0, 0, 10, 30]), 2, 2);
    expect(buyShare[1]).toBeNaN();
    expect(buyShare[2]).toBeCloseTo(0.23975006109347674, 12);
    expect(buyShare[3]).toBeCloseTo(0.8271107069244199, 12);
    expect(vpin[2]).toBeNaN();
    expect(vpin[3]).toBeCloseTo(0.6207910298398914, 12);
  });
});
