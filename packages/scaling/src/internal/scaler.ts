import {
  SCALING_CATEGORIES,
  type FeatureScalerState,
  type ScalerKind,
  type ScalingCategory,
  type ScalingOptionsState,
  type SymbolScalerState,
} from '@tribar/artifacts';
import { UsageError } from '@tribar/core';
import { meanStd } from '@tribar/quant';
import { finiteMoments, pick, quantileSorted, sortScratch, statsWithSorted, type ColumnStats, type SortScratch } from './stats.js';

// The scaling categories (tagged by the features registry) and the scaler kinds are the run
// folder's contract: one list each, in @tribar/artifacts.
export type { ScalerKind } from '@tribar/artifacts';

/** Version of the JSON state; `parseState` refuses any other. */
const SCALER_STATE_VERSION = 1;

/** Below this train std a feature is reported as (near) constant. */
const NEAR_ZERO_STD = 1e-10;
/** A fitted spread below this is replaced by 1 (sklearn's `_handle_zeros_in_scale`), with a warning. */
const MIN_SCALE = 10 * Number.EPSILON;

/** What the scaler needs to know about a feature: a manifest entry's name, category and flag bit. */
export interface FeatureScaleSpec {
  name: string;
  category: ScalingCategory;
  flag: boolean;
}

/** The `scaling` section of the run config (as the contract records it in the state and report). */
export interface ScalingOptions extends ScalingOptionsState {
  defaultScaler: 'robust' | 'standard' | 'minmax';
  /** Percentiles of the robust spread, e.g. [25, 75]. */
  robustQuantiles: readonly [number, number] | [number, number];
  logPriceAndVolume: boolean;
  clip: { enabled: boolean; min: number; max: number };
}

export const DEFAULT_SCALING_OPTIONS: ScalingOptions = {
  defaultScaler: 'robust',
  robustQuantiles: [25, 75],
  logPriceAndVolume: true,
  clip: { enabled: true, min: -5, max: 5 },
};

/**
 * One fitted feature. Transform: non-finite → `fill`; if `log`, `log1p(max(x + logShift, 0))`;
 * then `(x − center) / scale`; then, if `clip`, clamp to the options' range.
 */
export interface FeatureState extends FeatureScalerState {
  name: string;
  category: ScalingCategory;
  flag: boolean;
  scaler: ScalerKind;
  log: boolean;
  /** Train-only shift: `|min| + 1` when the raw train minimum is ≤ 0, else 0. */
  logShift: number;
  /** Replacement for NaN/±Infinity: the raw train median (0 when train has no finite value). */
  fill: number;
  /** robust: median; standard: mean; minmax: min; none: 0 (all of the log-transformed train values). */
  center: number;
  /** robust: q_hi − q_lo; standard: population std; minmax: max − min; none: 1. A zero spread becomes 1. */
  scale: number;
  clip: boolean;
  /** Raw train statistics over the finite values (what the leakage check recomputes). */
  train: ColumnStats;
  /** Train after the transform (imputation, log, scaler, clip). */
  scaledTrain: { mean: number | null; std: number | null; min: number | null; max: number | null };
  warnings: string[];
}

/** One symbol's fitted scaler: an entry of `scale/scaler.json` (the contract's `symbolScalerSchema`). */
export interface ScalerState extends SymbolScalerState {
  version: typeof SCALER_STATE_VERSION;
  options: ScalingOptions;
  trainRows: number;
  features: FeatureState[];
}

export type ColumnSource = Readonly<Record<string, ArrayLike<number>>> | ReadonlyMap<string, ArrayLike<number>>;

export function columnOf(columns: ColumnSource, name: string): ArrayLike<number> | undefined {
  return columns instanceof Map ? columns.get(name) : (columns as Record<string, ArrayLike<number>>)[name];
}

/**
 * The scaler a category gets: flags, returns, temporal and binary are left as they are; oscillators
 * get min-max while the default is robust (the original's rule: a non-robust default replaces every
 * scaled category's scaler); price levels, volatility, volume and unbounded get the default.
 */
