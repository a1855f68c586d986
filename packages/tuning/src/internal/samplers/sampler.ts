import { Rng, deriveSeed } from '@tribar/core';
import { isActive, snap, type Distribution, type Params, type SearchSpace } from '../space.js';
import type { AttrValue, Direction, FrozenTrial } from '../trial.js';

/** What a sampler sees when the study asks it for a new trial's parameters. */
export interface SampleContext {
  /** The new trial's number. */
  number: number;
  space: SearchSpace;
  direction: Direction;
  /** Every trial before this one, running ones included, in number order. */
  trials: readonly FrozenTrial[];
}

export interface Sample {
  params: Params;
  systemAttrs?: Record<string, AttrValue>;
}

/**
 * A sampler proposes a trial's parameters from the study's history. Every draw comes from
 * `trialRng(seed, number)`, a stream of its own per trial, so a resumed study draws exactly what
 * the uninterrupted one would have.
 */
export interface Sampler {
  readonly name: string;
  sample(context: SampleContext): Sample;
  /** Whether the sampler has nothing left to propose (a finished grid); the study then stops. */
  exhausted?(context: Omit<SampleContext, 'number'>): boolean;
}

export function trialRng(seed: number, label: string, number: number): Rng {
  return new Rng(deriveSeed(seed, `${label}/trial/${number}`));
}

/** One uniform draw from a distribution (log-uniform for log ranges), as Optuna's RandomSampler. */
export function sampleUniform(d: Distribution, rng: Rng): number | string | boolean {
  if (d.kind === 'categorical') return d.choices[rng.int(0, d.choices.length - 1)]!;
  if (d.log) {
    // A log int spans [low − ½, high + ½] before rounding so its end points are as likely as the rest.
    const low = d.kind === 'int' ? Math.log(d.low - 0.5) : Math.log(d.low);
    const high = d.kind === 'int' ? Math.log(d.high + 0.5) : Math.log(d.high);
    return snap(d, Math.exp(rng.uniform(low, high)));
  }
  if (d.step !== undefined) {
    const points = Math.floor((d.high - d.low) / d.step + 1e-9);
    return snap(d, d.low + rng.int(0, points) * d.step);
  }
  return d.low + (d.high - d.low) * rng.next();
}

/** Sample every active parameter of the space in order with `draw`; inactive ones are left out. */
export function sampleSpace(
  space: SearchSpace,
  draw: (name: string, d: Distribution, params: Params) => number | string | boolean,
): Params {
  const params: Params = {};
  for (const spec of space.params) {
    if (!isActive(spec, params)) continue;
    params[spec.name] = draw(spec.name, spec.distribution, params);
  }
  return { ...params, ...space.fixed };
}

/** Uniform random search. */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  constructor(readonly seed: number) {}

  sample({ number, space }: SampleContext): Sample {
    const rng = trialRng(this.seed, this.name, number);
    return { params: sampleSpace(space, (_name, d) => sampleUniform(d, rng)) };
  }
}
