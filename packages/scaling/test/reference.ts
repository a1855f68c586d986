// The oracle: the scaler's fit, transform and leakage check as they were before any of them was made
// fast — every train column sorted with Float64Array.prototype.sort, its quantiles read off the
// sorted copy, its mean summed in sorted order, the scaled train moments from a second transform,
// and the leakage check a complete second sort-based refit. Tests assert the stage's code gives the
// same state and scaled values bit for bit; the benchmark times it as "previous version".
import type { ColumnStats } from '../src/internal/stats.js';
import {
  centreAndScale,
  logFor,
  scalerFor,
  type FeatureScaleSpec,
  type FeatureState,
  type ScalingOptions,
} from '../src/internal/scaler.js';

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** numpy-linear percentile of ascending values (the scaler's rule: clamped p, exact rank returns the sample). */
function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const low = Math.floor(position);
  const high = Math.min(n - 1, low + 1);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  const t = position - low;
  if (t === 0 || a === b) return a;
  const span = b - a;
  return Number.isFinite(span) ? a + span * t : a * (1 - t) + b * t;
}

/** Two-pass mean and population std of every value. */
function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    squares += d * d;
  }
  return { mean, std: Math.sqrt(squares / n) };
}

/** Moments of the finite values in row order (as `moments` of @tribar/quant sums them). */
function finiteMoments(values: ArrayLike<number>): { mean: number | null; std: number | null; min: number | null; max: number | null } {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { mean: null, std: null, min: null, max: null };
  const mean = sum / count;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const d = v - mean;
    m2 += d * d;
  }
  return { mean: orNull(mean), std: orNull(Math.sqrt(m2 / count)), min, max };
}

/** The previous transform: fill, log1p with the shift, centre and scale, clip. */
export function referenceTransform(feature: FeatureState, values: ArrayLike<number>, options: Pick<ScalingOptions, 'clip'>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let v = values[i] as number;
    if (!Number.isFinite(v)) v = feature.fill;
    if (feature.log) v = Math.log1p(Math.max(v + feature.logShift, 0));
    v = (v - feature.center) / feature.scale;
    if (feature.clip && (v < options.clip.min || v > options.clip.max)) v = v < options.clip.min ? options.clip.min : options.clip.max;
    out[i] = v;
  }
  return out;
}

/** The previous fit of one feature on its train column: a full sort. */
export function referenceFitFeature(values: ArrayLike<number>, spec: FeatureScaleSpec, options: ScalingOptions): FeatureState {
  const finite: number[] = [];
  let nanCount = 0;
  let infCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) finite.push(v);
    else if (Number.isNaN(v)) nanCount++;
    else infCount++;
  }
  const sorted = Float64Array.from(finite).sort();
  const { mean, std } = meanStd(sorted);
  const n = sorted.length;
  const train: ColumnStats = {
    rows: values.length,
    finite: n,
    nanCount,
    infCount,
    mean: orNull(mean),
    std: orNull(std),
    min: orNull(n > 0 ? (sorted[0] as number) : Number.NaN),
    max: orNull(n > 0 ? (sorted[n - 1] as number) : Number.NaN),
    median: orNull(quantileSorted(sorted, 50)),
    q25: orNull(quantileSorted(sorted, 25)),
    q75: orNull(quantileSorted(sorted, 75)),
  };
  const warnings: string[] = [];
  const scaler = scalerFor(spec, options);
  const log = logFor(spec, options);
  if (train.finite === 0) warnings.push('no finite train value: NaN/inf filled with 0, identity scale');
  if (train.std !== null && train.std < 1e-10) warnings.push(`near-zero train std (${train.std})`);
  const fill = train.median ?? 0;
  const logShift = log && train.min !== null && train.min <= 0 ? Math.abs(train.min) + 1 : 0;
  const fitted = log ? sorted.map((v) => Math.log1p(Math.max(v + logShift, 0))) : sorted;
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
  state.scaledTrain = finiteMoments(referenceTransform(state, values, options));
  return state;
}

/** The previous leakage check: refit every feature (a second sort) and compare the statistics and parameters exactly. */
export function referenceLeakageMismatches(
  stored: readonly FeatureState[],
  columns: readonly ArrayLike<number>[],
  options: ScalingOptions,
): string[] {
  const out: string[] = [];
  stored.forEach((feature, j) => {
    const fresh = referenceFitFeature(columns[j] as ArrayLike<number>, feature, options);
    for (const field of Object.keys(fresh.train) as (keyof ColumnStats)[]) {
      if (!Object.is(fresh.train[field], feature.train[field])) out.push(`${feature.name}.train.${field}`);
    }
    for (const field of ['scaler', 'log', 'logShift', 'fill', 'center', 'scale'] as const) {
      if (!Object.is(fresh[field], feature[field])) out.push(`${feature.name}.${field}`);
    }
  });
  return out;
}
