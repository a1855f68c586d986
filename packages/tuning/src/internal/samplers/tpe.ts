import type { Rng } from '@tribar/core';
import { isActive, snap, type Distribution, type ParamSpec, type ParamValue, type Params } from '../space.js';
import { lastStep, lossOf, type Direction, type FrozenTrial } from '../trial.js';
import { defaultGamma, defaultWeights, ParzenEstimator, type InternalDomain, type ParzenParameters } from './parzen.js';
import { sampleSpace, sampleUniform, trialRng, type Sample, type SampleContext, type Sampler } from './sampler.js';

export interface TpeOptions {
  seed: number;
  /** Random trials before TPE takes over (Optuna: 10). */
  startupTrials?: number;
  /** Candidates drawn from l(x) per parameter, the best l/g kept (Optuna: 24). */
  eiCandidates?: number;
  /** Size of the good group from the number of finished trials (Optuna: min(⌈0.1·n⌉, 25)). */
  gamma?: (n: number) => number;
  priorWeight?: number;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  /**
   * Score candidates with the normalized kernel mixture (Optuna ≥ 3.5). Default false: Optuna
   * 3.1's log-density, which leaves out each continuous kernel's −log σ (see `npm run bench`).
   */
  normalizeKernels?: boolean;
  /** One joint estimator over the unconditional parameters (Optuna's `multivariate=True`). */
  multivariate?: boolean;
  /**
   * Count running trials as bad ones (Optuna's `constant_liar`), so parallel workers spread out
   * instead of sampling the same promising point: the study turns it on when workers > 1.
   */
  constantLiar?: boolean;
}

function internalDomain(d: Distribution): InternalDomain {
  if (d.kind === 'categorical') return { kind: 'categorical', choices: d.choices.length };
  if (d.log) {
    // Log ranges are searched in log space; a log int spans [low − ½, high + ½] before rounding.
    return d.kind === 'int'
      ? { kind: 'numerical', low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5) }
      : { kind: 'numerical', low: Math.log(d.low), high: Math.log(d.high) };
  }
  return d.step !== undefined
    ? { kind: 'numerical', low: d.low, high: snap(d, d.high), step: d.step }
    : { kind: 'numerical', low: d.low, high: d.high };
}

function toInternal(d: Distribution, value: ParamValue): number {
  if (d.kind === 'categorical') return d.choices.indexOf(value);
  return d.log ? Math.log(value as number) : (value as number);
}

function toExternal(d: Distribution, x: number): ParamValue {
  if (d.kind === 'categorical') return d.choices[x]!;
  return snap(d, d.log ? Math.exp(x) : x);
}

/**
 * The `count` smallest trials by `key` (ties by number), in key order: a bounded insertion pass
 * instead of sorting every finished trial, as only γ(n) ≤ 25 of them join the good group.
 */
function smallest(trials: readonly FrozenTrial[], count: number, key: (t: FrozenTrial) => readonly number[]): FrozenTrial[] {
  const chosen: FrozenTrial[] = [];
  const keys: (readonly number[])[] = [];
  const before = (a: readonly number[], an: number, b: readonly number[], bn: number): boolean => {
    for (let i = 0; i < a.length; i++) if (a[i]! !== b[i]!) return a[i]! < b[i]!;
    return an < bn;
  };
  if (count <= 0) return chosen;
  for (const t of trials) {
    const k = key(t);
    if (chosen.length === count && !before(k, t.number, keys[count - 1]!, chosen[count - 1]!.number)) continue;
    let at = chosen.length === count ? count - 1 : chosen.length;
    while (at > 0 && before(k, t.number, keys[at - 1]!, chosen[at - 1]!.number)) {
      chosen[at] = chosen[at - 1]!;
      keys[at] = keys[at - 1]!;
      at--;
    }
    chosen[at] = t;
    keys[at] = k;
  }
  return chosen;
}

