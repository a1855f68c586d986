import { UsageError } from '@tribar/core';
import type { Distribution, ParamValue, Params, SearchSpace } from '../space.js';
import { trialRng, type Sample, type SampleContext, type Sampler } from './sampler.js';

/** Points a numeric parameter contributes to a grid when the user gives none. */
const DEFAULT_POINTS = 5;
const MAX_INT_POINTS = 16;

function defaultGrid(name: string, d: Distribution, points: number): ParamValue[] {
  if (d.kind === 'categorical') return [...d.choices];
  if (d.kind === 'int' && !d.log && (d.high - d.low) / d.step + 1 <= MAX_INT_POINTS) {
    const values: number[] = [];
    for (let v = d.low; v <= d.high; v += d.step) values.push(v);
    return values;
  }
  if (points < 1) throw new UsageError(`grid: '${name}' needs at least one point`);
  const at = (i: number): number => {
    const t = points === 1 ? 0.5 : i / (points - 1);
    return d.log ? Math.exp(Math.log(d.low) + t * (Math.log(d.high) - Math.log(d.low))) : d.low + t * (d.high - d.low);
  };
  const values = Array.from({ length: points }, (_, i) => (d.kind === 'int' ? Math.round(at(i)) : at(i)));
  return [...new Set(values)];
}

/**
 * Every combination of the grid's values once, in an order drawn from the seed (Optuna's
 * GridSampler draws among the points no trial has taken yet). Numeric parameters without an
 * explicit grid get 5 evenly spaced points (log-spaced on log ranges); small int ranges all their
 * values. The study stops when every point was taken. Parameters inactive under a condition are
 * dropped from the trial, so such points repeat a parent's combination.
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly #explicit: Record<string, readonly ParamValue[]>;
  readonly #points: number;
  #cache: { space: SearchSpace; names: string[]; values: ParamValue[][] } | undefined;

  constructor(
    readonly seed: number,
    grid: Record<string, readonly ParamValue[]> = {},
    points = DEFAULT_POINTS,
  ) {
    this.#explicit = grid;
    this.#points = points;
  }

  #grid(space: SearchSpace): { names: string[]; values: ParamValue[][] } {
    if (this.#cache?.space === space) return this.#cache;
    const names = space.params.map((p) => p.name);
    const values = space.params.map((p) => [...(this.#explicit[p.name] ?? defaultGrid(p.name, p.distribution, this.#points))]);
    this.#cache = { space, names, values };
    return this.#cache;
  }

  /** How many points the grid has. */
  size(space: SearchSpace): number {
    return this.#grid(space).values.reduce((n, v) => n * v.length, 1);
  }

  #pointOf(space: SearchSpace, index: number): Params {
    const { names, values } = this.#grid(space);
    const params: Params = {};
    let rest = index;
    for (let i = names.length - 1; i >= 0; i--) {
      const choices = values[i]!;
      params[names[i]!] = choices[rest % choices.length]!;
      rest = Math.floor(rest / choices.length);
    }
    return params;
  }

  #taken(trials: SampleContext['trials']): Set<number> {
    const taken = new Set<number>();
    for (const t of trials) {
      const id = t.systemAttrs['grid:id'];
      if (typeof id === 'number' && t.state !== 'fail') taken.add(id);
    }
    return taken;
  }

  sample({ number, space, trials }: SampleContext): Sample {
    const size = this.size(space);
    const taken = this.#taken(trials);
    const free: number[] = [];
    for (let i = 0; i < size; i++) if (!taken.has(i)) free.push(i);
    const rng = trialRng(this.seed, this.name, number);
    // An exhausted grid (parallel workers racing past the end) repeats a random point, as Optuna does.
    const id = free.length > 0 ? free[rng.int(0, free.length - 1)]! : rng.int(0, size - 1);
    const point = this.#pointOf(space, id);
    const params: Params = {};
    for (const spec of space.params) {
      const parent = spec.condition ? params[spec.condition.param] : undefined;
      if (spec.condition && (parent === undefined || !spec.condition.in.includes(parent))) continue;
      params[spec.name] = point[spec.name]!;
    }
    return { params: { ...params, ...space.fixed }, systemAttrs: { 'grid:id': id } };
  }

  exhausted({ space, trials }: Omit<SampleContext, 'number'>): boolean {
    return this.#taken(trials).size >= this.size(space);
  }
}
