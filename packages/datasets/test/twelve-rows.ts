import { Table, TimestampMillisecond, makeData, makeVector } from 'apache-arrow';
import type { Vector } from 'apache-arrow';

export const BAR_MS = 5 * 60_000;
/** Thursday 2026-01-08 20:00 UTC. */
const T0 = Date.UTC(2026, 0, 8, 20, 0);

/**
 * The brief's 12-row case (5-minute bars, minutes after T0):
 *   row       0     1     2    3    4    5    6    7  |  8     9    10    11
 *   minute    0     5    10   15   20   25   30   35  | 95   100   105   110   (60-minute halt before row 8)
 *   session   0     0     0    0    0    0    0    0  |  1     1     1     1
 *   split     0     0     0    0   -1   -1    1    1  |  1     1     2     2   (rows 4–5 purged)
 *   label     1     0    -1    1    0    0    1  -99  |  0    -1     1     0
 *   weight    1     1  -0.5    2    1    1    1    1  | 1.25   3   NaN  0.75
 * Features are not float32-representable, so every copy must be the float32 rounding of the source:
 *   f0 = 0.1·row + 1/3, f1 = −π·row / 1000.
 */
export const TWELVE = {
  minutes: [0, 5, 10, 15, 20, 25, 30, 35, 95, 100, 105, 110],
  split: [0, 0, 0, 0, -1, -1, 1, 1, 1, 1, 2, 2],
  label: [1, 0, -1, 1, 0, 0, 1, -99, 0, -1, 1, 0],
  weight: [1, 1, -0.5, 2, 1, 1, 1, 1, 1.25, 3, Number.NaN, 0.75],
};

export const f0Of = (row: number): number => 0.1 * row + 1 / 3;
export const f1Of = (row: number): number => (-Math.PI * row) / 1000;

export function twelveColumns() {
  const n = TWELVE.minutes.length;
  return {
    features: [Float64Array.from({ length: n }, (_, r) => f0Of(r)), Float64Array.from({ length: n }, (_, r) => f1Of(r))],
    featureNames: ['f0', 'f1'],
    label: Float64Array.from(TWELVE.label),
    weight: Float64Array.from(TWELVE.weight),
    split: Int8Array.from(TWELVE.split),
    timestampMs: Float64Array.from(TWELVE.minutes, (m) => T0 + m * 60_000),
    symbol: 'MES',
    horizon: 5,
  };
}

/** A `timestamp` column the way the pipeline writes it (core's `barsToTable`): UTC milliseconds. */
function timestampVector(timestampMs: ArrayLike<number>): Vector {
  const data = BigInt64Array.from(Array.from(timestampMs, (t) => BigInt(Math.round(t))));
  return makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: data.length, data }));
}

/** A table with a UTC millisecond `timestamp` column followed by the given typed-array columns. */
export function tableWithTime(timestampMs: ArrayLike<number>, columns: Record<string, Float64Array | Int8Array | Int32Array>): Table {
  const vectors: Record<string, Vector> = { timestamp: timestampVector(timestampMs) };
  for (const [name, values] of Object.entries(columns)) vectors[name] = makeVector(values);
  return new Table(vectors);
}
