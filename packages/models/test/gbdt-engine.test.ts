import { describe, expect, it } from 'vitest';
import { binMatrix, binOf, featureCuts, sortFloat32 } from '../src/internal/gbdt/binning.js';
import { boost, initialMargins, predictMargins } from '../src/internal/gbdt/booster.js';
import { GBDT_CARD, gbdtParams } from '../src/internal/gbdt/card.js';
import { buildHistogram, newScratch, SLOTS, subtractHistogram } from '../src/internal/gbdt/histogram.js';
import { findBestSplit, leafWeight, thresholdL1, type SplitParams } from '../src/internal/gbdt/split.js';
import { resolveHyperparameters } from '../src/internal/registry.js';

const params = (given: Record<string, unknown>) => gbdtParams(resolveHyperparameters(GBDT_CARD, given));
const noLimits: SplitParams = { regAlpha: 0, regLambda: 1, minDataInLeaf: 1, minSumHessianInLeaf: 0, minGainToSplit: 0 };

/** Histogram of one feature column for the given gradients, every row in the node. */
function histogramOf(values: number[], g: number[], h: number[]) {
  const binned = binMatrix(Float32Array.from(values), values.length, 1, 255);
  const hist = new Float64Array(binned.totalBins * SLOTS);
  const idx = Uint32Array.from(values.keys());
  const totals = buildHistogram(
    hist,
    binned,
    Int32Array.of(0),
    { idx, begin: 0, end: values.length },
    Float32Array.from(g),
    Float32Array.from(h),
    newScratch(values.length),
  );
  return { binned, hist, totals: { ...totals, N: values.length } };
}

