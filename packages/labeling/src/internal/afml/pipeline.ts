import { dropRareLabels, getBins, type AfmlBins } from './bins.js';
import { averageUniqueness, concurrentEvents } from './concurrency.js';
import { cusumEvents } from './cusum.js';
import { dailyVolatility } from './daily-vol.js';
import { getEvents, verticalBarriers } from './events.js';
import { returnAttributionWeights, timeDecayWeights } from './weights.js';
import { zScoreEvents, type ZScoreFilterOptions } from './z-score.js';

export interface AfmlLabelOptions {
  /** EWM span of the daily volatility (book: 100). */
  volSpan: number;
  /** CUSUM threshold as a log return; null = mean daily volatility over bars before `trainEnd`. */
  cusumThreshold: number | null;
  /**
   * Which bars become events: the symmetric CUSUM filter (the default), the z-score filter
   * (`zScoreEvents` on log closes, with `zScore`), or every bar ('none').
   */
  eventFilter?: 'cusum' | 'zscore' | 'none';
  /** The z-score filter's windows and threshold, read with `eventFilter: 'zscore'`. */
  zScore?: ZScoreFilterOptions;
  verticalBarrierDays: number;
  ptSl: readonly [number, number];
  minReturn: number;
  minLabelShare: number;
  /** AFML 4.11 c. */
  timeDecay: number;
  /** Bars before this instant set the default CUSUM threshold; default all bars. */
  trainEnd?: number;
  /** Side per bar for meta-labeling. */
  side?: Float64Array;
}

export interface AfmlLabels extends AfmlBins {
  /** The CUSUM threshold used (NaN with another event filter). */
  threshold: number;
  uniqueness: Float64Array;
  returnWeight: Float64Array;
  decayWeight: Float64Array;
}

/**
 * The book's chain in one call: CUSUM (or z-score, or every-bar) events → daily volatility as target →
 * vertical barrier → triple-barrier events → bins → rare labels dropped → uniqueness, return
 * attribution and time-decay weights of the events kept.
 */
export function afmlLabels(timestamp: Float64Array, close: Float64Array, options: AfmlLabelOptions): AfmlLabels {
  const volatility = dailyVolatility(timestamp, close, { span: options.volSpan });
  const filter = options.eventFilter ?? 'cusum';
  let threshold = Number.NaN;
  let eventIndex: Int32Array;
  if (filter === 'zscore') {
    if (options.zScore === undefined) throw new RangeError("afmlLabels: eventFilter 'zscore' needs the zScore options");
    eventIndex = zScoreEvents(close.map(Math.log), options.zScore);
  } else if (filter === 'none') {
    eventIndex = Int32Array.from({ length: close.length }, (_, i) => i);
  } else {
    threshold = options.cusumThreshold ?? meanVolatility(timestamp, volatility, options.trainEnd ?? Infinity);
    eventIndex = Number.isNaN(threshold) ? new Int32Array(0) : cusumEvents(close, threshold);
  }
  const events = getEvents(close, {
    eventIndex,
    target: volatility,
    ptSl: options.ptSl,
    minReturn: options.minReturn,
    verticalBarrier: verticalBarriers(timestamp, eventIndex, options.verticalBarrierDays * 86_400_000),
    ...(options.side ? { side: options.side } : {}),
  });
  const all = getBins(close, events);
  const keep = dropRareLabels(all.bin, options.minLabelShare);
  const take = <T extends Int32Array | Float64Array | Int8Array>(values: T): T =>
    values.constructor === Int32Array
      ? (Int32Array.from(keep, (e) => values[e] as number) as T)
      : values.constructor === Int8Array
        ? (Int8Array.from(keep, (e) => values[e] as number) as T)
        : (Float64Array.from(keep, (e) => values[e] as number) as T);
  const bins: AfmlBins = {
    index: take(all.index),
    end: take(all.end),
    target: take(all.target),
    touch: take(all.touch),
    ret: take(all.ret),
    bin: take(all.bin),
    ...(all.side ? { side: take(all.side) } : {}),
  };
  const concurrency = concurrentEvents(close.length, bins.index, bins.end);
  const uniqueness = averageUniqueness(bins.index, bins.end, concurrency);
  return {
    ...bins,
    threshold,
    uniqueness,
    returnWeight: returnAttributionWeights(close, bins.index, bins.end, concurrency),
    decayWeight: timeDecayWeights(uniqueness, options.timeDecay),
  };
}

/** The default CUSUM threshold: mean daily volatility over the bars before `cut`. */
function meanVolatility(timestamp: Float64Array, volatility: Float64Array, cut: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < timestamp.length && (timestamp[i] as number) < cut; i++) {
    const v = volatility[i] as number;
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count > 0 ? sum / count : Number.NaN;
}
