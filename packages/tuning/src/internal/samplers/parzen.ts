// Optuna's `_ParzenEstimator` (optuna/samplers/_tpe/parzen_estimator.py, v3.x–4.x): a mixture of one
// truncated-normal (or categorical) kernel per observation plus a prior kernel, with Optuna's
// bandwidths ("magic clip"), prior weight and ramped observation weights.
import type { Rng } from '@tribar/core';
import { normalCdf, normalQuantile } from '@tribar/quant';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 1e-12;

/** One parameter in the estimator's internal domain (log for log ranges, the choice index for categoricals). */
export type InternalDomain = { kind: 'numerical'; low: number; high: number; step?: number } | { kind: 'categorical'; choices: number };

export interface ParzenParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  multivariate: boolean;
  /**
   * Divide each continuous kernel by its bandwidth σ (a normalized mixture, Optuna ≥ 3.5). Off, a
   * kernel's height is φ(z)/Z whatever its width, as Optuna 3.1–3.4's truncated-normal log-density
   * (no −log σ term; optuna#5109): wide kernels weigh more in l(x)/g(x).
   */
  normalizeKernels: boolean;
  /** Observation weights by count (`default_weights`): older observations weigh less past 25. */
  weights: (n: number) => number[];
}

/** Optuna's `default_weights`: 1 for the newest 25 observations, a ramp from 1/n below them. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const rampCount = n - 25;
  const ramp = Array.from({ length: rampCount }, (_, i) => (rampCount === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (rampCount - 1)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/** Optuna's `default_gamma`: how many trials form the "good" group, min(⌈0.1·n⌉, 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** log(Φ(b) − Φ(a)) for a < b, computed in the far tail without cancellation. */
function logNormalMass(a: number, b: number): number {
  const mass = a > 0 ? normalCdf(-a) - normalCdf(-b) : normalCdf(b) - normalCdf(a);
  return Math.log(Math.max(mass, 1e-300));
}

interface NumericalKernels {
  kind: 'numerical';
  mus: Float64Array;
  sigmas: Float64Array;
  /** log Z_k (Z_k the kernel's mass inside the bounds), plus log σ_k when normalized; once per kernel. */
  logNorm: Float64Array;
  low: number;
  high: number;
  step: number | undefined;
}
interface CategoricalKernels {
  kind: 'categorical';
  /** components × choices, each row summing to 1. */
  weights: Float64Array[];
}
type Kernels = NumericalKernels | CategoricalKernels;

function numericalKernels(
  observations: Float64Array,
  domain: Extract<InternalDomain, { kind: 'numerical' }>,
  dims: number,
  p: ParzenParameters,
): NumericalKernels {
  const { low, high } = domain;
  const stepOr0 = domain.step ?? 0;
  const n = observations.length;
  let sigmas: Float64Array;
  if (p.multivariate) {
    const sigma = 0.2 * Math.max(n, 1) ** (-1 / (dims + 4)) * (high - low + stepOr0);
    sigmas = new Float64Array(n).fill(sigma);
  } else {
    sigmas = neighbourGaps(observations, 0.5 * (low + high), low - stepOr0 / 2, high + stepOr0 / 2, p.considerEndpoints);
  }
  const maxSigma = high - low + stepOr0;
  const minSigma = p.considerMagicClip ? (high - low + stepOr0) / Math.min(100, 1 + n + 1) : EPS;
  const mus = new Float64Array(n + 1);
  const allSigmas = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    mus[i] = observations[i]!;
    allSigmas[i] = Math.min(Math.max(sigmas[i]!, minSigma), maxSigma);
  }
  mus[n] = 0.5 * (low + high);
  allSigmas[n] = maxSigma;
  const half = stepOr0 / 2;
  const logNorm = Float64Array.from(mus, (mu, k) => {
    const sigma = allSigmas[k]!;
    const logZ = logNormalMass((low - half - mu) / sigma, (high + half - mu) / sigma);
    return (domain.step === undefined && p.normalizeKernels ? Math.log(sigma) : 0) + logZ;
  });
  return { kind: 'numerical', mus, sigmas: allSigmas, logNorm, low, high, step: domain.step };
}

/**
 * Each observation's bandwidth: the larger gap to its neighbours once sorted with the prior's centre
 * and the bounds (Optuna's `_calculate_numerical_distributions`). Sorted as a typed array (native
 * numeric sort, no comparator calls); equal values take their sorted slots in observation order, as
 * a stable sort by value would give them, so the gaps match the reference bit for bit.
 */
