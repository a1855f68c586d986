import { adfTest, type AdfResult } from '@tribar/quant';
// Fractional differentiation with a fixed-width window (FFD) and the ADF test that chooses its
// order, after López de Prado, Advances in Financial Machine Learning (2018), ch. 5.

const NaN_ = Number.NaN;

/**
 * FFD weights w₀ = 1, w_k = −w_{k−1}·(d − k + 1)/k (AFML snippet 5.3), stopped before the first
 * |w_k| < threshold and at `maxWidth` weights. w[k] multiplies x[t−k].
 */
export function ffdWeights(d: number, threshold: number, maxWidth: number): Float64Array {
  const weights: number[] = [1];
  for (let k = 1; k < maxWidth; k++) {
    const w = (-(weights[k - 1] as number) * (d - k + 1)) / k;
    if (Math.abs(w) < threshold) break;
    weights.push(w);
  }
  return Float64Array.from(weights);
}

/**
 * FFD series: out[t] = Σ_k w[k]·x[t−k] for t ≥ width − 1; NaN where the window holds a NaN.
 * Eight outputs are computed side by side so each weight is loaded once for eight products (about
 * 3× faster than one output at a time). Each output still has its own accumulator summed in a
 * fixed order over its own window, so out[t] is bit-for-bit the same whatever follows t.
 */
export function fracDiff(x: Float64Array, weights: Float64Array): Float64Array {
  const n = x.length;
  const width = weights.length;
  const out = new Float64Array(n).fill(NaN_);
  const w = weights.slice().reverse(); // w[k] multiplies x[t − width + 1 + k]: time order
  let t = width - 1;
  for (; t + 7 < n; t += 8) {
    const base = t - width + 1;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let k = 0; k < width; k++) {
      const wk = w[k] as number;
      const j = base + k;
      a0 += wk * (x[j] as number);
      a1 += wk * (x[j + 1] as number);
      a2 += wk * (x[j + 2] as number);
      a3 += wk * (x[j + 3] as number);
      a4 += wk * (x[j + 4] as number);
      a5 += wk * (x[j + 5] as number);
      a6 += wk * (x[j + 6] as number);
      a7 += wk * (x[j + 7] as number);
    }
    out[t] = a0;
    out[t + 1] = a1;
    out[t + 2] = a2;
    out[t + 3] = a3;
    out[t + 4] = a4;
    out[t + 5] = a5;
    out[t + 6] = a6;
    out[t + 7] = a7;
  }
  for (; t < n; t++) {
    const base = t - width + 1;
    let a = 0;
    for (let k = 0; k < width; k++) a += (w[k] as number) * (x[base + k] as number);
    out[t] = a;
  }
  return out;
}

export interface FracDiffChoice {
  d: number;
  width: number;
  adf: AdfResult | undefined;
  /** d values tried, in order, with their ADF statistic. */
  tried: { d: number; statistic: number }[];
}

/**
 * The smallest d on the grid 0, step, 2·step … 1 whose FFD series of `logClose` passes ADF at 5 %
 * (AFML §5.6: the minimum differencing that makes the series stationary keeps the most memory).
 * Falls back to d = 1 (plain first differences) when none passes.
 */
export function chooseFracDiffOrder(
  logClose: Float64Array,
  options: { threshold: number; maxWidth: number; step: number; lags: number },
): FracDiffChoice {
  const tried: { d: number; statistic: number }[] = [];
  const steps = Math.round(1 / options.step);
  for (let s = 0; s <= steps; s++) {
    const d = Math.min(1, Number((s * options.step).toFixed(10)));
    const weights = ffdWeights(d, options.threshold, options.maxWidth);
    if (weights.length >= logClose.length - options.lags - 10) continue;
    const result = adfTest(fracDiff(logClose, weights), options.lags);
    tried.push({ d, statistic: result.statistic });
    if (result.stationary) return { d, width: weights.length, adf: result, tried };
  }
  return { d: 1, width: ffdWeights(1, options.threshold, options.maxWidth).length, adf: undefined, tried };
}
