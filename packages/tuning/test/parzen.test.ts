import { describe, expect, it } from 'vitest';
import { defaultWeights, ParzenEstimator, type ParzenParameters } from '../src/internal/samplers/parzen.js';

// Branin's x1 ∈ [−5, 10] after 12 trials of Optuna 3.1.0's TPESampler(seed=0): the γ(12) = 2 best
// trials form l(x), the other 10 g(x). The expected log-densities are what Optuna 3.1.0's
// `_ParzenEstimator.log_pdf` returns for these observations at these points.
const BELOW = [9.49695440518833, 9.291673912901734];
const ABOVE = [
  3.232202558909872, 4.041450641074658, 1.354821990083571, 1.5638081689403878, 9.45494140751544, 6.87587557123997, 3.5206684164089843,
  -3.9344591270316958, -4.696724038395114, 6.672351264247757,
];
const POINTS = Float64Array.from([-4.0, -1.0, 0.5, 2.0, 3.14, 7.5, 9.9]);
const OPTUNA_LOG_L = [
  -1.038667129421135, -0.8597709734614757, -0.7602532584526001, -0.6494827798954663, -0.5577121407603542, -0.24558468065644956,
  -0.22404737085935678,
];
const OPTUNA_LOG_G = [
  -1.4795410789665837, -1.6207011974770125, -1.4646544242688129, -1.2432323681663935, -1.148602228887412, -1.353128686706836,
  -1.6014185341564329,
];
const DOMAIN = [{ kind: 'numerical' as const, low: -5, high: 10 }];
const parameters = (normalizeKernels: boolean): ParzenParameters => ({
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  normalizeKernels,
  weights: defaultWeights,
});

describe('ParzenEstimator', () => {
  it('scores continuous kernels as Optuna 3.1.0 does (no −log σ term), to 1e-12', () => {
    const l = new ParzenEstimator([Float64Array.from(BELOW)], DOMAIN, parameters(false));
    const g = new ParzenEstimator([Float64Array.from(ABOVE)], DOMAIN, parameters(false));
    const logL = Array.from(l.logPdf([POINTS]));
    const logG = Array.from(g.logPdf([POINTS]));
    logL.forEach((v, i) => expect(v).toBeCloseTo(OPTUNA_LOG_L[i]!, 12));
    logG.forEach((v, i) => expect(v).toBeCloseTo(OPTUNA_LOG_G[i]!, 12));
  });

  it('normalizeKernels gives a proper density over the range (integrates to 1)', () => {
    for (const normalize of [true, false]) {
      const g = new ParzenEstimator([Float64Array.from(ABOVE)], DOMAIN, parameters(normalize));
      const n = 30_000;
      const xs = Float64Array.from({ length: n }, (_, i) => -5 + (15 * (i + 0.5)) / n);
      const integral = g.logPdf([xs]).reduce((s, lp) => s + Math.exp(lp) * (15 / n), 0);
      if (normalize) expect(integral).toBeCloseTo(1, 6);
      // Without 1/σ each kernel integrates to its σ: the mixture's σ-weighted mean (here ≈ 2.2).
      else expect(integral).toBeGreaterThan(1.5);
    }
  });
});
