import { describe, expect, it } from 'vitest';
import { DataError } from '@tribar/core';
import { readRawBars, type RawReadOptions } from '../src/internal/raw-bars.js';

const options: RawReadOptions = { symbol: 'MES', timezone: 'UTC', columns: {}, sourceMinutes: 1 };

const CSV = [
  'timestamp,open,high,low,close,volume',
  '2025-01-06T15:00:00Z,5000.25,5001,4999.75,5000.5,120',
  '2025-01-06T15:01:00Z,5000.5,5002,5000,5001.75,80',
  '2025-01-06T15:02:00Z,5001.75,5002.25,5001,5001.25,95',
].join('\n');

async function failure(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('readRawBars', () => {
  it('reads CSV text as the run read its files, naming the input rather than a temporary file', async () => {
    const bars = await readRawBars({ csv: CSV }, options);
    expect(bars.symbol).toBe('MES');
    expect([...bars.timestamp]).toEqual([Date.UTC(2025, 0, 6, 15, 0), Date.UTC(2025, 0, 6, 15, 1), Date.UTC(2025, 0, 6, 15, 2)]);
    expect([...bars.close]).toEqual([5000.5, 5001.75, 5001.25]);
    const error = await failure(readRawBars({ csv: CSV.replace('5001.75,80', 'abc,80') }, options));
    expect(error.location).toMatchObject({ file: '<csv input>', row: 3, field: 'close' });
    expect(error.message).not.toContain('tribar-predict-');
  });

  it('reads JSON records with the record number in errors, and carries a contract column', async () => {
    const json = [
      { timestamp: '2025-01-06T15:00:00Z', open: 10, high: 11, low: 9, close: 10.5, volume: 3, contract: 202503 },
      { timestamp: '2025-01-06T15:01:00Z', open: 10.5, high: 11, low: 10, close: 10.75, volume: 4, contract: 202503 },
    ];
    const bars = await readRawBars({ json }, options);
    expect([...bars.close]).toEqual([10.5, 10.75]);
    expect([...(bars.columns['contract'] ?? [])]).toEqual([202503, 202503]);
    const bad = await failure(readRawBars({ json: [json[0]!, { ...json[1]!, high: 'x' }] }, options));
    expect(bad.location).toMatchObject({ file: '<json input>', row: 2, field: 'high' });
    const typed = await failure(readRawBars({ json: [json[0]!, { ...json[1]!, low: { value: 1 } }] }, options));
    expect(typed.location).toMatchObject({ row: 2, field: 'low' });
  });

  it('fails on a NaN price, naming the row and the field', async () => {
    const json = [
      { timestamp: 1736175600000, open: 10, high: 11, low: 9, close: 10.5, volume: 3 },
      { timestamp: 1736175660000, open: 10.5, high: 11, low: 10, close: Number.NaN, volume: 4 },
    ];
    const error = await failure(readRawBars({ json }, options));
    expect(error.location.row).toBe(2);
    expect(error.location.field).toBe('close');
    const bars = await readRawBars({ csv: CSV }, options);
    bars.open[1] = Number.NaN;
    const inMemory = await failure(readRawBars({ bars }, options));
    expect(inMemory.location).toMatchObject({ file: '<bars>', row: 2, field: 'open' });
  });

  it('fails on an unknown column, naming it', async () => {
    const csv = CSV.replace('volume\n', 'volume,bid\n').replace(/(\d)\n/g, '$1,1\n') + ',1';
    const error = await failure(readRawBars({ csv }, options));
    expect(error.location).toMatchObject({ file: '<csv input>', row: 1, field: 'bid' });
    expect(error.message).toContain("unknown column 'bid'");
  });
});
