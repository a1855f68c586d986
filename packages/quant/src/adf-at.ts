// `adfTest` on rows of a column, without gathering them into an array first, and with one lagged
// difference (the default `adfLags`) accumulated in registers. Validation runs it for every
// feature of every symbol on up to 50,000 train rows; `adfTest`'s general path keeps the normal
// equations in memory (12 read-modify-writes per row) and copies the series twice.
import { adfCriticalValue5, adfTest, coefficients, invert, type AdfResult } from './adf.js';

/**
 * `adfTest(x at rows, lags)`, bit for bit (the same sums in the same order: X'X is symmetric, so its
 * six distinct entries are summed once; 1·v is v). NaN values are skipped as `adfTest` skips them.
 * Lags other than 1 go through `adfTest` on the gathered values.
 */
export function adfTestAt(x: ArrayLike<number>, rows: ArrayLike<number>, lags: number): AdfResult {
  const n = rows.length;
  if (lags !== 1) {
    const series = new Float64Array(n);
    for (let k = 0; k < n; k++) series[k] = x[rows[k] as number] as number;
    return adfTest(series, lags);
  }
  const y = new Float64Array(n);
  let m = 0;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const v = x[rows[k] as number] as number;
    if (v === v) y[m++] = v;
  }
  for (let t = 0; t < m; t++) total += y[t] as number;
  const centre = total / Math.max(m, 1);
  // Row t of the regression: [1, y[t−1] − centre, y[t−1] − y[t−2]], response y[t] − y[t−1].
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let nobs = 0;
  for (let t = 2; t < m; t++) {
    const prev = y[t - 1] as number;
    const r1 = prev - centre;
    const r2 = prev - (y[t - 2] as number);
    const dy = (y[t] as number) - prev;
    c0 += dy;
    c1 += r1 * dy;
    c2 += r2 * dy;
    s0 += 1;
    s1 += r1;
    s2 += r2;
    s11 += r1 * r1;
    s12 += r1 * r2;
    s22 += r2 * r2;
    nobs++;
  }
  const k = 3;
  const xtx = Float64Array.of(s0, s1, s2, s1, s11, s12, s2, s12, s22);
  const xty = Float64Array.of(c0, c1, c2);
  const inverse = invert(xtx, k);
  const crit = adfCriticalValue5(Math.max(nobs, 1));
  if (inverse === undefined || nobs <= k) return { statistic: Number.NaN, criticalValue5: crit, nobs, stationary: false };
  const beta = coefficients(inverse, xty, k);
  const b0 = beta[0] as number;
  const b1 = beta[1] as number;
  const b2 = beta[2] as number;
  let rss = 0;
  for (let t = 2; t < m; t++) {
    const prev = y[t - 1] as number;
    let e = (y[t] as number) - prev;
    e -= b0 * 1;
    e -= b1 * (prev - centre);
    e -= b2 * (prev - (y[t - 2] as number));
    rss += e * e;
  }
  const sigma2 = rss / (nobs - k);
  const se = Math.sqrt(sigma2 * (inverse[1 * k + 1] as number));
  const statistic = se > 0 ? b1 / se : Number.NaN;
  return { statistic, criticalValue5: crit, nobs, stationary: statistic < crit };
}