describe('binning', () => {
  it('puts NaN in bin 0 and value v in 1 + #(cuts ≤ v), so bin ≤ s ⇔ v < cuts[s − 1]', () => {
    const cuts = featureCuts(Float32Array.of(3, 1, 2, Number.NaN, 2, 5), 255);
    expect([...cuts]).toEqual([2, 3, 5]); // every distinct value but the smallest
    expect([Number.NaN, 0.5, 1, 1.99, 2, 2.5, 3, 4.9, 5, 99].map((v) => binOf(cuts, v))).toEqual([0, 1, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('sorts float32 values by radix exactly as a comparison sort, dropping NaN', () => {
    const values = Float32Array.from({ length: 5_000 }, (_, i) =>
      i % 97 === 0 ? Number.NaN : i % 50 === 0 ? -0 : Math.sin(i * 12.9898) * (i % 3 === 0 ? 1e-30 : i % 3 === 1 ? 1e10 : 1),
    );
    const expected = values.filter((v) => !Number.isNaN(v)).sort();
    expect(sortFloat32(values)).toEqual(expected);
    expect([...sortFloat32(Float32Array.of(2, -1, Number.NaN, -3.5, 0, Infinity, -Infinity))]).toEqual([
      -Infinity,
      -3.5,
      -1,
      0,
      2,
      Infinity,
    ]);
  });

  it('places at most maxBin − 2 cuts at evenly spaced ranks, column-major, ≤ 255 bins', () => {
    const values = Float32Array.from({ length: 1_000 }, (_, i) => i);
    // maxBin 6: 4 cuts at ranks 1000·q/5.
    expect([...featureCuts(values, 6)]).toEqual([200, 400, 600, 800]);
    const x = new Float32Array(2_000);
    for (let r = 0; r < 1_000; r++) {
      x[r * 2] = r;
      x[r * 2 + 1] = 7; // constant
    }
    const binned = binMatrix(x, 1_000, 2, 255);
    expect(binned.cuts[0]!.length).toBe(253);
    expect(binned.cuts[1]!.length).toBe(0);
    expect([...binned.binCount]).toEqual([255, 2]);
    expect([...binned.binOffset]).toEqual([0, 255]);
    expect(binned.bins[0]).toBe(1); // row 0, feature 0: the smallest value
    expect(binned.bins[999]).toBe(254); // row 999, feature 0: the last bin
    expect(binned.bins[1_000]).toBe(1); // row 0, feature 1 (column-major)
    // The matrix's fast lookup agrees with binOf everywhere, NaN and ±∞ included.
    const odd = Float32Array.from({ length: 3_000 }, (_, i) =>
      i % 10 === 0 ? Number.NaN : i % 10 === 1 ? Infinity : i % 10 === 2 ? -Infinity : Math.sin(i) * 50,
    );
    const oddBinned = binMatrix(odd, 1_000, 3, 40);
    for (let r = 0; r < 1_000; r++)
      for (let f = 0; f < 3; f++) expect(oddBinned.bins[f * 1_000 + r]).toBe(binOf(oddBinned.cuts[f]!, odd[r * 3 + f]!));
  });
});

describe('split finding (computed by hand)', () => {
  // x = 1..6, g = −2 −1 −1 1 2 1, h = 1 each, λ = 1: G = 0, H = 6.
  // x < 4: G_L = −4, H_L = 3 → 16/4 = 4; G_R = 4, H_R = 3 → 4; parent 0² / 7 = 0 → gain 8.
  // x < 3: 9/3 + 9/5 = 4.8; x < 5: 9/5 + 9/3 = 4.8; x < 2: 4/2 + 4/6 = 2.667; x < 6: 4/6 + 1/2 = 1.167.
  const x = [1, 2, 3, 4, 5, 6];
  const g = [-2, -1, -1, 1, 2, 1];
  const h = [1, 1, 1, 1, 1, 1];

  it('finds the gain and leaf values of the best split', () => {
    const { binned, hist, totals } = histogramOf(x, g, h);
    expect(totals).toEqual({ G: 0, H: 6, N: 6 });
    const split = findBestSplit(hist, binned, Int32Array.of(0), totals, noLimits);
    expect(split.feature).toBe(0);
    expect(binned.cuts[0]![split.bin - 1]).toBe(4); // x < 4
    expect(split.gain).toBeCloseTo(8, 12);
    expect([split.gl, split.hl, split.nl, split.gr, split.hr, split.nr]).toEqual([-4, 3, 3, 4, 3, 3]);
    expect(leafWeight(split.gl, split.hl, noLimits)).toBeCloseTo(1, 12); // −(−4)/(3 + 1)
    expect(leafWeight(split.gr, split.hr, noLimits)).toBeCloseTo(-1, 12);
  });

  it('soft-thresholds gradient sums with L1 (α = 0.5)', () => {
    // T(−4) = −3.5: 12.25/4 = 3.0625 per side → gain 6.125; weights ∓3.5/4 = ±0.875.
    const p = { ...noLimits, regAlpha: 0.5 };
    expect(thresholdL1(-4, 0.5)).toBe(-3.5);
    expect(thresholdL1(0.3, 0.5)).toBe(0);
    const { binned, hist, totals } = histogramOf(x, g, h);
    const split = findBestSplit(hist, binned, Int32Array.of(0), totals, p);
    expect(split.gain).toBeCloseTo(6.125, 12);
    expect(leafWeight(split.gl, split.hl, p)).toBeCloseTo(0.875, 12);
  });

  it('respects minDataInLeaf, minSumHessianInLeaf and minGainToSplit', () => {
    const { binned, hist, totals } = histogramOf(x, g, h);
    // 4 rows per leaf: only x < 5 (4 | 2)… is out too; x < 3 (2 | 4) out: nothing left.
    expect(findBestSplit(hist, binned, Int32Array.of(0), totals, { ...noLimits, minDataInLeaf: 4 }).valid).toBe(false);
    // Hessian ≥ 3 on both sides: only x < 4 qualifies.
    expect(findBestSplit(hist, binned, Int32Array.of(0), totals, { ...noLimits, minSumHessianInLeaf: 3 }).gain).toBeCloseTo(8, 12);
    expect(findBestSplit(hist, binned, Int32Array.of(0), totals, { ...noLimits, minGainToSplit: 8 }).valid).toBe(false);
    expect(findBestSplit(hist, binned, Int32Array.of(0), totals, { ...noLimits, minGainToSplit: 7.99 }).valid).toBe(true);
  });

  it('checks minDataInLeaf on rows estimated from the hessian share, as LightGBM', () => {
    // h = 3 1 1 1 1 1 (H = 8, N = 6), g = −3 1 ½ ½ ½ ½ (G = 0). x < 2: 9/4 + 9/6 = 3.75, its left side holds
    // one row but 3/8 of the hessian, i.e. round(3 · 6/8) = 2 estimated rows. x < 3: 4/5 + 4/5 = 1.6.
    const { binned, hist, totals } = histogramOf(x, [-3, 1, 0.5, 0.5, 0.5, 0.5], [3, 1, 1, 1, 1, 1]);
    const two = findBestSplit(hist, binned, Int32Array.of(0), totals, { ...noLimits, minDataInLeaf: 2 });
    expect(binned.cuts[0]![two.bin - 1]).toBe(2);
    expect(two.gain).toBeCloseTo(3.75, 12);
    expect([two.nl, two.nr]).toEqual([2, 4]);
    // 3 rows need 2.5 · 8/6 = 3.33 of hessian: x < 2 is out, x < 3 (hessian 4 | 4) is next.
    const three = findBestSplit(hist, binned, Int32Array.of(0), totals, { ...noLimits, minDataInLeaf: 3 });
    expect(binned.cuts[0]![three.bin - 1]).toBe(3);
    expect(three.gain).toBeCloseTo(1.6, 12);
  });

  it('learns the default direction of missing values', () => {
    // A 7th row, x = NaN, g = −3: G = −3, H = 7, parent 9/8 = 1.125.
    // x < 4, missing left: G_L = −7, H_L = 4 → 49/5 = 9.8; right 4²/4 = 4 → gain 12.675.
    // x < 4, missing right: 16/4 + 1/5 − 1.125 = 3.075.
    const { binned, hist, totals } = histogramOf([...x, Number.NaN], [...g, -3], [...h, 1]);
    const split = findBestSplit(hist, binned, Int32Array.of(0), totals, noLimits);
    expect(split.defaultLeft).toBe(true);
    expect(binned.cuts[0]![split.bin - 1]).toBe(4);
    expect(split.gain).toBeCloseTo(12.675, 12);
    expect(split.nl).toBe(4);
  });

  it('gets the larger child as parent − smaller (the subtraction trick)', () => {
    const { binned, hist } = histogramOf(x, g, h);
    const idx = Uint32Array.of(0, 1, 2, 3, 4, 5);
    const small = new Float64Array(hist.length);
    const big = new Float64Array(hist.length);
    const gg = Float32Array.from(g);
    const hh = Float32Array.from(h);
    buildHistogram(small, binned, Int32Array.of(0), { idx, begin: 0, end: 2 }, gg, hh, newScratch(6));
    buildHistogram(big, binned, Int32Array.of(0), { idx, begin: 2, end: 6 }, gg, hh, newScratch(6));
    const derived = new Float64Array(hist.length);
    subtractHistogram(derived, hist, small, binned, Int32Array.of(0));
    expect([...derived]).toEqual([...big]);
  });
});

describe('boosting (computed by hand)', () => {
  // x = 0 0 1 1 2 2 2, y = 0 0 1 1 2 2 2, stumps, η = 0.5, λ = 1, margins start at 0 (p = 1/3), h = 2·(1/3)(2/3) = 4/9.
  // Class 0: g = −2/3 (x = 0), +1/3 (x = 1, 2); G = 1/3, H = 28/9, parent (1/9)/(37/9) = 1/37.
  //   x < 1: (16/9)/(17/9) + (25/9)/(29/9) − 1/37 = 16/17 + 25/29 − 1/37 = 1.7763;  x < 2: 4/25 + 9/21 − 1/37 = 0.5616.
  //   Leaves: 0.5·(4/3)/(17/9) = 6/17 and −0.5·(5/3)/(29/9) = −15/58.
  // Class 1: g = +1/3 (x = 0, 2), −2/3 (x = 1). x < 1: 4/17 + 1/29 − 1/37 = 0.2428; x < 2: 4/25 + 9/21 − 1/37 = 0.5616.
  //   Leaves (x < 2): 0.5·(2/3)/(25/9) = 3/25 and −0.5·1/(21/9) = −3/14.
  // Class 2: g = +1/3 (x = 0, 1), −2/3 (x = 2). x < 1: 4/17 + 16/29 − 4/37 = 0.6789; x < 2: 16/25 + 36/21 − 4/37 = 2.2462.
  //   Leaves (x < 2): −0.5·(4/3)/(25/9) = −6/25 and 0.5·2/(21/9) = 3/7.
  const data = { x: Float32Array.of(0, 0, 1, 1, 2, 2, 2), rows: 7, cols: 1, y: Uint8Array.of(0, 0, 1, 1, 2, 2, 2) };
  const counts = [2, 2, 3];
  const hp = params({
    growPolicy: 'depthwise',
    maxDepth: 1,
    learningRate: 0.5,
    minDataInLeaf: 1,
    minSumHessianInLeaf: 0,
    boostFromAverage: false,
    classWeights: 'none',
    nEstimators: 2,
  });

  it("grows the first round's stumps with the hand-computed leaves and gains", async () => {
    const { ensemble } = await boost({ ...hp, nEstimators: 1 }, data);
    const [t0, t1, t2] = ensemble.trees;
    expect([t0!.threshold[0], t1!.threshold[0], t2!.threshold[0]]).toEqual([1, 2, 2]);
    expect(t0!.gain[0]).toBeCloseTo(16 / 17 + 25 / 29 - 1 / 37, 6);
    expect(t1!.gain[0]).toBeCloseTo(4 / 25 + 9 / 21 - 1 / 37, 6);
    expect(t2!.gain[0]).toBeCloseTo(16 / 25 + 36 / 21 - 4 / 37, 6);
    expect([t0!.value[1], t0!.value[2]]).toEqual([expect.closeTo(6 / 17, 7), expect.closeTo(-15 / 58, 7)]);
    expect([t1!.value[1], t1!.value[2]]).toEqual([expect.closeTo(3 / 25, 7), expect.closeTo(-3 / 14, 7)]);
    expect([t2!.value[1], t2!.value[2]]).toEqual([expect.closeTo(-6 / 25, 7), expect.closeTo(3 / 7, 7)]);
  });

  it("predicts a two-round model's probabilities as the formulas say", async () => {
    const { ensemble, history } = await boost(hp, data);
    // Reference: the same two rounds written out for the three row groups (x = 0, 1, 2), stumps tried at both cuts.
    const margins = [0, 1, 2].map(() => [0, 0, 0]);
    for (let round = 0; round < 2; round++) {
      const p = margins.map((m) => softmax(m));
      const update = [0, 1, 2].map(() => [0, 0, 0]);
      for (let c = 0; c < 3; c++) {
        const g = p.map((pr, group) => counts[group]! * (pr[c]! - (group === c ? 1 : 0)));
        const h = p.map((pr, group) => counts[group]! * 2 * pr[c]! * (1 - pr[c]!));
        const G = g.reduce((a, b) => a + b, 0);
        const H = h.reduce((a, b) => a + b, 0);
        let best = { gain: 0, cut: 0, wl: 0, wr: 0 };
        for (const cut of [1, 2]) {
          const gl = g.slice(0, cut).reduce((a, b) => a + b, 0);
          const hl = h.slice(0, cut).reduce((a, b) => a + b, 0);
          const gain = gl ** 2 / (hl + 1) + (G - gl) ** 2 / (H - hl + 1) - G ** 2 / (H + 1);
          if (gain > best.gain) best = { gain, cut, wl: (-0.5 * gl) / (hl + 1), wr: (-0.5 * (G - gl)) / (H - hl + 1) };
        }
        for (let group = 0; group < 3; group++) update[group]![c] = group < best.cut ? best.wl : best.wr;
      }
      for (let group = 0; group < 3; group++) for (let c = 0; c < 3; c++) margins[group]![c]! += update[group]![c]!;
    }
    const ours = predictMargins(ensemble, Float32Array.of(0, 1, 2), 3);
    for (let group = 0; group < 3; group++) for (let c = 0; c < 3; c++) expect(ours[group * 3 + c]).toBeCloseTo(margins[group]![c]!, 6);
    const expectedLoss = -[0, 1, 2].reduce((s, group) => s + counts[group]! * Math.log(softmax(margins[group]!)[group]!), 0) / 7;
    expect(history[1]!.trainLoss).toBeCloseTo(expectedLoss, 6);
    // Round 1 alone, by hand: x = 0 has margins (6/17, 3/25, −6/25) → p_0 = 1.4233 / (1.4233 + 1.1275 + 0.7866) = 0.4265.
    expect(softmax([...predictMargins(ensemble, Float32Array.of(0), 1, 1)])[0]).toBeCloseTo(0.4265, 4);
  });

  it('starts from the log of the weighted class frequencies', () => {
    const m = initialMargins(Uint8Array.of(0, 1, 1, 2, 2, 2), Float32Array.of(1, 1, 1, 1, 1, 0), true);
    expect(m.map(Math.exp)).toEqual([0.2, 0.4, 0.4].map((v) => expect.closeTo(v, 12)));
    expect(initialMargins(Uint8Array.of(0, 1), undefined, false)).toEqual([0, 0, 0]);
  });
});

function softmax(m: number[]): number[] {
  const top = Math.max(...m);
  const e = m.map((v) => Math.exp(v - top));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
