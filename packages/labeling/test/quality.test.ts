import { INVALID_LABEL } from '@tribar/quant';
import { describe, expect, it } from 'vitest';
import { qualityScores, tieredSampleWeights, trainPercentileRows } from '../src/internal/quality.js';
import { percentileOf, percentileSorted } from '@tribar/quant';

const weights = { speed: 0.2, mae: 0.25, mfe: 0.2, painToGain: 0.2, drawdown: 0.15 };

// Horizon 2: ideal bars 3, drawdown bars 6. Rows: +1 in 3 bars, −1 in 1 bar, timeout in 6 bars, −99.
const columns = {
  label: Int8Array.from([1, -1, 0, INVALID_LABEL]),
  barsToHit: Int32Array.from([3, 1, 6, 0]),
  mae: Float64Array.from([-0.01, -0.03, -0.02, 0]),
  mfe: Float64Array.from([0.02, 0.005, 0.01, 0]),
};
const options = { horizon: 2, idealSpeedPerHorizon: 1.5, drawdownBarsPerHorizonBar: 3, weights, scalePercentile: 100 };

describe('percentile', () => {
  it("matches numpy's linear percentile", () => {
    expect(percentileSorted(Float64Array.from([1, 2, 3, 4]), 95)).toBeCloseTo(3.85, 12);
    expect(percentileSorted(Float64Array.from([5]), 20)).toBe(5);
    expect(percentileOf(Float64Array.from([4, NaN, 1, 3, 2]), 50, () => true)).toBe(2.5);
    expect(percentileOf(Float64Array.from([1, 2]), 50, () => false)).toBeNaN();
  });
});

describe('qualityScores (original §7)', () => {
  it('scores each component as the original, by hand', () => {
    const s = qualityScores(columns, options);
    // Scales (P100 = max over valid rows): |mae| 0.03, |mfe| 0.02, pain-to-gain 0.5, twdd 1/3.
    expect(s.scales.mae).toBeCloseTo(0.03, 15);
    expect(s.scales.mfe).toBeCloseTo(0.02, 15);
    expect(s.scales.painToGain).toBeCloseTo(0.5, 15);
    expect(s.scales.timeWeightedDd).toBeCloseTo(1 / 3, 15);
    expect(Array.from(s.painToGain.subarray(0, 3))).toEqual([0.5, 0.005 / 0.03, 1]);
    expect(s.timeWeightedDd[0]).toBeCloseTo(0.25, 15); // 3/6 × 0.01/0.02
    expect(s.timeWeightedDd[1]).toBeCloseTo(1 / 3, 15); // 1/6 × min(6, 2)
    expect(s.timeWeightedDd[2]).toBe(0.5);
    const speed = [1, Math.exp(-((2 / 3) ** 2)), Math.exp(-1)];
    const mae = [1 - 1 / 3, 0, 1 - 2 / 3];
    const mfe = [1, 0.25, 0.5];
    const ptg = [0, 1 - 1 / 3, 0];
    const twdd = [0.25, 0, 0];
    for (let i = 0; i < 3; i++) {
      const want = 0.2 * speed[i]! + 0.25 * mae[i]! + 0.2 * mfe[i]! + 0.2 * ptg[i]! + 0.15 * twdd[i]!;
      expect(s.quality[i]).toBeCloseTo(want, 12);
    }
    expect(s.quality[0]).toBeCloseTo(0.604167, 6);
    expect(s.quality[3]).toBeNaN();
    expect(s.painToGain[3]).toBeNaN();
    expect(s.percentileRowCount).toBe(3);
  });

  it('takes the scales from percentileRows only', () => {
    const s = qualityScores(columns, { ...options, percentileRows: Uint8Array.from([1, 0, 1, 1]) });
    expect(s.scales.mae).toBeCloseTo(0.02, 15);
    expect(s.scales.painToGain).toBeCloseTo(0.5, 15);
    expect(s.percentileRowCount).toBe(2);
    // Row 1 is scored against the train scale: |mae| 0.03 / 0.02 clips to 1.
    expect(s.maeScore[1]).toBe(0);
  });

  it('falls back as the original without rows: scale 1, pain-to-gain and drawdown scores 1', () => {
    const s = qualityScores(columns, { ...options, percentileRows: new Uint8Array(4) });
    expect(s.percentileRowCount).toBe(0);
    expect(s.scales.mae).toBeNaN();
    expect(s.maeScore[0]).toBeCloseTo(0.99, 15);
    expect(s.painToGainScore[0]).toBe(1);
    expect(s.timeWeightedDdScore[1]).toBe(1);
  });
});

