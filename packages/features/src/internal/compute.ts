import { DataError, UsageError } from '@tribar/core';
import { calendarForSymbol, type Bars, type CmeCalendar } from '@tribar/market';
import { crossAssetFamily } from './families/cross-asset.js';
import { entropyFamily } from './families/entropy.js';
import { fracdiffFamily, logPrices } from './families/fracdiff.js';
import { momentumFamily } from './families/momentum.js';
import { microstructureFamily } from './families/microstructure.js';
import { movingAveragesFamily } from './families/moving-averages.js';
import { multiTimeframeFamily } from './families/multi-timeframe.js';
import { rangeVolatilityFamily } from './families/range-volatility.js';
import { regimeFamily } from './families/regime.js';
import { ratiosFamily } from './families/ratios.js';
import { returnsFamily } from './families/returns.js';
import { sessionFamily } from './families/session.js';
import { structuralBreaksFamily } from './families/structural-breaks.js';
import { temporalFamily } from './families/temporal.js';
import { trendFamily } from './families/trend.js';
import { volatilityFamily } from './families/volatility.js';
import { volumeFamily } from './families/volume.js';
import { finiteOrNaN, firstFinite } from './kernels/elementwise.js';
import { chooseFracDiffOrder, ffdWeights, type FracDiffChoice } from './kernels/fracdiff.js';
import {
  featureSpecs,
  SharedSeries,
  type FamilyBuilder,
  type FeatureGroup,
  type FeaturesConfig,
  type FeatureSpec,
  type RegistryContext,
} from './registry.js';

/** Every family, in output column order. */
const FAMILY_BUILDERS: readonly FamilyBuilder[] = [
  returnsFamily,
  ratiosFamily,
  movingAveragesFamily,
  momentumFamily,
  volatilityFamily,
  rangeVolatilityFamily,
  volumeFamily,
  trendFamily,
  temporalFamily,
  sessionFamily,
  regimeFamily,
  crossAssetFamily,
  multiTimeframeFamily,
  fracdiffFamily,
  entropyFamily,
  microstructureFamily,
  structuralBreaksFamily,
];

/** The feature groups for one symbol: what the registry holds once the data-dependent facts are known. */
function buildRegistry(context: RegistryContext): FeatureGroup[] {
  const groups = FAMILY_BUILDERS.flatMap((build) => build(context));
  featureSpecs(groups); // throws on a duplicate name
  return groups;
}

/**
 * The kernels assume clean bars: strictly increasing timestamps and finite, positive prices (a NaN
 * close would poison every recursive indicator after it). Throws a DataError naming the first bad row.
 */
export function checkBars(bars: Bars, source: string): void {
  const { timestamp } = bars;
  for (let i = 0; i < timestamp.length; i++) {
    const t = timestamp[i] as number;
    if (!Number.isFinite(t) || (i > 0 && t <= (timestamp[i - 1] as number))) {
      throw new DataError(
        'timestamps must be finite and strictly increasing',
        { file: source, row: i + 1, field: 'timestamp' },
        {
          hint: 'Features read the output of the clean stage; re-run it.',
        },
      );
    }
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const v = bars[field][i] as number;
      if (!(v > 0 && v < Infinity)) {
        throw new DataError(
          `price ${v} is not a finite positive number`,
          { file: source, row: i + 1, field },
          {
            hint: 'Features read the output of the clean stage; re-run it or fix the raw data.',
          },
        );
      }
    }
    const volume = bars.volume[i] as number;
    if (!(volume >= 0 && volume < Infinity)) {
      throw new DataError(`volume ${volume} is not a finite non-negative number`, { file: source, row: i + 1, field: 'volume' });
    }
  }
}

/** Volume features need a volume column that is not all zero, as the original (§4.2). */
function hasUsableVolume(bars: Bars): boolean {
  for (const v of bars.volume) if (v > 0) return true;
  return false;
}

export interface FracDiffResolution {
  d: number;
  width: number;
  /** Present when d was chosen by ADF ('auto'). */
  choice?: FracDiffChoice;
}

/**
 * The FFD order for a symbol: the configured number, or for 'auto' the smallest grid d whose FFD
 * of log close passes ADF on the train part only (the first `trainFraction` of the bars, at most
 * its last `adfMaxRows`), so the choice never sees validation or test bars.
 */
export function resolveFracdiff(bars: Bars, config: FeaturesConfig, trainFraction: number): FracDiffResolution {
  const { d, threshold, maxWidth, dStep, adfLags, adfMaxRows } = config.fracdiff;
  if (d !== 'auto') return { d, width: ffdWeights(d, threshold, maxWidth).length };
  const trainEnd = Math.floor(bars.close.length * trainFraction);
  const from = Math.max(0, trainEnd - adfMaxRows);
  const choice = chooseFracDiffOrder(logPrices(bars.close.subarray(from, trainEnd)), {
    threshold,
    maxWidth,
    step: dStep,
    lags: adfLags,
  });
  return { d: choice.d, width: choice.width, choice };
}

