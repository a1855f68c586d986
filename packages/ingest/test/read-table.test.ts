import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactError, arrowToParquet, DataError, writeArrowFile, writeParquetFile } from '@tribar/core';
import { barsToTable, emptyBars } from '@tribar/market';
import {
  DateDay,
  Float64,
  makeData,
  makeVector,
  Table,
  tableFromArrays,
  TimestampMicrosecond,
  TimestampNanosecond,
  TimestampSecond,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBars } from '../src/internal/read/read-bars.js';
import { readArrowBars, readParquetBars, tableToBarsWithAliases } from '../src/internal/read/table.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tribar-read-table-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 20, 13, 27);

function sampleBars(n = 5) {
  const bars = emptyBars('MES', n);
  for (let i = 0; i < n; i++) {
    bars.timestamp[i] = T0 + i * 60_000;
    bars.open[i] = 6880 + i * 0.25;
    bars.high[i] = 6881 + i * 0.25;
    bars.low[i] = 6879 + i * 0.25;
    bars.close[i] = 6880.5 + i * 0.25;
    bars.volume[i] = 100 + i;
  }
  return bars;
}

function bigints(values: (number | bigint)[]): BigInt64Array {
  return BigInt64Array.from(values.map((v) => BigInt(v)));
}

function timestampVector(type: DataType, raw: BigInt64Array): Vector {
  return makeVector(makeData({ type, length: raw.length, data: raw } as never));
}

/** A table with the given timestamp column under `name` and fixed OHLCV under short aliases. */
function tableWithTimestamp(name: string, timestamps: Vector): Table {
  const n = timestamps.length;
  return new Table({
    [name]: timestamps,
    O: vectorFromArray(
      Array.from({ length: n }, () => 10),
      new Float64(),
    ),
    H: vectorFromArray(
      Array.from({ length: n }, () => 11),
      new Float64(),
    ),
    L: vectorFromArray(
      Array.from({ length: n }, () => 9),
      new Float64(),
    ),
    C: vectorFromArray(
      Array.from({ length: n }, () => 10.5),
      new Float64(),
    ),
    Vol: makeVector(bigints(Array.from({ length: n }, (_, i) => i + 1))),
  });
}

