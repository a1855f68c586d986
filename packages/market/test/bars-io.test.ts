import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArtifactError,
  arrowToParquet,
  DataError,
  parquetToArrow,
  readArrowFile,
  readParquetFile,
  writeArrowFile,
  writeParquetFile,
} from '@tribar/core';
import { barCount, barsToTable, emptyBars, mapBarColumns, tableToBars, type Bars } from '../src/internal/bars.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-arrow-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 0, 6, 14, 30); // 2025-01-06T14:30:00Z
const MINUTE = 60_000;

/** Five-minute MES bars with awkward values: quarter ticks, a huge volume, NaN and ±Infinity in an extra column. */
function sampleBars(): Bars {
  return {
    symbol: 'MES',
    timestamp: Float64Array.from([0, 5, 10, 15, 20], (m) => T0 + m * MINUTE),
    open: Float64Array.from([5000.25, 5001, 5000.75, 4999.5, 5002]),
    high: Float64Array.from([5001.5, 5002.25, 5001, 5001.75, 5003.25]),
    low: Float64Array.from([4999.75, 5000.5, 4998.25, 4999, 5001.5]),
    close: Float64Array.from([5001, 5000.75, 4999.5, 5001.5, 5003]),
    volume: Float64Array.from([1200, 987, 0, 2 ** 40, 1]),
    columns: {
      filled: Float64Array.from([0, 0, 1, 0, 0]),
      atr: Float64Array.from([Number.NaN, Number.NaN, 1.25, -0, Number.POSITIVE_INFINITY]),
      tiny: Float64Array.from([Number.MIN_VALUE, -1e-300, 0.1 + 0.2, 1 / 3, Number.NEGATIVE_INFINITY]),
    },
  };
}

function expectSameBars(actual: Bars, expected: Bars): void {
  expect(actual.symbol).toBe(expected.symbol);
  for (const key of ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect([...actual[key]], key).toEqual([...expected[key]]);
  }
  expect(Object.keys(actual.columns)).toEqual(Object.keys(expected.columns));
  for (const [name, values] of Object.entries(expected.columns)) {
    // Object.is: NaN equals NaN, and -0 stays distinct from 0.
    const got = [...(actual.columns[name] ?? [])];
    expect(got.length, name).toBe(values.length);
    values.forEach((value, i) => expect(Object.is(got[i], value), `${name}[${i}] = ${got[i]}, expected ${value}`).toBe(true));
  }
}