function neighbourGaps(observations: Float64Array, priorMu: number, low: number, high: number, considerEndpoints: boolean): Float64Array {
  const n = observations.length;
  const m = n + 1;
  const sorted = new Float64Array(m + 2);
  sorted.set(observations, 1);
  sorted[m] = priorMu;
  sorted[0] = low;
  sorted[m + 1] = high;
  sorted.subarray(1, m + 1).sort();
  const gaps = new Float64Array(m);
  for (let i = 0; i < m; i++) gaps[i] = Math.max(sorted[i + 1]! - sorted[i]!, sorted[i + 2]! - sorted[i + 1]!);
  if (!considerEndpoints && sorted.length >= 4) {
    gaps[0] = sorted[2]! - sorted[1]!;
    gaps[m - 1] = sorted[m]! - sorted[m - 1]!;
  }
  // Original index → sorted slot: the first slot holding its value, plus how many equal values came before it.
  const taken = new Int32Array(m);
  const sigmas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = lowerBound(sorted, observations[i]!, 1, m + 1) - 1;
    sigmas[i] = gaps[at + taken[at]!++]!;
  }
  return sigmas;
}

/** The first index in [from, to) of ascending `xs` whose value is ≥ x. */
function lowerBound(xs: Float64Array, x: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function categoricalKernels(observations: Float64Array, choices: number, p: ParzenParameters): CategoricalKernels {
  const n = observations.length;
  if (n === 0) return { kind: 'categorical', weights: [new Float64Array(choices).fill(1 / choices)] };
  const kernels = n + 1;
  const weights: Float64Array[] = [];
  for (let k = 0; k < kernels; k++) {
    const row = new Float64Array(choices).fill(p.priorWeight / kernels);
    if (k < n) row[observations[k]!] = row[observations[k]!]! + 1;
    const sum = row.reduce((s, v) => s + v, 0);
    for (let c = 0; c < choices; c++) row[c] = row[c]! / sum;
    weights.push(row);
  }
  return { kind: 'categorical', weights };
}

/**
 * A Parzen estimator over one or more parameters sharing mixture weights (several = multivariate
 * TPE). `observations[d]` holds parameter d's internal values, one per trial, oldest trial first.
 */
export class ParzenEstimator {
  readonly #kernels: Kernels[];
  /** Mixture weights, observations then the prior, summing to 1. */
  readonly mixture: Float64Array;

  constructor(observations: readonly Float64Array[], domains: readonly InternalDomain[], p: ParzenParameters) {
    const n = observations[0]?.length ?? 0;
    const raw = p.weights(n).slice(0, n);
    const mixture = n === 0 ? [1] : [...raw, p.priorWeight];
    const total = mixture.reduce((s, v) => s + v, 0);
    this.mixture = Float64Array.from(mixture, (w) => w / total);
    this.#kernels = domains.map((domain, d) =>
      domain.kind === 'categorical'
        ? categoricalKernels(observations[d]!, domain.choices, p)
        : numericalKernels(observations[d]!, domain, domains.length, p),
    );
  }

  /** `count` draws, one array per parameter. */
  sample(rng: Rng, count: number): Float64Array[] {
    const out = this.#kernels.map(() => new Float64Array(count));
    for (let s = 0; s < count; s++) {
      const k = pickIndex(this.mixture, rng.next());
      this.#kernels.forEach((kernel, d) => {
        out[d]![s] =
          kernel.kind === 'categorical'
            ? pickIndex(kernel.weights[Math.min(k, kernel.weights.length - 1)]!, rng.next())
            : sampleKernel(kernel, k, rng.next());
      });
    }
    return out;
  }

  /** log density of each sample (one array per parameter, as `sample` returns). */
  logPdf(samples: readonly Float64Array[]): Float64Array {
    const count = samples[0]?.length ?? 0;
    const components = this.mixture.length;
    const logMixture = this.#logMixture();
    const only = this.#kernels.length === 1 ? this.#kernels[0]! : undefined;
    if (only?.kind === 'numerical' && only.step === undefined) return continuousLogPdf(only, logMixture, samples[0]!);
    // terms[s·K + k] = log w_k + Σ_d log p_kd(x_sd): plain loops, this is the sampler's hot path.
    const terms = new Float64Array(count * components);
    for (let s = 0; s < count; s++) terms.set(logMixture, s * components);
    this.#kernels.forEach((kernel, d) => {
      const xs = samples[d]!;
      if (kernel.kind === 'numerical' && kernel.step === undefined) {
        const { mus, sigmas, logNorm } = kernel;
        for (let s = 0; s < count; s++) {
          const x = xs[s]!;
          const row = s * components;
          for (let k = 0; k < components; k++) {
            const z = (x - mus[k]!) / sigmas[k]!;
            terms[row + k] = terms[row + k]! - 0.5 * z * z - LOG_SQRT_2PI - logNorm[k]!;
          }
        }
      } else {
        for (let s = 0; s < count; s++)
          for (let k = 0; k < components; k++) terms[s * components + k] = terms[s * components + k]! + kernelLogPdf(kernel, k, xs[s]!);
      }
    });
    const out = new Float64Array(count);
    for (let s = 0; s < count; s++) out[s] = logSumExp(terms, s * components, components);
    return out;
  }

  #logMixtureCache: Float64Array | undefined;
  #logMixture(): Float64Array {
    return (this.#logMixtureCache ??= this.mixture.map(Math.log));
  }
}