export function scalerFor(spec: FeatureScaleSpec, options: ScalingOptions): ScalerKind {
  if (spec.flag) return 'none';
  switch (spec.category) {
    case 'returns':
    case 'temporal':
    case 'binary':
      return 'none';
    case 'oscillator':
      return options.defaultScaler === 'robust' ? 'minmax' : options.defaultScaler;
    default:
      return options.defaultScaler;
  }
}

/** log1p with a train shift for price levels and volume (by category, never by name). */
export function logFor(spec: FeatureScaleSpec, options: ScalingOptions): boolean {
  return options.logPriceAndVolume && !spec.flag && (spec.category === 'price_level' || spec.category === 'volume');
}

/** The statistics of a feature's fitted (finite, logged if `log`) train values a scaler reads, computed on demand. */
export interface FittedValues {
  count: number;
  /** numpy-linear percentile, p in 0–100. */
  quantile(p: number): number;
  /** Mean and population std. */
  meanStd(): { mean: number; std: number };
  min(): number;
  max(): number;
}

/**
 * Centre and spread of one scaler kind, with the two safety rules: a fit that overflowed becomes the
 * identity (with a warning), a spread below MIN_SCALE becomes 1 (sklearn's rule, with a warning).
 * The fit and the leakage check's independent recomputation both go through here.
 */
export function centreAndScale(
  scaler: ScalerKind,
  fitted: FittedValues,
  options: Pick<ScalingOptions, 'robustQuantiles'>,
  warnings: string[],
): { center: number; scale: number } {
  if (fitted.count === 0 || scaler === 'none') return { center: 0, scale: 1 };
  let center: number;
  let scale: number;
  if (scaler === 'robust') {
    const [low, high] = options.robustQuantiles;
    center = fitted.quantile(50);
    scale = fitted.quantile(high) - fitted.quantile(low);
  } else if (scaler === 'standard') {
    ({ mean: center, std: scale } = fitted.meanStd());
  } else {
    center = fitted.min();
    scale = fitted.max() - center;
  }
  if (!Number.isFinite(center) || !Number.isFinite(scale)) {
    warnings.push(`${scaler} fit overflowed on train: identity scale`);
    return { center: 0, scale: 1 };
  }
  if (!(scale >= MIN_SCALE)) {
    warnings.push(`zero ${scaler} spread on train: scale set to 1`);
    return { center, scale: 1 };
  }
  return { center, scale };
}

/** `scratch`: a buffer for the scaled train values to summarise `scaledTrain`; without it `scaledTrain` stays null (the caller fills it). */
function fitFeature(
  values: ArrayLike<number>,
  spec: FeatureScaleSpec,
  options: ScalingOptions,
  sorting: SortScratch,
  scratch?: Float64Array,
): FeatureState {
  const { stats: train, sorted } = statsWithSorted(values, sorting);
  const warnings: string[] = [];
  const scaler = scalerFor(spec, options);
  const log = logFor(spec, options);
  if (train.finite === 0) warnings.push('no finite train value: NaN/inf filled with 0, identity scale');
  if (train.std !== null && train.std < NEAR_ZERO_STD) warnings.push(`near-zero train std (${train.std})`);
  const fill = train.median ?? 0;
  const logShift = log && train.min !== null && train.min <= 0 ? Math.abs(train.min) + 1 : 0;
  // Fit on the finite train values (imputed rows would pull the spread towards the median);
  // log1p is increasing, so the logged values stay sorted. They go into the scratch's `finite` buffer, free once
  // the sort has copied the finite values into its own words.
  let fitted = sorted;
  if (log) {
    fitted = sorting.finite.subarray(0, sorted.length);
    for (let i = 0; i < sorted.length; i++) fitted[i] = Math.log1p(Math.max((sorted[i] as number) + logShift, 0));
  }
  const n = fitted.length;
  const { center, scale } = centreAndScale(
    scaler,
    {
      count: n,
      quantile: (p) => quantileSorted(fitted, p),
      meanStd: () => meanStd(fitted),
      min: () => fitted[0] as number,
      max: () => fitted[n - 1] as number,
    },
    options,
    warnings,
  );
  const state: FeatureState = {
    name: spec.name,
    category: spec.category,
    flag: spec.flag,
    scaler,
    log,
    logShift,
    fill,
    center,
    scale,
    clip: options.clip.enabled && scaler !== 'none',
    train,
    scaledTrain: { mean: null, std: null, min: null, max: null },
    warnings,
  };
  // The scaled train values are only summarised: one scratch buffer serves every feature.
  if (scratch !== undefined) state.scaledTrain = finiteMoments(transformColumn(state, values, options, undefined, scratch).values);
  return state;
}