/** Optuna's `_split_trials`: the best `nBelow` finished trials (complete first, then pruned by depth) and the rest. */
function splitTrials(
  trials: readonly FrozenTrial[],
  nBelow: number,
  direction: Direction,
  constantLiar: boolean,
): [FrozenTrial[], FrozenTrial[]] {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== undefined);
  const pruned = trials.filter((t) => t.state === 'pruned');
  const belowComplete = smallest(complete, Math.min(nBelow, complete.length), (t) => [lossOf(direction, t.value!)]);
  const prunedKey = (t: FrozenTrial): readonly number[] => {
    const step = lastStep(t);
    return step === undefined ? [Infinity, Infinity] : [-step, lossOf(direction, t.intermediate.get(step)!)];
  };
  const belowPruned = smallest(pruned, Math.min(nBelow - belowComplete.length, pruned.length), prunedKey);
  const good = new Set([...belowComplete, ...belowPruned]);
  // Trials come in number order, so filtering keeps both groups sorted by number.
  const below: FrozenTrial[] = [];
  const above: FrozenTrial[] = [];
  for (const t of trials) {
    if (good.has(t)) below.push(t);
    else if (t.state === 'complete' ? t.value !== undefined : t.state === 'pruned' || (constantLiar && t.state === 'running'))
      above.push(t);
  }
  return [below, above];
}

/**
 * The tree-structured Parzen estimator with Optuna's defaults (TPESampler: 10 start-up trials,
 * γ(n) = min(⌈0.1·n⌉, 25), 24 EI candidates, prior weight 1, magic clip, ramped weights), sampling each
 * parameter on its own unless `multivariate`. Conditional parameters are always sampled on their own,
 * from the trials where they were active. Draws come from a per-trial stream of the seed.
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  readonly #seed: number;
  readonly #startup: number;
  readonly #candidates: number;
  readonly #gamma: (n: number) => number;
  readonly #parzen: ParzenParameters;
  readonly #multivariate: boolean;
  constantLiar: boolean;

  constructor(options: TpeOptions) {
    this.#seed = options.seed;
    this.#startup = options.startupTrials ?? 10;
    this.#candidates = options.eiCandidates ?? 24;
    this.#gamma = options.gamma ?? defaultGamma;
    this.#multivariate = options.multivariate ?? false;
    this.constantLiar = options.constantLiar ?? false;
    this.#parzen = {
      priorWeight: options.priorWeight ?? 1,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      normalizeKernels: options.normalizeKernels ?? false,
      multivariate: false,
      weights: defaultWeights,
    };
  }

  sample({ number, space, direction, trials }: SampleContext): Sample {
    const rng = trialRng(this.#seed, this.name, number);
    const finished = trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
    if (finished.length < this.#startup) return { params: sampleSpace(space, (_n, d) => sampleUniform(d, rng)) };
    const considered = trials.filter((t) => t.state === 'complete' || t.state === 'pruned' || (this.constantLiar && t.state === 'running'));
    const [below, above] = splitTrials(considered, this.#gamma(finished.length), direction, this.constantLiar);

    const joint = this.#multivariate ? space.params.filter((p) => !p.condition) : [];
    const jointValues = joint.length > 0 ? this.#sampleGroup(joint, below, above, rng) : {};
    const params: Params = {};
    for (const spec of space.params) {
      if (!isActive(spec, params)) continue;
      params[spec.name] = spec.name in jointValues ? jointValues[spec.name]! : this.#sampleGroup([spec], below, above, rng)[spec.name]!;
    }
    return { params: { ...params, ...space.fixed } };
  }

  /** Draw candidates from l(x) of the group and keep the one with the largest l(x)/g(x). */
  #sampleGroup(group: readonly ParamSpec[], below: FrozenTrial[], above: FrozenTrial[], rng: Rng): Params {
    const domains = group.map((p) => internalDomain(p.distribution));
    const observe = (trials: FrozenTrial[]): Float64Array[] => {
      const having = trials.filter((t) => group.every((p) => p.name in t.params));
      return group.map((p) => Float64Array.from(having, (t) => toInternal(p.distribution, t.params[p.name]!)));
    };
    const parameters = { ...this.#parzen, multivariate: group.length > 1 };
    const l = new ParzenEstimator(observe(below), domains, parameters);
    const g = new ParzenEstimator(observe(above), domains, parameters);
    const candidates = l.sample(rng, this.#candidates);
    const lpBelow = l.logPdf(candidates);
    const lpAbove = g.logPdf(candidates);
    let best = 0;
    for (let i = 1; i < this.#candidates; i++) if (lpBelow[i]! - lpAbove[i]! > lpBelow[best]! - lpAbove[best]!) best = i;
    const out: Params = {};
    group.forEach((p, d) => {
      out[p.name] = toExternal(p.distribution, candidates[d]![best]!);
    });
    return out;
  }
}
