import { normalCdf, normalQuantile } from './normal.js';

/**
 * Sharpe-family statistics of a per-period return (or PnL) series.
 *
 * Conventions, chosen once so every caller agrees:
 * - the Sharpe ratio uses the sample standard deviation (n − 1), no risk-free rate;
 * - skewness and kurtosis are the population (biased) moment ratios, kurtosis non-excess (normal = 3),
 *   as in Bailey & López de Prado's formulas and scipy's defaults (`bias=True`, `fisher=False`);
 * - degenerate inputs (fewer than 2 periods, zero dispersion) give 0 rather than NaN, so reports
 *   and JSON stay numeric; Infinity appears only where the brief wants it (no downside, no drawdown).
 */

export interface ReturnMoments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  /** Population skewness γ3. */
  skew: number;
  /** Population non-excess kurtosis γ4 (3 for a normal distribution). */
  kurtosis: number;
}

export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  if (n === 0) return { n, mean: 0, std: 0, skew: 0, kurtosis: 3 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i] as number;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (returns[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // A constant series has no shape: report the normal's moments so PSR stays defined.
  const flat = m2 <= 1e-300;
  return { n, mean, std, skew: flat ? 0 : m3 / m2 ** 1.5, kurtosis: flat ? 3 : m4 / (m2 * m2) };
}

/** mean / sample std × √periodsPerYear; 0 with fewer than 2 periods or zero dispersion. */
export function sharpeRatio(returns: ArrayLike<number>, periodsPerYear = 1): number {
  const { n, mean, std } = returnMoments(returns);
  if (n < 2 || std === 0) return 0;
  return (mean / std) * Math.sqrt(periodsPerYear);
}

/**
 * mean / downside deviation × √periodsPerYear, downside deviation = √(mean over ALL periods of
 * min(r, 0)²) (target 0). No downside at all: Infinity when the mean is positive, else 0.
 */
export function sortinoRatio(returns: ArrayLike<number>, periodsPerYear = 1): number {
  const n = returns.length;
  if (n === 0) return 0;
  let sum = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i] as number;
    sum += r;
    if (r < 0) down += r * r;
  }
  const mean = sum / n;
  const dd = Math.sqrt(down / n);
  if (dd === 0) return mean > 0 ? Infinity : 0;
  return (mean / dd) * Math.sqrt(periodsPerYear);
}

export interface Drawdown {
  /** Largest peak-to-trough fall, a non-negative amount in the equity's units. */
  amount: number;
  /** Index of the peak; −1 when the peak is `initialEquity`, before the first element. */
  peakIndex: number;
  /** Index of the trough; −1 when there is no drawdown. */
  troughIndex: number;
}

/**
 * Maximum drawdown of an equity curve. `initialEquity` (default: none) is a virtual value before
 * index 0, so a curve that starts by losing from 0 counts that loss.
 */
export function maxDrawdown(equity: ArrayLike<number>, initialEquity?: number): Drawdown {
  let peak = initialEquity ?? -Infinity;
  let peakAt = -1;
  const best: Drawdown = { amount: 0, peakIndex: -1, troughIndex: -1 };
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e > peak) {
      peak = e;
      peakAt = i;
    } else if (peak - e > best.amount) {
      best.amount = peak - e;
      best.peakIndex = peakAt;
      best.troughIndex = i;
    }
  }
  return best;
}

/** annualReturn / maxDrawdown (a positive amount); no drawdown → Infinity if annualReturn > 0, else 0. */
export function calmarRatio(annualReturn: number, maxDrawdownAmount: number): number {
  if (maxDrawdownAmount > 0) return annualReturn / maxDrawdownAmount;
  return annualReturn > 0 ? Infinity : 0;
}

/** Variance of the Sharpe estimator: (1 − γ3·SR + (γ4 − 1)/4·SR²) / (n − 1), SR per period. */
export function sharpeEstimatorVariance(sr: number, n: number, skew: number, kurtosis: number): number {
  return (1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr) / (n - 1);
}

/**
 * Probabilistic Sharpe Ratio (Bailey & López de Prado 2012): the probability that the true
 * per-period Sharpe exceeds `benchmark`, Φ((SR − SR*)·√(n − 1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)).
 * `sr` and `benchmark` are per period (not annualised); `kurtosis` is non-excess.
 * NaN when n < 2 or the skew/kurtosis make the variance term non-positive.
 */
export function probabilisticSharpeRatio(sr: number, n: number, skew: number, kurtosis: number, benchmark = 0): number {
  if (!(n >= 2)) return NaN;
  const variance = sharpeEstimatorVariance(sr, n, skew, kurtosis);
  if (!(variance > 0)) return NaN;
  return normalCdf((sr - benchmark) / Math.sqrt(variance));
}

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum of `trials` Sharpe estimates with variance `variance` when every true Sharpe is 0:
 * √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))). 0 for a single trial.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1) return 0;
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)));
}

/**
 * Deflated Sharpe Ratio (Bailey & López de Prado 2014): PSR against the Sharpe expected from the best
 * of `trials` skill-less strategies. V is `srVariance` (the variance of the trials' per-period SR
 * estimates) when given, else the estimator variance of `sr` itself. trials = 1 → PSR with SR* = 0.
 */
export function deflatedSharpeRatio(sr: number, n: number, skew: number, kurtosis: number, trials: number, srVariance?: number): number {
  if (!(trials >= 1)) return NaN;
  const variance = srVariance ?? sharpeEstimatorVariance(sr, n, skew, kurtosis);
  return probabilisticSharpeRatio(sr, n, skew, kurtosis, expectedMaxSharpe(trials, variance));
}
