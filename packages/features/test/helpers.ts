import { runConfigSchema, type RunConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { cut, cutFileOf, writeJsonArtifact, type CutFile } from '@tribar/artifacts';
import { calendarForSymbol, type Bars } from '@tribar/market';

export function defaultConfig(overrides: Record<string, unknown> = {}): RunConfig {
  return runConfigSchema.parse(overrides);
}

const BAR_MS = 5 * 60_000;

/**
 * A seeded random walk of five-minute bars on the CME session grid (weekday Globex hours), with
 * realistic OHLCV: log return ~ N(0, 0.001), open = previous close, wicks ~ |N(0, 0.0005)|, prices
 * on a 0.25 tick, volume ~ exponential.
 */
export function randomBars(symbol: string, count: number, seed: number, options: { startMs?: number; startPrice?: number } = {}): Bars {
  const rng = new Rng(seed);
  const calendar = calendarForSymbol(symbol);
  const timestamp = new Float64Array(count);
  let t = options.startMs ?? Date.UTC(2024, 0, 2, 0, 0);
  for (let i = 0; i < count; i++) {
    while (!calendar.isOpen(t)) t += BAR_MS;
    timestamp[i] = t;
    t += BAR_MS;
  }
  return fillBars(symbol, timestamp, rng, options.startPrice ?? 4500);
}

function fillBars(symbol: string, timestamp: Float64Array, rng: Rng, startPrice: number): Bars {
  const n = timestamp.length;
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let previous = startPrice;
  const tick = (x: number) => Math.round(x / 0.25) * 0.25;
  for (let i = 0; i < n; i++) {
    const o = previous;
    const c = tick(o * Math.exp(rng.normal(0, 0.001)));
    open[i] = o;
    close[i] = c;
    high[i] = tick(Math.max(o, c) * (1 + Math.abs(rng.normal(0, 0.0005))));
    low[i] = tick(Math.min(o, c) * (1 - Math.abs(rng.normal(0, 0.0005))));
    if (high[i]! < Math.max(o, c)) high[i] = Math.max(o, c);
    if (low[i]! > Math.min(o, c)) low[i] = Math.min(o, c);
    volume[i] = Math.round(rng.exponential(300)) + 1;
    previous = c;
  }
  return { symbol, timestamp, open, high, low, close, volume, columns: {} };
}

/** The first `count` bars of `bars` followed by fresh random bars on the same timestamps. */
export function replaceAfter(bars: Bars, cut: number, seed: number): Bars {
  const fresh = fillBars(bars.symbol, bars.timestamp.slice(cut + 1), new Rng(seed), bars.close[cut]! * 1.01);
  const join = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(a.length);
    out.set(a.subarray(0, cut + 1));
    out.set(b, cut + 1);
    return out;
  };
  return {
    symbol: bars.symbol,
    timestamp: bars.timestamp.slice(),
    open: join(bars.open, fresh.open),
    high: join(bars.high, fresh.high),
    low: join(bars.low, fresh.low),
    close: join(bars.close, fresh.close),
    volume: join(bars.volume, fresh.volume),
    columns: {},
  };
}

export function arr(values: number[]): Float64Array {
  return Float64Array.from(values);
}

/** Write the run's `cut/cut.json` as stage `cut` would, over these clean bars with the configured split ratios. */
export async function writeCutFixture(runDir: string, config: RunConfig, clean: readonly Bars[]): Promise<CutFile> {
  const value = cutFileOf(Object.fromEntries(clean.map((bars) => [bars.symbol, bars.timestamp])), config.splits);
  await writeJsonArtifact(runDir, cut, value);
  return value;
}
