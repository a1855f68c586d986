import { Rng } from '@tribar/core';
import { type Bars } from '@tribar/market';

/** Wilder's ATR (the original's numba kernel, §4.3): mean of the first `period` true ranges, then smoothed. */
export function wilderAtr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  const n = close.length;
  const atr = new Float64Array(n).fill(Number.NaN);
  let sum = 0;
  let previous = Number.NaN;
  for (let i = 0; i < n; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const tr = i === 0 ? h - l : Math.max(h - l, Math.abs(h - (close[i - 1] as number)), Math.abs(l - (close[i - 1] as number)));
    if (i < period) {
      sum += tr;
      if (i === period - 1) previous = atr[i] = sum / period;
    } else {
      previous = atr[i] = (previous * (period - 1) + tr) / period;
    }
  }
  return atr;
}

const tick = (x: number) => Math.round(x * 4) / 4;

/**
 * The performance-anchors labeling series: a seeded geometric random walk of five-minute bars
 * from 4,500; log return ~ N(0, 0.001); open = previous close; high/low widened by |N(0, 0.0005)|;
 * all on the 0.25 tick, high/low re-widened to contain open and close; `atr_14` (Wilder) in columns.
 */
export function anchorSeries(n: number, seed = 42, symbol = 'MES'): Bars {
  const rng = new Rng(seed);
  const timestamp = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n).fill(100);
  const start = Date.UTC(2020, 0, 2);
  let price = 4500;
  for (let i = 0; i < n; i++) {
    const o = price;
    const c = o * Math.exp(rng.normal(0, 0.001));
    const h = Math.max(o, c) * (1 + Math.abs(rng.normal(0, 0.0005)));
    const l = Math.min(o, c) * (1 - Math.abs(rng.normal(0, 0.0005)));
    const ot = tick(o);
    const ct = tick(c);
    timestamp[i] = start + i * 300_000;
    open[i] = ot;
    close[i] = ct;
    high[i] = Math.max(tick(h), ot, ct);
    low[i] = Math.min(tick(l), ot, ct);
    price = c;
  }
  return { symbol, timestamp, open, high, low, close, volume, columns: { atr_14: wilderAtr(high, low, close, 14) } };
}
