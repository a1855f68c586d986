// Augmented Dickey–Fuller test, shared by the stages that test stationarity (feature
// differencing order, validation): two data stages never import each other, so it lives here.

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
export function adfTest(series: ArrayLike<number>, lags: number): AdfResult {
  const y: number[] = [];
  for (let i = 0; i < series.length; i++) {
    const v = series[i] as number;
    if (v === v) y.push(v);
  }
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
  if (inverse === undefined || nobs <= k) return { statistic: Number.NaN, criticalValue5: crit, nobs, stationary: false };
  const beta = coefficients(inverse, xty, k);
  let rss = 0;
  for (let t = lags + 1; t < y.length; t++) {
    let e = fillRow(t);
    for (let a = 0; a < k; a++) e -= (beta[a] as number) * (row[a] as number);
    rss += e * e;
  }
  const sigma2 = rss / (nobs - k);
  const se = Math.sqrt(sigma2 * (inverse[1 * k + 1] as number));
  const statistic = se > 0 ? (beta[1] as number) / se : Number.NaN;
  return { statistic, criticalValue5: crit, nobs, stationary: statistic < crit };
}

/** The least-squares coefficients (XᵀX)⁻¹·Xᵀy from the inverted normal matrix and Xᵀy. */
export function coefficients(inverse: Float64Array, xty: Float64Array, k: number): Float64Array {
  const beta = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += (inverse[a * k + b] as number) * (xty[b] as number);
    beta[a] = s;
  }
  return beta;
}

/** The inverse of the k×k row-major `matrix` (Gauss–Jordan, partial pivoting); undefined when singular. */
export function invert(matrix: Float64Array, k: number): Float64Array | undefined {
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