export interface ComputeOptions {
  config: FeaturesConfig;
  /** Every configured symbol, in order (decides the default cross-asset pairs). */
  symbols: readonly string[];
  /** Minutes per bar (`timeframes.targetMinutes`). */
  barMinutes: number;
  /** `splits.train`: the share of bars that may inform a fitted choice (FFD's d). */
  trainFraction: number;
  /** Other symbols' bars for cross-asset features. */
  partners?: ReadonlyMap<string, Bars>;
  /** Calendar override; by default the symbol's CME calendar. `null` disables session features. */
  calendar?: CmeCalendar | null;
}

export interface SymbolFeatures {
  symbol: string;
  specs: FeatureSpec[];
  /** One full-length column per spec, before the warm-up drop. */
  columns: Float64Array[];
  /** Leading rows to drop so every feature is valid (see `warmupRows`). */
  warmupRows: number;
  /** First finite row of each feature (n when it has none). */
  firstValid: number[];
  fracdiff: FracDiffResolution;
  /** Milliseconds per family. */
  timings: Record<string, number>;
}

/** Compute every registered feature for one symbol's bars (full length, NaN in warm-up). */
export function computeFeatures(bars: Bars, options: ComputeOptions): SymbolFeatures {
  const { config } = options;
  const start = performance.now();
  const fracdiff = resolveFracdiff(bars, config, options.trainFraction);
  const timings: Record<string, number> = { 'fracdiff-order': performance.now() - start };
  const calendar = options.calendar === null ? undefined : (options.calendar ?? calendarForSymbol(bars.symbol));
  const groups = buildRegistry({
    config,
    symbol: bars.symbol,
    symbols: options.symbols,
    barMinutes: options.barMinutes,
    fracdiff: { d: fracdiff.d, width: fracdiff.width },
    hasVolume: hasUsableVolume(bars),
  });
  const input = {
    bars,
    config,
    barMinutes: options.barMinutes,
    partners: options.partners ?? new Map<string, Bars>(),
    calendar,
    shared: new SharedSeries(),
  };
  const n = bars.timestamp.length;
  const specs: FeatureSpec[] = [];
  const columns: Float64Array[] = [];
  for (const group of groups) {
    const t0 = performance.now();
    const outputs = group.compute(input);
    if (outputs.length !== group.features.length) {
      throw new UsageError(`family ${group.family} returned ${outputs.length} columns for ${group.features.length} features`);
    }
    group.features.forEach((feature, j) => {
      const column = outputs[j] as Float64Array;
      if (column.length !== n) throw new UsageError(`feature ${feature.name} has ${column.length} values for ${n} bars`);
      specs.push(feature);
      // Shared intermediates may be returned by two groups; copy before the in-place ±inf guard.
      columns.push(finiteOrNaN(columns.includes(column) ? column.slice() : column));
    });
    timings[group.family] = (timings[group.family] ?? 0) + performance.now() - t0;
  }
  const firstValid = columns.map(firstFinite);
  return { symbol: bars.symbol, specs, columns, warmupRows: warmupRows(specs, firstValid, n), firstValid, fracdiff, timings };
}

/**
 * Rows to drop at the start: the first row from which every own-bar feature has started (its
 * first finite value, which on gaps or session-split higher-timeframe buckets may come before or
 * after the declared warm-up). Cross-asset features are held to their declared warm-up only (a
 * partner that starts later, or has gaps, leaves NaN in place as the original did, §4.4), and a
 * feature with no valid value at all counts with its declared warm-up and is reported rather than
 * allowed to drop every row.
 */
function warmupRows(specs: readonly FeatureSpec[], firstValid: readonly number[], n: number): number {
  let rows = 0;
  specs.forEach((feature, j) => {
    const first = firstValid[j] as number;
    rows = Math.max(rows, feature.inputs === 'own' && first < n ? first : feature.warmup);
  });
  return Math.min(rows, n);
}

/** Bars plus every feature as extra columns, with the warm-up rows removed (views into the inputs). */
export function featureTable(bars: Bars, features: SymbolFeatures): Bars {
  const from = features.warmupRows;
  if (from >= bars.timestamp.length) {
    throw new DataError(
      `all ${bars.timestamp.length} bars fall in the feature warm-up (${from} rows); supply a longer history`,
      { field: bars.symbol },
      { hint: 'The longest warm-up (e.g. sma_200, 4-hour indicators or the FFD window) needs more bars than the symbol has.' },
    );
  }
  // Views, not copies: at 350,000 bars × 120 columns a copy would add ~340 MB to the peak.
  const cut = (x: Float64Array) => x.subarray(from);
  const columns: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(bars.columns)) columns[name] = cut(values);
  features.specs.forEach((feature, j) => {
    columns[feature.name] = cut(features.columns[j] as Float64Array);
  });
  return {
    symbol: bars.symbol,
    timestamp: cut(bars.timestamp),
    open: cut(bars.open),
    high: cut(bars.high),
    low: cut(bars.low),
    close: cut(bars.close),
    volume: cut(bars.volume),
    columns,
  };
}