/** log Σ_k exp(xs[from + k]) over `length` terms, shifted by the largest so nothing overflows. */
function logSumExp(xs: Float64Array, from: number, length: number): number {
  let max = -Infinity;
  for (let k = from; k < from + length; k++) if (xs[k]! > max) max = xs[k]!;
  if (max === -Infinity) return max;
  let sum = 0;
  for (let k = from; k < from + length; k++) sum += Math.exp(xs[k]! - max);
  return max + Math.log(sum);
}

/**
 * The common case (one continuous parameter, independent TPE) in one pass per sample over a
 * reused row, with the general path's operations in its order (the same bits).
 */
function continuousLogPdf(kernel: NumericalKernels, logMixture: Float64Array, xs: Float64Array): Float64Array {
  const { mus, sigmas, logNorm } = kernel;
  const components = mus.length;
  const row = new Float64Array(components);
  const out = new Float64Array(xs.length);
  for (let s = 0; s < xs.length; s++) {
    const x = xs[s]!;
    for (let k = 0; k < components; k++) {
      const z = (x - mus[k]!) / sigmas[k]!;
      row[k] = logMixture[k]! - 0.5 * z * z - LOG_SQRT_2PI - logNorm[k]!;
    }
    out[s] = logSumExp(row, 0, components);
  }
  return out;
}

function pickIndex(weights: Float64Array, u: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!;
    if (u < acc) return i;
  }
  return weights.length - 1;
}

function bounds(kernel: NumericalKernels): [number, number] {
  const half = (kernel.step ?? 0) / 2;
  return [kernel.low - half, kernel.high + half];
}

/** Inverse-CDF draw of the truncated normal k (mirrored in the upper tail, where Φ loses digits). */
function sampleKernel(kernel: NumericalKernels, k: number, u: number): number {
  const mu = kernel.mus[k]!;
  const sigma = kernel.sigmas[k]!;
  const [low, high] = bounds(kernel);
  let a = (low - mu) / sigma;
  let b = (high - mu) / sigma;
  const mirrored = a > 0;
  if (mirrored) [a, b] = [-b, -a];
  const pa = normalCdf(a);
  const pb = normalCdf(b);
  const q = normalQuantile(Math.min(Math.max(pa + u * (pb - pa), 1e-300), 1 - 1e-16));
  let x = mu + sigma * (mirrored ? -q : q);
  x = Math.min(Math.max(x, low), high);
  if (kernel.step !== undefined)
    x = Math.min(Math.max(kernel.low + Math.round((x - kernel.low) / kernel.step) * kernel.step, kernel.low), kernel.high);
  return x;
}

function kernelLogPdf(kernel: Kernels, k: number, x: number): number {
  if (kernel.kind === 'categorical') return Math.log(kernel.weights[Math.min(k, kernel.weights.length - 1)]![x]!);
  const mu = kernel.mus[k]!;
  const sigma = kernel.sigmas[k]!;
  if (kernel.step === undefined) {
    const z = (x - mu) / sigma;
    return -0.5 * z * z - LOG_SQRT_2PI - kernel.logNorm[k]!;
  }
  const half = kernel.step / 2;
  return logNormalMass((x - half - mu) / sigma, (x + half - mu) / sigma) - kernel.logNorm[k]!;
}