describe('Parquet and Arrow readers', () => {
  it('round-trips bars written by core as Parquet and as Arrow', async () => {
    const bars = sampleBars();
    const parquet = join(dir, 'MES_1m.parquet');
    const arrow = join(dir, 'MES_1m.arrow');
    await writeParquetFile(parquet, barsToTable(bars));
    await writeArrowFile(arrow, barsToTable(bars));
    for (const [path, reader] of [
      [parquet, readParquetBars],
      [arrow, readArrowBars],
    ] as const) {
      const { bars: back, stats } = await reader(path);
      expect(back.symbol).toBe('MES');
      expect(back.timestamp).toEqual(bars.timestamp);
      expect(back.close).toEqual(bars.close);
      expect(back.volume).toEqual(bars.volume);
      expect(stats.rowsParsed).toBe(5);
    }
    expect((await readBars(join(dir, 'MES_1m.parquet'))).stats.format).toBe('parquet');
  });

  it.each<[string, DataType, (number | bigint)[], string, number]>([
    ['seconds, UTC', new TimestampSecond('UTC'), [1_768_915_620], 'UTC', T0],
    ['µs, UTC', new TimestampMicrosecond('UTC'), [1_768_915_620_000_123], 'UTC', T0],
    ['ns, +zone', new TimestampNanosecond('America/Chicago'), [1_768_915_620_000_000_000n], 'America/Chicago', T0],
    [
      'ns, naive, read in Chicago',
      new TimestampNanosecond(null),
      [Date.UTC(2026, 2, 8, 3, 0) * 1e6],
      'America/Chicago',
      Date.parse('2026-03-08T08:00:00Z'),
    ],
  ])('Arrow timestamp (%s) → UTC ms', (_label, type, raw, timezone, expected) => {
    const table = tableWithTimestamp('datetime', timestampVector(type, bigints(raw)));
    const { bars, stats } = tableToBarsWithAliases(table, 'mem.arrow', 'arrow', { timezone });
    expect(bars.timestamp[0]).toBe(expected);
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([10, 11, 9, 10.5, 1]);
    expect(stats.columns).toMatchObject({ timestamp: 'datetime', open: 'O', volume: 'Vol' });
  });

  it('reads int64 epoch ns exactly and float epoch seconds by magnitude', () => {
    const ns = tableWithTimestamp('ts', makeVector(bigints([1_768_915_620_123_456_789n])));
    expect(tableToBarsWithAliases(ns, 'ns', 'arrow').bars.timestamp[0]).toBe(T0 + 123);
    const seconds = tableWithTimestamp('ts', vectorFromArray([1_768_915_620.5], new Float64()));
    expect(tableToBarsWithAliases(seconds, 's', 'arrow').bars.timestamp[0]).toBe(T0 + 500);
    const ms = tableWithTimestamp('ts', makeVector(bigints([T0])));
    expect(tableToBarsWithAliases(ms, 'ms', 'arrow').bars.timestamp[0]).toBe(T0);
  });

  it('reads date columns as midnight in the configured zone', () => {
    const table = tableWithTimestamp('Date', vectorFromArray([new Date(Date.UTC(2026, 0, 20))], new DateDay()));
    expect(tableToBarsWithAliases(table, 'd', 'arrow', { timezone: 'America/New_York' }).bars.timestamp[0]).toBe(
      Date.parse('2026-01-20T05:00:00Z'),
    );
  });

  it('parses string timestamps, plain and dictionary-encoded', () => {
    const plain = tableWithTimestamp('time', vectorFromArray(['2026-01-20T13:27:00Z', '2026-01-20 08:28:00-05:00'], new Utf8()));
    expect([...tableToBarsWithAliases(plain, 'p', 'arrow').bars.timestamp]).toEqual([T0, T0 + 60_000]);
    const dictionary = tableFromArrays({
      Timestamp: ['2026-01-20 07:27', '2026-01-20 07:28', '2026-01-20 07:27'],
      open: [1, 2, 3],
      high: [1, 2, 3],
      low: [1, 2, 3],
      close: [1, 2, 3],
      volume: [1, 2, 3],
    });
    expect(String(dictionary.schema.fields[0]?.type)).toMatch(/Dictionary/);
    const { bars } = tableToBarsWithAliases(dictionary, 'd', 'arrow', { timezone: 'America/Chicago' });
    expect([...bars.timestamp]).toEqual([T0, T0 + 60_000, T0]);
  });

  it('reads string timestamps and prices through Parquet', async () => {
    const table = tableFromArrays({
      date_time: ['2026-01-20T13:27:00Z', '2026-01-20T13:28:00Z'],
      open: ['6880.25', '6880.5'],
      high: [6881, 6881],
      low: [6879, 6879],
      close: [6880, 6880],
      trade_volume: [5, 6],
    });
    const path = join(dir, 'strings.parquet');
    await writeFile(path, arrowToParquet(table));
    const { bars } = await readParquetBars(path);
    expect([...bars.timestamp]).toEqual([T0, T0 + 60_000]);
    expect([...bars.open]).toEqual([6880.25, 6880.5]);
  });

  it('null prices become NaN for repair; text prices are bad rows naming row and field', () => {
    const ones = (): Vector => vectorFromArray([1, 1], new Float64());
    const withNull = new Table({
      timestamp: vectorFromArray([T0, T0 + 60_000], new Float64()),
      open: vectorFromArray([1, null], new Float64()),
      high: ones(),
      low: ones(),
      close: ones(),
      volume: ones(),
    });
    expect(tableToBarsWithAliases(withNull, 'n', 'arrow').bars.open[1]).toBeNaN();

    const withText = new Table({
      timestamp: vectorFromArray(['2026-01-20T13:27:00Z', '2026-01-20T13:28:00Z', '2026-01-20T13:29:00Z'], new Utf8()),
      open: vectorFromArray(['1', 'n/a?', '3'], new Utf8()),
      high: vectorFromArray([1, 2, 3], new Float64()),
      low: vectorFromArray([1, 2, 3], new Float64()),
      close: vectorFromArray(['1', '2', 'x'], new Utf8()),
      volume: makeVector(bigints([1, 2, 3])),
    });
    expect(() => tableToBarsWithAliases(withText, 'bars.parquet', 'parquet')).toThrow(DataError);
    expect(() => tableToBarsWithAliases(withText, 'bars.parquet', 'parquet')).toThrow(
      /bars\.parquet, row 2, field 'open': 'n\/a\?' is not a number/,
    );
    const skipped = tableToBarsWithAliases(withText, 'bars.parquet', 'parquet', { onBadRow: 'skip' });
    expect(skipped.stats.badRowsSkipped).toBe(2);
    expect(skipped.stats.badRowSamples.map((s) => [s.row, s.field])).toEqual([
      [2, 'open'],
      [3, 'close'],
    ]);
    expect([...skipped.bars.timestamp]).toEqual([T0]);
  });

  it('a price or volume beyond 1e15 (or ±Infinity) is a bad row naming the file, row and field', () => {
    const table = new Table({
      timestamp: vectorFromArray([T0, T0 + 60_000, T0 + 120_000], new Float64()),
      open: vectorFromArray([1, 1, 1], new Float64()),
      high: vectorFromArray([1, 1e308, 1], new Float64()),
      low: vectorFromArray([1, 1, 1], new Float64()),
      close: vectorFromArray([1, 1, 1], new Float64()),
      volume: vectorFromArray(['1', '2', '1e400'], new Utf8()),
    });
    expect(() => tableToBarsWithAliases(table, 'bars.arrow', 'arrow')).toThrow(
      /bars\.arrow, row 2, field 'high': '1e\+308' is out of range/,
    );
    const skipped = tableToBarsWithAliases(table, 'bars.arrow', 'arrow', { onBadRow: 'skip' });
    expect(skipped.stats.badRowSamples.map((s) => [s.row, s.field])).toEqual([
      [2, 'high'],
      [3, 'volume'],
    ]);
    expect([...skipped.bars.timestamp]).toEqual([T0]);
  });

  it('names a missing column and an empty table', () => {
    const one = (): Vector => vectorFromArray([1], new Float64());
    const noVolume = new Table({ timestamp: vectorFromArray([T0], new Float64()), open: one(), high: one(), low: one(), close: one() });
    expect(() => tableToBarsWithAliases(noVolume, 'x.parquet', 'parquet')).toThrow(/x\.parquet, row 1, field 'volume': no volume column/);
    const empty = tableWithTimestamp('timestamp', makeVector(new BigInt64Array(0)));
    expect(() => tableToBarsWithAliases(empty, 'e.arrow', 'arrow')).toThrow(/e\.arrow: the table has no rows/);
  });

  it('rejects a file that is not Arrow IPC with an ArtifactError naming it', async () => {
    const path = join(dir, 'not.feather');
    await writeFile(path, 'timestamp,open\n');
    await expect(readBars(path)).rejects.toThrow(ArtifactError);
    await expect(readBars(path)).rejects.toThrow(/not\.feather: not a (complete|readable) Arrow IPC file/);
  });

  it('reads int64 price columns as numbers', () => {
    const table = new Table({
      timestamp: makeVector(bigints([T0])),
      open: makeVector(bigints([5])),
      high: makeVector(bigints([6])),
      low: makeVector(bigints([4])),
      close: makeVector(bigints([5])),
      volume: vectorFromArray([7], new Float64()),
    });
    const { bars } = tableToBarsWithAliases(table, 'i', 'arrow');
    expect([bars.open[0], bars.high[0], bars.volume[0]]).toEqual([5, 6, 7]);
  });
});
