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

/**
 * MacKinnon (2010), "Critical Values for Cointegration Tests", Queen's Economics Department
 * Working Paper 1227, Table 2, N = 1 with a constant and no trend: c(T) = β∞ + β₁/T + β₂/T² + β₃/T³.
 * 5 %: β∞ = −2.86154, β₁ = −2.8903, β₂ = −4.234, β₃ = −40.040 (T = 10,000: −2.8618).
 */
export function adfCriticalValue5(nobs: number): number {
  return -2.86154 - 2.8903 / nobs - 4.234 / nobs ** 2 - 40.04 / nobs ** 3;
}

export interface AdfResult {
  /** t-statistic of γ in Δy_t = α + γ·y_{t−1} + Σ βᵢ·Δy_{t−i} + ε. */
  statistic: number;
  criticalValue5: number;
  /** Observations in the regression. */
  nobs: number;
  stationary: boolean;
}

/**
 * Augmented Dickey–Fuller test with a constant and a fixed number of lagged differences, by OLS
 * on the normal equations (k = lags + 2 regressors, solved by Gauss–Jordan with partial pivoting).
 * NaN values are skipped (the FFD warm-up). Stationary means statistic < the 5 % critical value.
 */
export function adfTest(series: Float64Array, lags: number): AdfResult {
  const y: number[] = [];
  for (const v of series) if (v === v) y.push(v);
  const k = lags + 2;
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  const row = new Float64Array(k);
  let nobs = 0;
  // The level regressor is centred (the constant absorbs it; γ's t-statistic is unchanged) so the
  // normal equations stay well conditioned for log prices near 8.
  let centre = 0;
  for (const v of y) centre += v;
  centre /= Math.max(y.length, 1);
  // The regression's rows t = lags+1 … T−1 (Δy_t needs y_{t−1} and lags earlier differences).
  const fillRow = (t: number): number => {
    row[0] = 1;
    row[1] = (y[t - 1] as number) - centre;
    for (let j = 1; j <= lags; j++) row[1 + j] = (y[t - j] as number) - (y[t - j - 1] as number);
    return (y[t] as number) - (y[t - 1] as number);
  };
  for (let t = lags + 1; t < y.length; t++) {
    const dy = fillRow(t);
    for (let a = 0; a < k; a++) {
      const ra = row[a] as number;
      xty[a] = (xty[a] as number) + ra * dy;
      for (let b = 0; b < k; b++) xtx[a * k + b] = (xtx[a * k + b] as number) + ra * (row[b] as number);
    }
    nobs++;
  }
  const inverse = invert(xtx, k);
  const crit = adfCriticalValue5(Math.max(nobs, 1));
  if (inverse === undefined || nobs <= k) return { statistic: NaN_, criticalValue5: crit, nobs, stationary: false };
  const beta = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += (inverse[a * k + b] as number) * (xty[b] as number);
    beta[a] = s;
  }
  let rss = 0;
  for (let t = lags + 1; t < y.length; t++) {
    let e = fillRow(t);
    for (let a = 0; a < k; a++) e -= (beta[a] as number) * (row[a] as number);
    rss += e * e;
  }
  const sigma2 = rss / (nobs - k);
  const se = Math.sqrt(sigma2 * (inverse[1 * k + 1] as number));
  const statistic = se > 0 ? (beta[1] as number) / se : NaN_;
  return { statistic, criticalValue5: crit, nobs, stationary: statistic < crit };
}

function invert(matrix: Float64Array, k: number): Float64Array | undefined {
  const a = Float64Array.from(matrix);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r * k + col] as number) > Math.abs(a[pivot * k + col] as number)) pivot = r;
    const p = a[pivot * k + col] as number;
    if (!(Math.abs(p) > 1e-300)) return undefined;
    if (pivot !== col) {
      for (let c = 0; c < k; c++) {
        swap(a, pivot * k + c, col * k + c);
        swap(inv, pivot * k + c, col * k + c);
      }
    }
    for (let c = 0; c < k; c++) {
      a[col * k + c] = (a[col * k + c] as number) / p;
      inv[col * k + c] = (inv[col * k + c] as number) / p;
    }
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r * k + col] as number;
      if (f === 0) continue;
      for (let c = 0; c < k; c++) {
        a[r * k + c] = (a[r * k + c] as number) - f * (a[col * k + c] as number);
        inv[r * k + c] = (inv[r * k + c] as number) - f * (inv[col * k + c] as number);
      }
    }
  }
  return inv;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
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