describe('tieredSampleWeights', () => {
  const quality = Float64Array.from([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, NaN]);
  const tiers = { lowPercentile: 20, highPercentile: 80, lowWeight: 0.5, midWeight: 1, highWeight: 1.5 };

  it('weighs 0.5 below P20, 1.0 up to P80, 1.5 from P80, 0 without a quality', () => {
    const t = tieredSampleWeights(quality, tiers);
    expect(t.lowCut).toBeCloseTo(0.18, 12);
    expect(t.highCut).toBeCloseTo(0.72, 12);
    expect(Array.from(t.weights)).toEqual([0.5, 0.5, 1, 1, 1, 1, 1, 1, 1.5, 1.5, 0]);
  });

  it('cuts by percentileRows only, and weighs every row mid without rows', () => {
    const rows = Uint8Array.from([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const t = tieredSampleWeights(quality, { ...tiers, percentileRows: rows });
    expect(t.lowCut).toBeCloseTo(0.08, 12);
    expect(Array.from(t.weights)).toEqual([0.5, 1, 1, 1, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 0]);
    const none = tieredSampleWeights(quality, { ...tiers, percentileRows: new Uint8Array(11) });
    expect(Array.from(none.weights)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });
});

describe('trainPercentileRows', () => {
  it('keeps valid rows whose bar and label window both end before the train cut', () => {
    const label = Int8Array.from([1, 0, INVALID_LABEL, -1, 1]);
    const timestamp = Float64Array.from([0, 1, 2, 3, 6]);
    // End times 2, 3, none, 6, 6.
    const endIndex = Int32Array.from([2, 3, -1, 4, 4]);
    expect(Array.from(trainPercentileRows(label, timestamp, endIndex, 5))).toEqual([1, 1, 0, 0, 0]);
  });
});

describe('train-only percentiles', () => {
  it('leave train quality and weights unchanged whatever happens after the cut', () => {
    const n = 400;
    const make = (seed: number) => {
      let x = seed;
      const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
      return {
        label: Int8Array.from({ length: n }, (_, i) => (i >= n - 5 ? INVALID_LABEL : [1, -1, 0][Math.floor(next() * 3)]!)),
        barsToHit: Int32Array.from({ length: n }, () => 1 + Math.floor(next() * 12)),
        mae: Float64Array.from({ length: n }, () => -next() * 0.02),
        mfe: Float64Array.from({ length: n }, () => next() * 0.02),
      };
    };
    const a = make(1);
    const b = make(2);
    // Same first 300 rows (train), different after.
    for (const key of ['label', 'barsToHit', 'mae', 'mfe'] as const) b[key].set(a[key].subarray(0, 300) as never);
    const rows = Uint8Array.from({ length: n }, (_, i) => (i < 300 ? 1 : 0));
    const tiers = { lowPercentile: 20, highPercentile: 80, lowWeight: 0.5, midWeight: 1, highWeight: 1.5, percentileRows: rows };
    const qa = qualityScores(a, { ...options, horizon: 4, scalePercentile: 95, percentileRows: rows });
    const qb = qualityScores(b, { ...options, horizon: 4, scalePercentile: 95, percentileRows: rows });
    expect(Array.from(qa.quality.subarray(0, 300))).toEqual(Array.from(qb.quality.subarray(0, 300)));
    const wa = tieredSampleWeights(qa.quality, tiers);
    const wb = tieredSampleWeights(qb.quality, tiers);
    expect(Array.from(wa.weights.subarray(0, 300))).toEqual(Array.from(wb.weights.subarray(0, 300)));
    // Without the mask the later rows move the train rows' scores: the leak the mask prevents.
    const leaky = qualityScores(b, { ...options, horizon: 4, scalePercentile: 95 });
    expect(Array.from(leaky.quality.subarray(0, 300))).not.toEqual(Array.from(qa.quality.subarray(0, 300)));
  });
});
