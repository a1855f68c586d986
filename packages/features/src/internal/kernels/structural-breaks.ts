// Structural-break statistics of AFML ch. 17 over a series of (log) prices, each a causal
// rolling feature: the value at bar t reads bars ≤ t only. The book's tests are expanding-window
// (SADF is O(T²) regressions per series); here every test runs over a bounded backward window of
// `maxLength` bars so a feature is comparable along the series and the whole column costs
// O(n · maxLength · k²) with k ≤ 4 + lags regressors.
//
// SADF and the sub/super-martingale tests fix the sub-sample's start t0 and grow its end t one bar
// at a time, so the regression takes one O(k²) update per bar (recursive least squares by Givens
// rotations of X = QR) and the t-statistic of the tested coefficient, its column last, is read off
// R and Qᵀy. The statistic for end t is the supremum over the starts t0 that keep between
// `minLength` and `maxLength` rows.

import { UsageError } from '@tribar/core';

const NaN_ = Number.NaN;
const HINT = { hint: 'Set features.structuralBreaks within the bounds its config schema checks.' };

/** ADF specifications of SADF (AFML § 17.4.2; the book's `constant` = 'c', 'ct', 'ctt'). */
export type AdfSpecification = 'constant' | 'linear' | 'quadratic';

/**
 * Sub/super-martingale specifications (AFML § 17.4.3): 'polynomial' (SM-Poly1: y = α + γt + βt²),
 * 'polynomial-log' (SM-Poly2: ln y = α + γt + βt²), 'exponential' (SM-Exp: ln y = α + βt) and
 * 'power' (SM-Power: ln y = α + β ln t).
 */
export type MartingaleSpecification = 'polynomial' | 'polynomial-log' | 'exponential' | 'power';

export interface WindowOptions {
  /** Fewest regression rows in a sub-sample (the book's `minSL`). */
  minLength: number;
  /** Most regression rows in a sub-sample: how far back t0 may start from t. */
  maxLength: number;
}

/**
 * One growing least-squares regression, column `k − 1` the tested one, kept as the R factor of
 * X = QR and the vector Qᵀy, updated by k Givens rotations per added row (O(k²), no refactoring).
 * The rotated-out part of each y is its residual, so the SSR accumulates as rows arrive; with the
 * tested column last, β̂_k = (Qᵀy)_k / R_kk and se(β̂_k) = σ̂ / R_kk, so t = (Qᵀy)_k / σ̂. QR keeps
 * the digits normal equations would lose on nearly collinear columns (a level beside an intercept).
 */
class RecursiveLeastSquares {
  readonly k: number;
  readonly r: Float64Array;
  readonly qty: Float64Array;
  /** Σ x_j² per column: the scale a pivot R_jj is compared with to call X singular. */
  readonly columnSquares: Float64Array;
  readonly work: Float64Array;
  ssr = 0;
  rows = 0;

  constructor(k: number) {
    this.k = k;
    this.r = new Float64Array(k * k);
    this.qty = new Float64Array(k);
    this.columnSquares = new Float64Array(k);
    this.work = new Float64Array(k);
  }

  reset(): void {
    this.r.fill(0);
    this.qty.fill(0);
    this.columnSquares.fill(0);
    this.ssr = 0;
    this.rows = 0;
  }

  add(x: Float64Array, y: number): void {
    const { k, r, qty, work } = this;
    for (let i = 0; i < k; i++) {
      const xi = x[i] as number;
      work[i] = xi;
      this.columnSquares[i] = (this.columnSquares[i] as number) + xi * xi;
    }
    let rest = y;
    for (let j = 0; j < k; j++) {
      const b = work[j] as number;
      if (b === 0) continue;
      const a = r[j * k + j] as number;
      const norm = Math.sqrt(a * a + b * b);
      const c = a / norm;
      const s = b / norm;
      r[j * k + j] = norm;
      for (let i = j + 1; i < k; i++) {
        const rji = r[j * k + i] as number;
        const wi = work[i] as number;
        r[j * k + i] = c * rji + s * wi;
        work[i] = c * wi - s * rji;
      }
      const q = qty[j] as number;
      qty[j] = c * q + s * rest;
      rest = c * rest - s * q;
    }
    this.ssr += rest * rest;
    this.rows++;
  }

  /**
   * The OLS t-statistic of the last column's coefficient, or NaN when X is singular (a pivot R_jj
   * that is round-off next to its column's norm) or no degree of freedom is left.
   */
  tStatistic(): number {
    const { k, r } = this;
    if (this.rows <= k) return NaN_;
    for (let j = 0; j < k; j++) {
      const pivot = r[j * k + j] as number;
      if (!(pivot * pivot > 1e-12 * (this.columnSquares[j] as number))) return NaN_;
    }
    if (!(this.ssr > 0)) return NaN_;
    return (this.qty[k - 1] as number) / Math.sqrt(this.ssr / (this.rows - k));
  }
}

