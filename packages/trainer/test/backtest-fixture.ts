import type { BacktestInput, BarrierSpec } from '../src/internal/backtest/index.js';

export const MES = { tickSize: 0.25, tickValue: 1.25, roundTripTicks: 1.5 };
export const L = [0.1, 0.2, 0.7];
export const S = [0.7, 0.2, 0.1];
export const N = [0.2, 0.6, 0.2];

// 30 bars; ATR 1 everywhere except bar 23 (NaN); kUp 2, kDown 1, maxBars 4.
// A long at E: target E + 2, stop E − 1. A short at E: target E − 1, stop E + 2.
// Test rows 0..20 and 23..29 (21, 22 purged): row 20 ends a block.
//   bar   open    high    low     close   signal
const BARS: [number, number, number, number, number[]][] = [
  [100, 100.5, 99.5, 100, N], //     0
  [100, 100.5, 99.5, 100, L], //     1  long E=100 (T 102, S 99)
  [100, 101, 99.5, 100.5, N], //     2  MTM +0.5 = 2 ticks = $2.50
  [100.5, 102.5, 100.25, 102.25, N], // 3  high 102.5 ≥ 102 → take-profit at 102
  [102.25, 102.5, 101, 101, N], //   4
  [101, 101.5, 100.75, 101, S], //   5  short E=101 (T 100, S 103)
  [101, 102, 100.5, 101.5, N], //    6  MTM −0.5 = −2 ticks = −$2.50
  [101.5, 103.5, 101.25, 103.25, N], // 7  high 103.5 ≥ 103 → stop at 103
  [103.25, 103.5, 100, 100, N], //   8
  [100, 100.25, 99.75, 100, L], //   9  long E=100 (T 102, S 99), timeout after bar 13
  [100, 100.75, 99.5, 100.5, N], //  10
  [100.5, 101, 100, 100.75, L], //   11 same-direction signal: ignored
  [100.75, 101.5, 100.25, 101, N], // 12
  [101, 101.75, 100.5, 101.25, N], // 13 = 9 + maxBars → timeout at close 101.25
  [101.25, 102, 101, 102, N], //     14
  [102, 102.25, 101.75, 102, S], //  15 short E=102 (T 101, S 104)
  [102, 102.5, 101.5, 102.25, N], // 16
  [102.25, 103, 101.75, 102.75, L], // 17 opposite signal → exit 102.75, reverse long E=102.75 (T 104.75, S 101.75)
  [102.75, 103.25, 102.5, 103, N], // 18
  [103, 103.5, 102.75, 103.25, N], // 19
  [103.25, 103.75, 103, 103.5, N], // 20 last row of the block → data end at 103.5
  [103.5, 103.5, 103.5, 103.5, N], // 21 (not a test row)
  [103.5, 103.5, 103.5, 103.5, N], // 22 (not a test row)
  [103.5, 104, 103, 103.75, L], //   23 long signal but ATR NaN → entry skipped
  [103.75, 103.75, 103.75, 103.75, N], // 24
  [103.75, 103.75, 103.75, 103.75, N], // 25
  [103.75, 103.75, 103.75, 103.75, N], // 26
  [103.75, 103.75, 103.75, 103.75, N], // 27
  [103.75, 103.75, 103.75, 103.75, N], // 28
  [103.75, 104, 103.5, 104, L], //   29 last row: no entry
];

export function fiveTradeInput(): BacktestInput {
  const n = BARS.length;
  const col = (i: number) => Float64Array.from(BARS, (b) => b[i] as number);
  const atr = new Float64Array(n).fill(1);
  atr[23] = NaN;
  const rows = [...Array.from({ length: 21 }, (_, i) => i), 23, 24, 25, 26, 27, 28, 29];
  return {
    rows: Int32Array.from(rows),
    proba: Float32Array.from(rows.flatMap((t) => BARS[t]![4])),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    atr,
    timestampMs: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 2) + i * 300_000),
    barrier: { kUp: 2, kDown: 1, maxBars: 4 },
    cost: MES,
    barMinutes: 5,
  };
}

export interface WalkOptions {
  bars: number;
  /** Rows first…last (inclusive) are left out of the test rows, as a purge gap would be. */
  gap: [number, number];
  barrier: BarrierSpec;
  barMinutes: number;
  startMs: number;
}

/**
 * A random walk on MES's tick grid from a seeded LCG, random class probabilities on every test row, ATR 1.5;
 * `rand` continues the same stream (for sizes drawn after the probabilities).
 */
export function randomWalkInput(seed: number, options: WalkOptions): { input: BacktestInput; rand: () => number } {
  let s = seed >>> 0 || 1;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const n = options.bars;
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let price = 5000;
  for (let i = 0; i < n; i++) {
    open[i] = price;
    price += Math.round((rand() - 0.5) * 12) * 0.25;
    close[i] = price;
    high[i] = Math.max(open[i]!, price) + Math.round(rand() * 4) * 0.25;
    low[i] = Math.min(open[i]!, price) - Math.round(rand() * 4) * 0.25;
  }
  const [gapFrom, gapTo] = options.gap;
  const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i < gapFrom || i > gapTo);
  const proba = rows.flatMap(() => {
    const a = rand();
    const b = rand() * (1 - a);
    return [a, b, 1 - a - b];
  });
  const input: BacktestInput = {
    rows,
    proba,
    open,
    high,
    low,
    close,
    atr: new Float64Array(n).fill(1.5),
    timestampMs: Float64Array.from({ length: n }, (_, i) => options.startMs + i * options.barMinutes * 60_000),
    barrier: options.barrier,
    cost: MES,
    barMinutes: options.barMinutes,
  };
  return { input, rand };
}
