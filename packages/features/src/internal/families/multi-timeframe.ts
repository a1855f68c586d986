import type { CmeCalendar } from '@tribar/market';
import { safeDivide } from '../kernels/elementwise.js';
import { rollingMeanStd } from '../kernels/rolling.js';
import { atr, ema, rsi } from '../kernels/smoothing.js';
import { spec, type FamilyBuilder, type FeatureGroup, type FeatureInput } from '../registry.js';

const NaN_ = Number.NaN;

/** Higher-timeframe bars built from the base bars, and which of them are complete at each base bar. */
export interface HigherBars {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /** End (exclusive, UTC ms) of each bucket by the clock or the session close. */
  end: Float64Array;
  /** For each base bar: index of the last bucket complete at its close, −1 when none. */
  available: Int32Array;
}

/**
 * Buckets of `minutes` aligned to the UTC clock (15 min at :00/:15…, 4 h at 00:00/04:00… UTC),
 * split at CME session boundaries when a calendar is given so no bucket spans the daily halt or a
 * weekend. A bucket is usable at base bar i only when it has ended by i's close
 * (end ≤ start_i + barMs): then every bar in it started at or before i, so nothing after i is read.
 * The bucket that holds i is used only if i is its last bar.
 */
export function higherTimeframeBars(
  timestamp: Float64Array,
  bars: { open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array },
  minutes: number,
  barMinutes: number,
  calendar: CmeCalendar | undefined,
): HigherBars {
  const n = timestamp.length;
  const bucketMs = minutes * 60_000;
  const barMs = barMinutes * 60_000;
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  const end: number[] = [];
  let currentStart = NaN_;
  let currentSession = -2;
  for (let i = 0; i < n; i++) {
    const t = timestamp[i] as number;
    const start = Math.floor(t / bucketMs) * bucketMs;
    const session = calendar?.sessionAt(t);
    const sessionId = session?.id ?? -1;
    const h = bars.high[i] as number;
    const l = bars.low[i] as number;
    if (start !== currentStart || sessionId !== currentSession) {
      currentStart = start;
      currentSession = sessionId;
      open.push(bars.open[i] as number);
      high.push(h);
      low.push(l);
      close.push(bars.close[i] as number);
      end.push(session === undefined ? start + bucketMs : Math.min(start + bucketMs, session.closeMs));
    } else {
      const k = close.length - 1;
      if (h > (high[k] as number)) high[k] = h;
      if (l < (low[k] as number)) low[k] = l;
      close[k] = bars.close[i] as number;
    }
  }
  const endArray = Float64Array.from(end);
  const available = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const closeOfBar = (timestamp[i] as number) + barMs;
    while (k < endArray.length && (endArray[k] as number) <= closeOfBar) k++;
    available[i] = k - 1;
  }
  return {
    open: Float64Array.from(open),
    high: Float64Array.from(high),
    low: Float64Array.from(low),
    close: Float64Array.from(close),
    end: endArray,
    available,
  };
}

function sharedHigherBars(input: FeatureInput, minutes: number): HigherBars {
  const { bars } = input;
  return input.shared.memo(`htf/${minutes}`, () => higherTimeframeBars(bars.timestamp, bars, minutes, input.barMinutes, input.calendar));
}

/** Value of a higher-timeframe series at the last completed bucket of each base bar. */
function alignBack(values: Float64Array, available: Int32Array): Float64Array {
  const out = new Float64Array(available.length);
  for (let i = 0; i < out.length; i++) {
    const k = available[i] as number;
    out[i] = k >= 0 ? (values[k] as number) : NaN_;
  }
  return out;
}

const RSI_P = 14;
const ATR_P = 14;
const EMA_P = 20;
const BB_P = 20;

/**
 * 15 min, 1 h and 4 h versions of the key indicators: last completed higher-timeframe return,
 * RSI, ATR %, and the current close against the higher-timeframe EMA and Bollinger bands.
 */
export const multiTimeframeFamily: FamilyBuilder = ({ config, barMinutes }) =>
  config.higherTimeframes
    .filter((m) => m > barMinutes && m % barMinutes === 0)
    .map((m): FeatureGroup => {
      const ratio = m / barMinutes;
      // A value valid from bucket W is available by base bar (W + 1)·ratio − 1 on a gap-free series.
      const warm = (w: number) => (w + 1) * ratio - 1;
      const p = `tf${m}m`;
      const f = (name: string, category: 'returns' | 'oscillator' | 'volatility', w: number, text: string) =>
        spec('multi-timeframe', `${p}_${name}`, category, warm(w), `${text} (${m}-minute bars, last completed).`);
      return {
        family: 'multi-timeframe',
        features: [
          f('log_return_1', 'returns', 1, 'Log return of the last completed bar'),
          f(`rsi_${RSI_P}`, 'oscillator', RSI_P, `Wilder RSI ${RSI_P}`),
          f(`atr_pct_${ATR_P}`, 'volatility', ATR_P, `Wilder ATR ${ATR_P} over close, in percent`),
          f(`price_to_ema_${EMA_P}`, 'returns', EMA_P - 1, `Current close over EMA ${EMA_P} − 1`),
          f(`bb_position_${BB_P}`, 'oscillator', BB_P - 1, `Current close within the ${BB_P}-bar ±2σ bands`),
        ],
        compute: (input) => {
          const hb = sharedHigherBars(input, m);
          const k = hb.close.length;
          const ret = new Float64Array(k).fill(NaN_);
          for (let j = 1; j < k; j++) {
            const r = safeDivide(hb.close[j] as number, hb.close[j - 1] as number);
            ret[j] = r > 0 ? Math.log(r) : NaN_;
          }
          const atrValues = atr(hb.high, hb.low, hb.close, ATR_P);
          const atrPct = new Float64Array(k);
          for (let j = 0; j < k; j++) atrPct[j] = 100 * safeDivide(atrValues[j] as number, hb.close[j] as number);
          const emaAligned = alignBack(ema(hb.close, EMA_P), hb.available);
          const { mean, std } = rollingMeanStd(hb.close, BB_P, 1);
          const meanAligned = alignBack(mean, hb.available);
          const stdAligned = alignBack(std, hb.available);
          const c = input.bars.close;
          const toEma = new Float64Array(c.length);
          const position = new Float64Array(c.length);
          for (let i = 0; i < c.length; i++) {
            toEma[i] = safeDivide(c[i] as number, emaAligned[i] as number) - 1;
            const s = stdAligned[i] as number;
            // (C − lower)/(upper − lower) with bands m ± 2s.
            position[i] = safeDivide((c[i] as number) - ((meanAligned[i] as number) - 2 * s), 4 * s);
          }
          return [
            alignBack(ret, hb.available),
            alignBack(rsi(hb.close, RSI_P), hb.available),
            alignBack(atrPct, hb.available),
            toEma,
            position,
          ];
        },
      };
    });