function checkWindow(name: string, { minLength, maxLength }: WindowOptions, k: number): void {
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength <= k || maxLength < minLength) {
    throw new UsageError(
      `${name}: need integers maxLength ≥ minLength > ${k} regressors (got minLength ${minLength}, maxLength ${maxLength})`,
      HINT,
    );
  }
}

/** Keeps the running supremum of a statistic per end bar. */
function raise(out: Float64Array, t: number, value: number): void {
  if (Number.isNaN(value)) return;
  const current = out[t] as number;
  if (Number.isNaN(current) || value > current) out[t] = value;
}

/**
 * Supremum ADF (AFML § 17.4.2, snippets 17.2–17.4): at each bar t, the largest ADF t-statistic of
 * β in Δy_s = α [+ γ₁s [+ γ₂s²]] + β·y_{s−1} + Σ_{l=1..lags} δ_l·Δy_{s−l} + ε_s over the rows
 * s = t0..t, for every start t0 that leaves between minLength and maxLength rows. Lagged values
 * reach before t0, as the book's `getYX` builds them on the whole series. The level and the
 * trend are taken relative to the sub-sample's first row (a constant shift the intercept absorbs,
 * so β̂ is the book's, with the digits the normal equations would lose on raw log prices).
 * First value at bar lags + minLength.
 */
export function sadf(y: Float64Array, specification: AdfSpecification, lags: number, window: WindowOptions): Float64Array {
  const trends = specification === 'constant' ? 0 : specification === 'linear' ? 1 : 2;
  const k = 2 + trends + lags;
  checkWindow('sadf', window, k);
  if (!Number.isInteger(lags) || lags < 0) throw new UsageError(`sadf: lags must be a non-negative integer (got ${lags})`, HINT);
  const n = y.length;
  const out = new Float64Array(n).fill(NaN_);
  const eq = new RecursiveLeastSquares(k);
  const x = new Float64Array(k);
  const scale = 1 / window.maxLength; // keeps trend² near 1: a t-statistic does not depend on it
  for (let t0 = lags + 1; t0 + window.minLength - 1 < n; t0++) {
    eq.reset();
    const ref = y[t0 - 1] as number;
    const last = Math.min(n - 1, t0 + window.maxLength - 1);
    for (let s = t0; s <= last; s++) {
      const dy = (y[s] as number) - (y[s - 1] as number);
      x[0] = 1;
      const tau = (s - t0) * scale;
      if (trends >= 1) x[1] = tau;
      if (trends === 2) x[2] = tau * tau;
      for (let l = 1; l <= lags; l++) x[trends + l] = (y[s - l] as number) - (y[s - l - 1] as number);
      x[k - 1] = (y[s - 1] as number) - ref;
      if (!Number.isFinite(dy) || !Number.isFinite(x[k - 1] as number) || !Number.isFinite(x[trends + lags] as number)) break;
      eq.add(x, dy);
      if (eq.rows >= window.minLength) raise(out, s, eq.tStatistic());
    }
  }
  return out;
}

/**
 * Sub/super-martingale test (AFML § 17.4.3): at each bar t, sup over t0 of |β̂| / (σ̂_β·(t − t0)^φ)
 * for the chosen specification fitted on the rows t0..t, with t counted from the sub-sample's
 * start (t = 1 at t0). `price` is the raw price: the log specifications take its logarithm.
 * φ ∈ [0, 1] penalises long sub-samples (φ = 0: the plain |t|). First value at bar minLength − 1.
 */
export function martingaleTest(
  price: Float64Array,
  specification: MartingaleSpecification,
  phi: number,
  window: WindowOptions,
): Float64Array {
  const k = specification === 'polynomial' || specification === 'polynomial-log' ? 3 : 2;
  checkWindow('martingaleTest', window, k);
  if (!(phi >= 0 && phi <= 1)) throw new UsageError(`martingaleTest: phi must lie in [0, 1] (got ${phi})`, HINT);
  const n = price.length;
  const logs = specification !== 'polynomial';
  const y = logs ? price.map(Math.log) : price;
  const out = new Float64Array(n).fill(NaN_);
  const eq = new RecursiveLeastSquares(k);
  const x = new Float64Array(k);
  const scale = 1 / window.maxLength;
  // (t − t0)^φ for every sub-sample length, so the inner loop has no Math.pow.
  const penalty = Float64Array.from({ length: window.maxLength }, (_, lag) => lag ** phi);
  for (let t0 = 0; t0 + window.minLength - 1 < n; t0++) {
    eq.reset();
    const ref = y[t0] as number;
    const last = Math.min(n - 1, t0 + window.maxLength - 1);
    for (let s = t0; s <= last; s++) {
      const step = s - t0 + 1;
      x[0] = 1;
      if (specification === 'power') {
        x[1] = Math.log(step);
      } else if (k === 3) {
        x[1] = step * scale;
        x[2] = (step * scale) ** 2;
      } else {
        x[1] = step * scale;
      }
      const target = (y[s] as number) - ref;
      if (!Number.isFinite(target)) break;
      eq.add(x, target);
      if (eq.rows >= window.minLength) {
        raise(out, s, Math.abs(eq.tStatistic()) / (penalty[s - t0] as number));
      }
    }
  }
  return out;
}

