import { normalCdf, normalQuantile } from './normal.js';

/**
 * The Sharpe ratio's significance (Bailey & López de Prado): PSR, DSR and the minimum track record
 * length. The ratio itself and the return moments are in trade-stats.ts.
 * `sr` is per period (not annualised); `kurtosis` is non-excess (normal = 3).
 */

/** Variance of the Sharpe estimator: (1 − γ3·SR + (γ4 − 1)/4·SR²) / (n − 1), SR per period. */
function sharpeEstimatorVariance(sr: number, n: number, skew: number, kurtosis: number): number {
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

/**
 * Minimum track record length (Bailey & López de Prado 2012): the number of periods needed for the
 * observed per-period Sharpe `sr` to exceed `benchmark` with probability `confidence`:
 * 1 + (1 − γ3·SR + (γ4 − 1)/4·SR²)·(Φ⁻¹(confidence) / (SR − SR*))². Infinity when SR ≤ SR*; NaN when
 * the skew/kurtosis make the variance term non-positive.
 */
export function minTrackRecordLength(sr: number, skew: number, kurtosis: number, benchmark = 0, confidence = 0.95): number {
  if (!(sr > benchmark)) return Infinity;
  const spread = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(spread > 0)) return NaN;
  return 1 + spread * (normalQuantile(confidence) / (sr - benchmark)) ** 2;
}

/** Euler–Mascheroni constant γ. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum of `trials` Sharpe estimates with variance `variance` when every true Sharpe is 0:
 * √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))). 0 for a single trial.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1) return 0;
  return (
    Math.sqrt(variance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  );
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
