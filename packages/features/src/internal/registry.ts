import { UsageError } from '@tribar/core';
import { type Bars, type CmeCalendar } from '@tribar/market';
import type { RunConfig } from '@tribar/config';
import type { ScalingCategory } from '@tribar/artifacts';

export const FEATURE_FAMILIES = [
  'returns',
  'ratios',
  'moving-averages',
  'momentum',
  'volatility',
  'range-volatility',
  'volume',
  'trend',
  'temporal',
  'session',
  'regime',
  'cross-asset',
  'multi-timeframe',
  'fracdiff',
  'entropy',
  'microstructure',
  'structural-breaks',
] as const;
export type FeatureFamily = (typeof FEATURE_FAMILIES)[number];

export type FeatureInputs = 'own' | { cross: readonly [string, string] };

/** What a feature is, independent of any data: the manifest's row and the scaler's guide. */
export interface FeatureSpec {
  name: string;
  family: FeatureFamily;
  inputs: FeatureInputs;
  /** Leading bars that are NaN on a gap-free series (the first valid row index). */
  warmup: number;
  /**
   * How the scaler treats the feature (`SCALING_CATEGORIES` of `@tribar/artifacts`). Declared per
   * feature so nothing downstream guesses a kind from its name (the original matched name
   * substrings in order, §9, and so put `supertrend_direction` with price levels and `hl_ratio`
   * with "unknown").
   */
  category: ScalingCategory;
  /** A 0/1 indicator (or a −1/0/1 state): never scaled. */
  flag: boolean;
  description: string;
}

export type FeaturesConfig = RunConfig['features'];

/** Everything a family needs to compute one symbol's features. */
export interface FeatureInput {
  bars: Bars;
  config: FeaturesConfig;
  /** Length of one bar in minutes (`timeframes.targetMinutes`). */
  barMinutes: number;
  /** Other symbols' bars, by symbol, for cross-asset features. */
  partners: ReadonlyMap<string, Bars>;
  /** The CME calendar of the symbol, for session features and session-bounded higher timeframes. */
  calendar: CmeCalendar | undefined;
  /** Memoised intermediate series shared between groups (ATR, log returns…). */
  shared: SharedSeries;
}

/** One computation with one or more outputs, in the order of `features`. */
export interface FeatureGroup {
  family: FeatureFamily;
  features: FeatureSpec[];
  compute(input: FeatureInput): Float64Array[];
}

/** Facts a family needs to declare its features before any data is read. */
export interface RegistryContext {
  config: FeaturesConfig;
  symbol: string;
  symbols: readonly string[];
  barMinutes: number;
  /** Resolved fractional-differencing order and window width for this symbol. */
  fracdiff: { d: number; width: number };
  /** Whether the bars carry usable volume (volume features are registered only then, as in §4.2). */
  hasVolume: boolean;
}

export type FamilyBuilder = (context: RegistryContext) => FeatureGroup[];

/** A lazily computed, memoised series keyed by name: each intermediate is computed once per symbol. */
export class SharedSeries {
  readonly #cache = new Map<string, unknown>();
  get(key: string, make: () => Float64Array): Float64Array {
    return this.memo(key, make);
  }
  /** Any derived value (e.g. higher-timeframe bars) under a key unique to its type. */
  memo<T>(key: string, make: () => T): T {
    if (this.#cache.has(key)) return this.#cache.get(key) as T;
    const value = make();
    this.#cache.set(key, value);
    return value;
  }
}

/** Shorthand for declaring one output of a group. */
export function spec(
  family: FeatureFamily,
  name: string,
  category: ScalingCategory,
  warmup: number,
  description: string,
  options: { flag?: boolean; inputs?: FeatureInputs } = {},
): FeatureSpec {
  return { name, family, inputs: options.inputs ?? 'own', warmup, category, flag: options.flag ?? false, description };
}

/** A group with a single output. */
export function single(feature: FeatureSpec, compute: (input: FeatureInput) => Float64Array): FeatureGroup {
  return { family: feature.family, features: [feature], compute: (input) => [compute(input)] };
}

/** Every feature of every group, in registration order; throws on a duplicate name. */
export function featureSpecs(groups: readonly FeatureGroup[]): FeatureSpec[] {
  const seen = new Set<string>();
  const out: FeatureSpec[] = [];
  for (const group of groups) {
    for (const feature of group.features) {
      if (seen.has(feature.name))
        throw new UsageError(`feature '${feature.name}' is registered twice`, { hint: 'Give each output of each family a unique name.' });
      seen.add(feature.name);
      out.push(feature);
    }
  }
  return out;
}