export function checkSpecs(specs: readonly FeatureScaleSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new UsageError(`feature '${spec.name}' is listed twice`);
    seen.add(spec.name);
    if (!(SCALING_CATEGORIES as readonly string[]).includes(spec.category)) {
      throw new UsageError(`feature '${spec.name}' has unknown scaling category '${String(spec.category)}'`);
    }
  }
}

/**
 * Fit one scaler per feature on train columns only (the caller passes train rows, nothing else).
 * Every spec needs a column; all columns must have the same length.
 */
export function fitScaler(
  columns: ColumnSource,
  specs: readonly FeatureScaleSpec[],
  options: ScalingOptions = DEFAULT_SCALING_OPTIONS,
): ScalerState {
  return fitFeatures(columns, specs, options, true);
}

/**
 * `fitScaler` without `scaledTrain` (left null): the stage transforms every row of a column anyway, so it takes
 * the scaled train summary from that transform (`finiteMoments` of the train rows: the same values in the same
 * order, so the same bits) instead of transforming the train rows a second time.
 */
export function fitParameters(columns: ColumnSource, specs: readonly FeatureScaleSpec[], options: ScalingOptions): ScalerState {
  return fitFeatures(columns, specs, options, false);
}

function fitFeatures(columns: ColumnSource, specs: readonly FeatureScaleSpec[], options: ScalingOptions, summarise: boolean): ScalerState {
  checkSpecs(specs);
  let rows = -1;
  let scratch = new Float64Array(0);
  let sorting = sortScratch(0);
  const features = specs.map((spec) => {
    const values = columnOf(columns, spec.name);
    if (values === undefined) throw new UsageError(`no train column for feature '${spec.name}'`);
    if (rows >= 0 && values.length !== rows) throw new UsageError(`column '${spec.name}' has ${values.length} rows, expected ${rows}`);
    rows = values.length;
    if (summarise && scratch.length < rows) scratch = new Float64Array(rows);
    // One set of sort buffers serves every column (each column's sorted values are used up before the next).
    if (sorting.finite.length < rows) sorting = sortScratch(rows);
    return fitFeature(values, spec, options, sorting, summarise ? scratch : undefined);
  });
  const copy: ScalingOptions = {
    defaultScaler: options.defaultScaler,
    robustQuantiles: [options.robustQuantiles[0], options.robustQuantiles[1]],
    logPriceAndVolume: options.logPriceAndVolume,
    clip: { ...options.clip },
  };
  return { version: SCALER_STATE_VERSION, options: copy, trainRows: Math.max(rows, 0), features };
}

/** Rows with `timestamp < trainEnd` of every column (the train part of one symbol). */
export function trainRows(
  timestamp: ArrayLike<number>,
  columns: ColumnSource,
  names: readonly string[],
  trainEnd: number,
): Map<string, Float64Array> {
  const picked: number[] = [];
  for (let i = 0; i < timestamp.length; i++) if ((timestamp[i] as number) < trainEnd) picked.push(i);
  // Time-ordered rows put train first: then a Float64Array column's train part is a view, not a copy.
  const prefix = picked.length === 0 || picked[picked.length - 1] === picked.length - 1;
  const out = new Map<string, Float64Array>();
  for (const name of names) {
    const values = columnOf(columns, name);
    if (values === undefined) throw new UsageError(`no column for feature '${name}'`);
    out.set(name, prefix && values instanceof Float64Array ? values.subarray(0, picked.length) : pick(values, picked));
  }
  return out;
}

