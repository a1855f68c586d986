import { UsageError } from '@tribar/core';
import type { HyperparameterSpec, ModelCard } from '@tribar/models';

/** One sampled value; categorical choices are strings, numbers or booleans (Optuna's `CategoricalChoiceType`). */
export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/**
 * A parameter's distribution, as Optuna's `FloatDistribution`, `IntDistribution` and
 * `CategoricalDistribution`: `log` and `step` are exclusive; an int always has a step (1 by default).
 */
export type Distribution =
  | { kind: 'float'; low: number; high: number; log: boolean; step?: number }
  | { kind: 'int'; low: number; high: number; log: boolean; step: number }
  | { kind: 'categorical'; choices: readonly ParamValue[] };

/** A parameter is active only when `param` (sampled before it) took one of `in`. */
export interface ParamCondition {
  param: string;
  in: readonly ParamValue[];
}

export interface ParamSpec {
  name: string;
  distribution: Distribution;
  condition?: ParamCondition;
}

/** Parameters in sampling order: every condition names a parameter earlier in the list. */
export interface SearchSpace {
  params: readonly ParamSpec[];
  /** Values every trial gets without sampling (fixed overrides); merged into the trial's parameters. */
  fixed: Params;
}

/** A range override of one numeric parameter, or the choices of a categorical one. */
export type RangeOverride = { low?: number; high?: number; log?: boolean; step?: number } | { choices: readonly ParamValue[] };

/** How a user narrows, fixes or extends the card's search space. */
export interface SpaceOverrides {
  /** New ranges (or choices) for card parameters. */
  ranges?: Record<string, RangeOverride>;
  /** Parameters fixed to one value (not searched). */
  fixed?: Params;
  /** Tune only these parameters (the rest keep their card defaults); default: every tunable one but `exclude`. */
  include?: readonly string[];
  /** Parameters left at their defaults; default `seed` and `threads`, which do not change what a fit learns. */
  exclude?: readonly string[];
  /** Conditional parameters: a card parameter searched only when another took given values, or a new parameter. */
  conditional?: Record<string, { when: ParamCondition; distribution?: Distribution }>;
}

/** The card parameters a study leaves alone unless asked: a seed and a thread count are not hyperparameters of the fit. */
export const DEFAULT_EXCLUDED = ['seed', 'threads'] as const;

/** A search space that cannot be built: names the parameter and what to change. */
export class SearchSpaceError extends UsageError {}

function checkDistribution(name: string, d: Distribution): Distribution {
  if (d.kind === 'categorical') {
    if (d.choices.length === 0) throw new SearchSpaceError(`parameter '${name}': no choices`, { hint: 'Give at least one choice.' });
    return d;
  }
  const { low, high, log } = d;
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new SearchSpaceError(`parameter '${name}': range [${low}, ${high}] is empty or not finite`, { hint: 'Give low <= high.' });
  }
  if (log && low <= 0) {
    throw new SearchSpaceError(`parameter '${name}': a log range needs low > 0, got ${low}`, { hint: 'Raise low or drop log.' });
  }
  if (log && d.step !== undefined && (d.kind === 'float' || d.step !== 1)) {
    throw new SearchSpaceError(`parameter '${name}': log and step cannot be combined`, { hint: 'Drop one of them.' });
  }
  if (d.step !== undefined && !(d.step > 0)) throw new SearchSpaceError(`parameter '${name}': step must be > 0, got ${d.step}`);
  if (d.kind === 'int' && (!Number.isInteger(low) || !Number.isInteger(high) || !Number.isInteger(d.step))) {
    throw new SearchSpaceError(`parameter '${name}': an int range needs integer low, high and step`, {
      hint: `Got [${low}, ${high}] step ${d.step}.`,
    });
  }
  return d;
}

/** The distribution a card's hyperparameter spans, or undefined for kinds a sampler cannot search (int lists). */
function cardDistribution(spec: HyperparameterSpec): Distribution | undefined {
  switch (spec.kind) {
    case 'int':
      return { kind: 'int', low: spec.range[0], high: spec.range[1], log: spec.log ?? false, step: 1 };
    case 'float':
      return { kind: 'float', low: spec.range[0], high: spec.range[1], log: spec.log ?? false };
    case 'enum':
      return { kind: 'categorical', choices: [...spec.values] };
    case 'bool':
      return { kind: 'categorical', choices: [false, true] };
    default:
      return undefined;
  }
}

function applyRange(name: string, d: Distribution, override: RangeOverride): Distribution {
  if ('choices' in override) return { kind: 'categorical', choices: [...override.choices] };
  if (d.kind === 'categorical') {
    throw new SearchSpaceError(`parameter '${name}' is categorical: override it with choices, not a range`, {
      hint: `Write ${name}: { choices: [...] }.`,
    });
  }
  const log = override.log ?? (override.step !== undefined ? false : d.log);
  if (d.kind === 'int')
    return { kind: 'int', low: override.low ?? d.low, high: override.high ?? d.high, log, step: override.step ?? (log ? 1 : d.step) };
  const step = override.step ?? (log ? undefined : d.step);
  return { kind: 'float', low: override.low ?? d.low, high: override.high ?? d.high, log, ...(step !== undefined ? { step } : {}) };
}