describe('barsToTable / tableToBars', () => {
  it('builds a table with a UTC millisecond timestamp, float64 columns and the symbol in metadata', () => {
    const table = barsToTable(sampleBars());
    expect(table.numRows).toBe(5);
    expect(table.schema.fields.map((field) => field.name)).toEqual([
      'timestamp',
      'open',
      'high',
      'low',
      'close',
      'volume',
      'filled',
      'atr',
      'tiny',
    ]);
    expect(String(table.schema.fields[0]?.type)).toBe('Timestamp<MILLISECOND, UTC>');
    expect(table.schema.fields.slice(1).every((field) => String(field.type) === 'Float64')).toBe(true);
    expect(table.schema.metadata.get('symbol')).toBe('MES');
    expect(table.getChild('close')?.get(2)).toBe(4999.5);
  });

  it('round-trips in memory', () => {
    expectSameBars(tableToBars(barsToTable(sampleBars())), sampleBars());
  });

  it('round-trips zero bars', () => {
    const back = tableToBars(barsToTable(emptyBars('MGC')));
    expect(back.symbol).toBe('MGC');
    expect(barCount(back)).toBe(0);
    expect(back.columns).toEqual({});
  });

  it('throws a DataError naming the field whose length differs', () => {
    const bars = sampleBars();
    bars.columns['atr'] = new Float64Array(4);
    expect(() => barsToTable(bars)).toThrow(DataError);
    expect(() => barsToTable(bars)).toThrow("field 'atr': column has 4 values for 5 bars");
    const short = sampleBars();
    short.high = new Float64Array(6);
    expect(() => barsToTable(short)).toThrow("field 'high': column has 6 values for 5 bars");
  });

  it('throws a DataError naming the source and the missing column', () => {
    const table = barsToTable(sampleBars()).select(['timestamp', 'open', 'high', 'low', 'close']);
    const error = (() => {
      try {
        tableToBars(table, 'raw/MES.parquet');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe("raw/MES.parquet, field 'volume': missing column 'volume'");
  });
});

describe('Arrow IPC files', () => {
  it('round-trips bars exactly through writeArrowFile and readArrowFile', async () => {
    const path = join(dir, 'labels', 'MES.arrow');
    await writeArrowFile(path, barsToTable(sampleBars()));
    const table = await readArrowFile(path);
    expect(table.numRows).toBe(5);
    expectSameBars(tableToBars(table, path), sampleBars());
    expect(new Date(tableToBars(table).timestamp[4] ?? 0).toISOString()).toBe('2025-01-06T14:50:00.000Z');
  });

  it('keepViews writes columns cut from longer arrays without copying them, and they read back exactly', async () => {
    const full = sampleBars();
    const cut = mapBarColumns({ ...full, columns: { atr: Float64Array.from([1, 2, 3, 4, 5]) } }, (column) => column.subarray(2));
    const table = barsToTable(cut, { keepViews: true });
    // The close column in the table is the caller's memory (a view), not a copy; without the option it is copied.
    expect((table.getChild('close')!.data[0]!.values as Float64Array).buffer).toBe(full.close.buffer);
    expect((barsToTable(cut).getChild('close')!.data[0]!.values as Float64Array).buffer).not.toBe(full.close.buffer);
    const path = join(dir, 'views.arrow');
    await writeArrowFile(path, table);
    const back = tableToBars(await readArrowFile(path), path);
    expect(Array.from(back.close)).toEqual(Array.from(full.close.subarray(2)));
    expect(Array.from(back.columns['atr'] as Float64Array)).toEqual([3, 4, 5]);
    expect(back.timestamp[0]).toBe(full.timestamp[2]);
  });

  it('writes the Arrow file format (ARROW1 magic at both ends)', async () => {
    const path = join(dir, 'a.arrow');
    await writeArrowFile(path, barsToTable(sampleBars()));
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('ARROW1');
    expect(bytes.subarray(-6).toString('latin1')).toBe('ARROW1');
  });

  it('throws an ArtifactError naming the path for a file cut short anywhere', async () => {
    const path = join(dir, 'a.arrow');
    await writeArrowFile(path, barsToTable(sampleBars()));
    const bytes = await readFile(path);
    const cut = join(dir, 'cut.arrow');
    // Every cut point, including the ones apache-arrow alone read as an empty table (0–5 bytes,
    // the end of the schema message, the end of the record batch).
    for (let length = 0; length < bytes.length; length += length < 16 ? 1 : 7) {
      await writeFile(cut, bytes.subarray(0, length));
      const failure = await readArrowFile(cut).then(
        () => new Error(`read ${length} of ${bytes.length} bytes without an error`),
        (error: unknown) => error,
      );
      expect(failure, `cut at ${length}`).toBeInstanceOf(ArtifactError);
      expect((failure as ArtifactError).path).toBe(cut);
      expect((failure as ArtifactError).message.startsWith(`${cut}: `)).toBe(true);
    }
  });

  it('throws an ArtifactError naming the path for a missing file and for a non-Arrow file', async () => {
    const missing = join(dir, 'nope.arrow');
    await expect(readArrowFile(missing)).rejects.toThrow(ArtifactError);
    await expect(readArrowFile(missing)).rejects.toThrow(`${missing}: cannot read Arrow file`);
    const csv = join(dir, 'bars.arrow');
    await writeFile(csv, 'timestamp,open\n2025-01-06T14:30:00Z,5000.25\n');
    await expect(readArrowFile(csv)).rejects.toThrow(`${csv}: not a complete Arrow IPC file`);
  });
});

describe('Parquet files', () => {
  it('round-trips bars exactly through writeParquetFile and readParquetFile', async () => {
    const path = join(dir, 'MES.parquet');
    await writeParquetFile(path, barsToTable(sampleBars()));
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(bytes.subarray(-4).toString('latin1')).toBe('PAR1');
    const table = await readParquetFile(path);
    expect(String(table.schema.fields[0]?.type)).toBe('Timestamp<MILLISECOND, UTC>');
    expectSameBars(tableToBars(table, path), sampleBars());
  });

  it('round-trips in memory through arrowToParquet and parquetToArrow', () => {
    expectSameBars(tableToBars(parquetToArrow(arrowToParquet(barsToTable(sampleBars())))), sampleBars());
  });

  it('throws an ArtifactError naming the path for a truncated file', async () => {
    const path = join(dir, 'MES.parquet');
    await writeParquetFile(path, barsToTable(sampleBars()));
    const bytes = await readFile(path);
    const cut = join(dir, 'cut.parquet');
    for (const length of [0, 4, 100, Math.floor(bytes.length / 2), bytes.length - 1]) {
      await writeFile(cut, bytes.subarray(0, length));
      await expect(readParquetFile(cut), `cut at ${length}`).rejects.toThrow(ArtifactError);
      await expect(readParquetFile(cut)).rejects.toThrow(`${cut}: not a readable Parquet file`);
    }
  });

  it('throws an ArtifactError for a missing file and names the source of bad bytes', async () => {
    const missing = join(dir, 'nope.parquet');
    await expect(readParquetFile(missing)).rejects.toThrow(`${missing}: cannot read Parquet file`);
    expect(() => parquetToArrow(new TextEncoder().encode('not parquet'), 'upload.parquet')).toThrow(
      /^upload\.parquet: not a readable Parquet file/,
    );
    expect(() => parquetToArrow(new Uint8Array(0))).toThrow(/^<bytes>: /);
  });
});

describe('barsToTable with shared column buffers', () => {
  it('writes a readable file when two columns share one array, or a column is a view', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { barsToTable, tableToBars } = await import('../src/internal/bars.js');
    const { readArrowFile, writeArrowFile } = await import('@tribar/core');
    const dir = mkdtempSync(join(tmpdir(), 'tribar-shared-'));
    try {
      const prices = Float64Array.from([1, 2, 3]);
      const big = Float64Array.from([9, 10, 11, 12, 13]);
      const bars = {
        symbol: 'X',
        timestamp: Float64Array.from([0, 60_000, 120_000]),
        open: prices,
        high: prices,
        low: prices,
        close: prices,
        volume: big.subarray(1, 4),
        columns: { again: prices },
      };
      await writeArrowFile(join(dir, 'x.arrow'), barsToTable(bars));
      const back = tableToBars(await readArrowFile(join(dir, 'x.arrow')));
      expect([...back.close]).toEqual([1, 2, 3]);
      expect([...back.high]).toEqual([1, 2, 3]);
      expect([...back.volume]).toEqual([10, 11, 12]);
      expect([...(back.columns['again'] ?? [])]).toEqual([1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mapBarColumns', () => {
  it('applies one function to every column, the extra ones included, and keeps the symbol', () => {
    const bars = {
      symbol: 'MES',
      timestamp: Float64Array.from([1, 2, 3]),
      open: Float64Array.from([10, 11, 12]),
      high: Float64Array.from([11, 12, 13]),
      low: Float64Array.from([9, 10, 11]),
      close: Float64Array.from([10.5, 11.5, 12.5]),
      volume: Float64Array.from([5, 6, 7]),
      columns: { filled: Float64Array.from([0, 1, 0]) },
    };
    const head = mapBarColumns(bars, (column) => column.slice(0, 2));
    expect(head).toEqual({
      symbol: 'MES',
      timestamp: Float64Array.from([1, 2]),
      open: Float64Array.from([10, 11]),
      high: Float64Array.from([11, 12]),
      low: Float64Array.from([9, 10]),
      close: Float64Array.from([10.5, 11.5]),
      volume: Float64Array.from([5, 6]),
      columns: { filled: Float64Array.from([0, 1]) },
    });
    expect(head.open).not.toBe(bars.open);
  });
});