/** Fit on the rows before `trainEnd` only; throws when there is none. */
export function fitOnTrain(
  timestamp: ArrayLike<number>,
  columns: ColumnSource,
  specs: readonly FeatureScaleSpec[],
  trainEnd: number,
  options: ScalingOptions = DEFAULT_SCALING_OPTIONS,
): ScalerState {
  const train = trainRows(
    timestamp,
    columns,
    specs.map((spec) => spec.name),
    trainEnd,
  );
  if ((train.values().next().value?.length ?? 0) === 0 && specs.length > 0) {
    throw new UsageError(`no train row before ${new Date(trainEnd).toISOString()}`);
  }
  return fitScaler(train, specs, options);
}

/** What transforming one column did. */
export interface ColumnTransform {
  values: Float64Array;
  /** NaN/±Infinity replaced by the train median. */
  imputed: number;
  /** Values clamped to the clip range. */
  clipped: number;
  /** Values below the train log shift (x + shift < 0), floored at log1p(0) = 0. */
  belowLogFloor: number;
}

/** Bits of `transformColumn`'s per-row flags: what happened to each value. */
export const IMPUTED = 1;
export const CLIPPED = 2;
export const BELOW_LOG_FLOOR = 4;

/**
 * Scale one column with a fitted feature. `flags`, when given (one byte per row), receives what happened to each
 * row (`IMPUTED | CLIPPED | BELOW_LOG_FLOOR`), so a caller can count them over any subset of rows without a second
 * transform. `into`, when given (at least as long as `values`), receives the scaled values instead of a new array.
 */
export function transformColumn(
  feature: FeatureState,
  values: ArrayLike<number>,
  options: Pick<ScalingOptions, 'clip'>,
  flags?: Uint8Array,
  into?: Float64Array,
): ColumnTransform {
  const out = into === undefined ? new Float64Array(values.length) : into.subarray(0, values.length);
  const { min, max } = options.clip;
  let imputed = 0;
  let clipped = 0;
  let belowLogFloor = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i] as number;
    let flag = 0;
    if (!Number.isFinite(v)) {
      v = feature.fill;
      imputed++;
      flag |= IMPUTED;
    }
    if (feature.log) {
      const shifted = v + feature.logShift;
      if (shifted < 0) {
        belowLogFloor++;
        flag |= BELOW_LOG_FLOOR;
      }
      v = Math.log1p(Math.max(shifted, 0));
    }
    v = (v - feature.center) / feature.scale;
    if (feature.clip && (v < min || v > max)) {
      v = v < min ? min : max;
      clipped++;
      flag |= CLIPPED;
    }
    out[i] = v;
    if (flags !== undefined) flags[i] = flag;
  }
  return { values: out, imputed, clipped, belowLogFloor };
}

function eachFeature(state: ScalerState, columns: ColumnSource, apply: (feature: FeatureState, values: ArrayLike<number>) => Float64Array) {
  const out: Record<string, Float64Array> = {};
  for (const feature of state.features) {
    const values = columnOf(columns, feature.name);
    if (values === undefined) throw new UsageError(`no column for feature '${feature.name}'`);
    out[feature.name] = apply(feature, values);
  }
  return out;
}

/** Scale every feature of the state (any rows: train, val or test) with the train-fitted parameters. */
export function transform(state: ScalerState, columns: ColumnSource): Record<string, Float64Array> {
  return eachFeature(state, columns, (feature, values) => transformColumn(feature, values, state.options).values);
}

/**
 * Undo the scaler and the log: `x·scale + center`, then `expm1(x) − shift`. Exact up to rounding
 * except where the forward transform clipped, imputed or floored a value.
 */
export function inverseTransform(state: ScalerState, columns: ColumnSource): Record<string, Float64Array> {
  return eachFeature(state, columns, (feature, values) => {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = (values[i] as number) * feature.scale + feature.center;
      out[i] = feature.log ? Math.expm1(v) - feature.logShift : v;
    }
    return out;
  });
}