/**
 * The search space a model card declares, with the user's overrides: narrowed ranges, fixed values,
 * conditional parameters. Unknown names fail with the card's parameter list.
 */
export function searchSpaceFromCard(card: ModelCard, overrides: SpaceOverrides = {}): SearchSpace {
  const known = Object.keys(card.hyperparameters);
  const conditional = overrides.conditional ?? {};
  const checkKnown = (name: string, where: string): void => {
    if (!(name in card.hyperparameters) && !(name in conditional)) {
      throw new SearchSpaceError(`${where}: '${name}' is not a hyperparameter of ${card.name}`, { hint: `Known: ${known.join(', ')}.` });
    }
  };
  for (const name of Object.keys(overrides.ranges ?? {})) checkKnown(name, 'ranges');
  for (const name of Object.keys(overrides.fixed ?? {})) checkKnown(name, 'fixed');
  for (const name of overrides.include ?? []) checkKnown(name, 'include');
  const excluded = new Set(overrides.exclude ?? DEFAULT_EXCLUDED);
  const included = overrides.include ? new Set(overrides.include) : undefined;
  const fixed: Params = { ...(overrides.fixed ?? {}) };

  const params: ParamSpec[] = [];
  for (const [name, spec] of Object.entries(card.hyperparameters)) {
    if (name in fixed) continue;
    const base = cardDistribution(spec);
    if (!base) continue;
    const chosen = included ? included.has(name) : !excluded.has(name);
    if (!chosen && !(name in conditional) && !(overrides.ranges && name in overrides.ranges)) continue;
    const range = overrides.ranges?.[name];
    const distribution = checkDistribution(name, range ? applyRange(name, base, range) : base);
    params.push({ name, distribution });
  }
  for (const [name, extra] of Object.entries(conditional)) {
    const existing = params.findIndex((p) => p.name === name);
    if (existing >= 0) {
      const spec = params[existing]!;
      params[existing] = {
        ...spec,
        distribution: extra.distribution ? checkDistribution(name, extra.distribution) : spec.distribution,
        condition: extra.when,
      };
    } else {
      if (!extra.distribution) {
        throw new SearchSpaceError(`conditional: '${name}' is not a card parameter, so it needs a distribution`, {
          hint: `Give conditional.${name}.distribution.`,
        });
      }
      params.push({ name, distribution: checkDistribution(name, extra.distribution), condition: extra.when });
    }
  }
  return { params: orderByCondition(params), fixed };
}

/** Parents before children; a condition on a missing parameter or a cycle fails. */
function orderByCondition(params: ParamSpec[]): ParamSpec[] {
  const byName = new Map(params.map((p) => [p.name, p]));
  const ordered: ParamSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: ParamSpec): void => {
    if (state.get(p.name) === 'done') return;
    if (state.get(p.name) === 'visiting') throw new SearchSpaceError(`conditional: '${p.name}' depends on itself through its conditions`);
    state.set(p.name, 'visiting');
    if (p.condition) {
      const parent = byName.get(p.condition.param);
      if (!parent) {
        throw new SearchSpaceError(`conditional: '${p.name}' depends on '${p.condition.param}', which is not searched`, {
          hint: 'Condition on a searched parameter (not a fixed or excluded one).',
        });
      }
      visit(parent);
    }
    state.set(p.name, 'done');
    ordered.push(p);
  };
  for (const p of params) visit(p);
  return ordered;
}

/** A search space written out by hand (benchmarks, tests, custom objectives). */
export function defineSearchSpace(params: Record<string, Distribution | ParamSpec>, fixed: Params = {}): SearchSpace {
  const list = Object.entries(params).map(([name, value]) =>
    'kind' in value
      ? { name, distribution: checkDistribution(name, value) }
      : { ...value, name, distribution: checkDistribution(name, value.distribution) },
  );
  return { params: orderByCondition(list), fixed };
}

/** Whether `spec` is active given the parameters sampled so far. */
export function isActive(spec: ParamSpec, params: Params): boolean {
  if (!spec.condition) return true;
  const parent = params[spec.condition.param];
  return parent !== undefined && spec.condition.in.includes(parent);
}

/** Snap a continuous draw onto the distribution's grid (step, int) and into its bounds. */
export function snap(d: Exclude<Distribution, { kind: 'categorical' }>, x: number): number {
  const step = d.step;
  let v = x;
  if (step !== undefined && !d.log) v = d.low + Math.round((x - d.low) / step) * step;
  else if (d.kind === 'int') v = Math.round(x);
  if (step !== undefined && !d.log && d.kind === 'float') {
    // The grid's top may sit below high: (high − low) need not be a multiple of step.
    const top = d.low + Math.floor((d.high - d.low) / step + 1e-9) * step;
    return Math.min(Math.max(v, d.low), top);
  }
  return Math.min(Math.max(v, d.low), d.high);
}