/**
 * Chow-type Dickey–Fuller (AFML § 17.3.1): over the last `window` values ending at t (levels
 * measured from the window's first value, the test's random walk from 0), the supremum over the
 * break τ of the t-statistic of δ in Δy_s = δ·y_{s−1}·D_s[τ] + ε_s (no intercept), D_s = 1 for
 * s ≥ τ, with at least `minLength` rows on each side of the break. O(window) per bar with
 * suffix sums. First value at bar window − 1.
 */
export function chowDickeyFuller(y: Float64Array, window: number, minLength: number): Float64Array {
  if (!Number.isInteger(window) || !Number.isInteger(minLength) || minLength < 1 || window - 1 < 2 * minLength) {
    throw new UsageError(
      `chowDickeyFuller: need integers window − 1 ≥ 2·minLength ≥ 2 (got window ${window}, minLength ${minLength})`,
      HINT,
    );
  }
  const n = y.length;
  const out = new Float64Array(n).fill(NaN_);
  const m = window - 1; // regression rows s = t − m + 1 .. t
  for (let t = window - 1; t < n; t++) {
    const first = t - m + 1;
    const ref = y[first - 1] as number;
    let syy = 0;
    for (let s = first; s <= t; s++) syy += ((y[s] as number) - (y[s - 1] as number)) ** 2;
    if (!Number.isFinite(syy)) continue;
    let sxy = 0;
    let sxx = 0;
    let best = NaN_;
    // Break at row b: D = 1 on rows b..t; rows after ≥ minLength and rows before (b − first) ≥ minLength.
    for (let b = t; b >= first + minLength; b--) {
      const level = (y[b - 1] as number) - ref;
      sxy += ((y[b] as number) - (y[b - 1] as number)) * level;
      sxx += level * level;
      if (t - b + 1 < minLength || !(sxx > 0)) continue;
      const ssr = syy - (sxy * sxy) / sxx;
      if (!(ssr > 0)) continue;
      const stat = sxy / Math.sqrt((ssr / (m - 1)) * sxx);
      if (Number.isNaN(best) || stat > best) best = stat;
    }
    out[t] = best;
  }
  return out;
}

/**
 * Chu–Stinchcombe–White CUSUM on levels (AFML § 17.3.2): S_{n,t} = (y_t − y_n) / (σ̂_t·√(t − n)),
 * σ̂²_t the mean squared one-bar change over the window (the book's zero-drift null), and the
 * statistic the supremum over n = t − window + 1 .. t − 1 of S_{n,t} (one-sided) or of |S_{n,t}|
 * (two-sided). The book's critical value √(b_α + ln(t − n)) (b_0.05 = 4.6) is left to the model.
 * First value at bar window − 1.
 */
export function chuStinchcombeWhite(y: Float64Array, window: number, twoSided: boolean): Float64Array {
  if (!Number.isInteger(window) || window < 3)
    throw new UsageError(`chuStinchcombeWhite: window must be an integer ≥ 3 (got ${window})`, HINT);
  const n = y.length;
  const out = new Float64Array(n).fill(NaN_);
  for (let t = window - 1; t < n; t++) {
    let ss = 0;
    for (let s = t - window + 2; s <= t; s++) ss += ((y[s] as number) - (y[s - 1] as number)) ** 2;
    const sigma = Math.sqrt(ss / (window - 1));
    if (!(sigma > 0) || !Number.isFinite(sigma)) continue;
    const yt = y[t] as number;
    let best = -Infinity;
    for (let lag = 1; lag < window; lag++) {
      const diff = yt - (y[t - lag] as number);
      const stat = (twoSided ? Math.abs(diff) : diff) / (sigma * Math.sqrt(lag));
      if (stat > best) best = stat;
    }
    out[t] = best;
  }
  return out;
}
