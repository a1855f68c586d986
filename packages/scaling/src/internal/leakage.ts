// The leakage check: recompute, from the train rows and by a different route than the fit, every
// statistic the stored scaler state claims, and compare. The fit sorts each column (its mean is
// summed in sorted order and its quantiles read off the sorted array); this check reads the same
// quantiles as order statistics (quickselect, no sort) and sums the mean in row order, so it costs a
// few passes per column instead of a second sort, and a defect in one route shows against the other.
import { UsageError } from '@tribar/core';
import { finiteSpread, meanStd, orderStatistics } from '@tribar/quant';
import {
  centreAndScale,
  checkSpecs,
  columnOf,
  logFor,
  scalerFor,
  type ColumnSource,
  type FeatureState,
  type ScalerState,
} from './scaler.js';
import { quantileAt, quantileRanks, type ColumnStats } from './stats.js';

export interface LeakageMismatch {
  feature: string;
  field: string;
  stored: number | string | boolean | null;
  recomputed: number | string | boolean | null;
}

export interface LeakageCheck {
  ok: boolean;
  /** Number of values compared. */
  checked: number;
  mismatches: LeakageMismatch[];
}

const STAT_FIELDS = ['rows', 'finite', 'nanCount', 'infCount', 'mean', 'std', 'min', 'max', 'median', 'q25', 'q75'] as const;

/** What the fit derives from one train column, recomputed. */
type Recomputed = Pick<FeatureState, 'scaler' | 'log' | 'logShift' | 'fill' | 'center' | 'scale'> & { train: ColumnStats };

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** `buffer`: at least `values.length` long, reused column after column for the finite values the selection reorders. */
function recompute(values: ArrayLike<number>, feature: FeatureState, options: ScalerState['options'], buffer: Float64Array): Recomputed {
  const m = finiteSpread(values);
  const finite = buffer.subarray(0, m.count);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v === 0) finite[n++] = v;
  }
  const percentiles = [25, 50, 75, ...options.robustQuantiles];
  const ranks = [...new Set(n === 0 ? [] : percentiles.flatMap((p) => quantileRanks(n, p)))];
  const ranked = new Map<number, number>();
  orderStatistics(finite, ranks).forEach((value, k) => ranked.set(ranks[k] as number, value));
  const raw = (rank: number) => ranked.get(rank) as number;
  const train: ColumnStats = {
    rows: values.length,
    finite: m.count,
    nanCount: m.nan,
    infCount: m.inf,
    mean: orNull(m.mean),
    std: orNull(Math.sqrt(m.count > 0 ? m.sumSquares / m.count : Number.NaN)),
    min: orNull(m.min),
    max: orNull(m.max),
    median: orNull(quantileAt(n, 50, raw)),
    q25: orNull(quantileAt(n, 25, raw)),
    q75: orNull(quantileAt(n, 75, raw)),
  };
  const spec = { name: feature.name, category: feature.category, flag: feature.flag };
  const scaler = scalerFor(spec, options);
  const log = logFor(spec, options);
  const logShift = log && train.min !== null && train.min <= 0 ? Math.abs(train.min) + 1 : 0;
  // log1p(max(x + shift, 0)) never decreases, so the fitted order statistics are the mapped raw ones.
  const map = (v: number) => (log ? Math.log1p(Math.max(v + logShift, 0)) : v);
  const { center, scale } = centreAndScale(
    scaler,
    {
      count: n,
      quantile: (p) => quantileAt(n, p, (rank) => map(raw(rank))),
      meanStd: () => meanStd(log ? finite.map(map) : finite),
      min: () => map(m.min),
      max: () => map(m.max),
    },
    options,
    [],
  );
  return { scaler, log, logShift, fill: train.median ?? 0, center, scale, train };
}

function same(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

/**
 * Recompute the statistics from the train rows and compare them with the stored state: raw train
 * mean/std/min/max/median/quartiles and counts, the fill value, the log shift and the fitted
 * centre and scale. Any difference (relative `tolerance`) means the state was not fitted on exactly
 * these rows — fitted on more than train, or edited afterwards.
 */
export function checkLeakage(state: ScalerState, trainColumns: ColumnSource, tolerance = 1e-9): LeakageCheck {
  const mismatches: LeakageMismatch[] = [];
  let checked = 0;
  const compare = (feature: string, field: string, stored: unknown, recomputed: unknown) => {
    checked++;
    if (!same(stored, recomputed, tolerance)) {
      mismatches.push({
        feature,
        field,
        stored: stored as LeakageMismatch['stored'],
        recomputed: recomputed as LeakageMismatch['recomputed'],
      });
    }
  };
  checkSpecs(state.features);
  let rows = -1;
  let buffer = new Float64Array(0);
  const fresh = state.features.map((feature) => {
    const values = columnOf(trainColumns, feature.name);
    if (values === undefined) throw new UsageError(`no train column for feature '${feature.name}'`);
    if (rows >= 0 && values.length !== rows) throw new UsageError(`column '${feature.name}' has ${values.length} rows, expected ${rows}`);
    rows = values.length;
    if (buffer.length < rows) buffer = new Float64Array(rows);
    return recompute(values, feature, state.options, buffer);
  });
  compare('*', 'trainRows', state.trainRows, Math.max(rows, 0));
  state.features.forEach((stored, j) => {
    const recomputed = fresh[j] as Recomputed;
    for (const field of STAT_FIELDS) compare(stored.name, `train.${field}`, stored.train[field], recomputed.train[field]);
    for (const field of ['scaler', 'log', 'logShift', 'fill', 'center', 'scale'] as const)
      compare(stored.name, field, stored[field], recomputed[field]);
  });
  return { ok: mismatches.length === 0, checked, mismatches };
}
