import { cut, cutFileOf, writeJsonArtifact, type CutFile } from '@tribar/artifacts';
import { Rng } from '@tribar/core';
import type { SplitRatios } from '@tribar/market';

export interface SeriesBars {
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  atr: Float64Array;
}

/** Wilder's ATR(period); the first period − 1 rows are NaN. */
function wilderAtr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(Number.NaN);
  let atr = 0;
  for (let i = 0; i < n; i++) {
    const previous = i > 0 ? (close[i - 1] as number) : (close[0] as number);
    const h = high[i] as number;
    const l = low[i] as number;
    const range = Math.max(h - l, Math.abs(h - previous), Math.abs(l - previous));
    if (i < period) {
      atr += range / period;
      if (i === period - 1) out[i] = atr;
    } else {
      atr = (atr * (period - 1) + range) / period;
      out[i] = atr;
    }
  }
  return out;
}

/** The performance anchors' random walk: log return N(0, 0.001), wicks N(0, 0.0005), 0.25 ticks. */
export function randomWalkBars(n: number, seed: number, start = 4500, tick = 0.25): SeriesBars {
  const rng = new Rng(seed);
  const round = (value: number) => Math.round(value / tick) * tick;
  const bars: SeriesBars = {
    timestamp: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    atr: new Float64Array(n),
  };
  let price = start;
  const t0 = Date.UTC(2025, 0, 6);
  for (let i = 0; i < n; i++) {
    const open = round(price);
    price *= Math.exp(rng.normal(0, 0.001));
    const close = round(price);
    bars.timestamp[i] = t0 + i * 300_000;
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close, round(Math.max(open, close) * (1 + Math.abs(rng.normal(0, 0.0005)))));
    bars.low[i] = Math.min(open, close, round(Math.min(open, close) * (1 - Math.abs(rng.normal(0, 0.0005)))));
    bars.volume[i] = 100 + rng.int(0, 50);
  }
  const atr = wilderAtr(bars.high, bars.low, bars.close);
  // Like the features stage, which drops warm-up rows: no NaN ATR left.
  for (let i = 0; i < 13; i++) atr[i] = atr[13] as number;
  bars.atr = atr;
  return bars;
}

/** `cut/cut.json` as stage `cut` writes it over the test's bars (both clean and features bars); `trainEndMs` overrides the cut. */
export async function writeCutFixture(
  runDir: string,
  timestampsBySymbol: Record<string, Float64Array>,
  ratios: SplitRatios,
  trainEndMs?: number,
): Promise<CutFile> {
  const file = cutFileOf(timestampsBySymbol, ratios);
  if (trainEndMs !== undefined) Object.assign(file, { trainEndMs, trainEnd: new Date(trainEndMs).toISOString() });
  await writeJsonArtifact(runDir, cut, file);
  return file;
}
