/**
 * One test per file in test/fixtures/bad/: either a clear error naming the file (and the
 * line and field where there is one), or a counted repair with exact counts.
 */
import { readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactError, DataError } from '@tribar/core';
import { type Bars } from '@tribar/market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBarsFile } from '../src/internal/read/ingest-file.js';
import { readBars } from '../src/internal/read/read-bars.js';
import type { ReadOptions } from '../src/internal/read/types.js';
import { repairBars } from '../src/internal/repair/repair.js';

const BAD = join(import.meta.dirname, 'fixtures/bad');
const fixture = (name: string): string => join(BAD, name);
const T0 = Date.UTC(2026, 0, 20, 13, 27);
const minute = (k: number): number => T0 + k * 60_000;

async function readError(name: string, options: ReadOptions = {}): Promise<Error> {
  try {
    await readBars(fixture(name), options);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${name} was read without an error`);
}

async function readAndRepair(name: string): Promise<{ bars: Bars; report: ReturnType<typeof repairBars>['report'] }> {
  const { bars } = await readBars(fixture(name));
  return repairBars(bars, { tickSize: 0.25 });
}

describe('bad-input corpus: errors', () => {
  it('empty.csv → no header', async () => {
    const error = await readError('empty.csv');
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/empty\.csv: the file is empty: no header line/);
  });

  it('header-only.csv → no data rows', async () => {
    const error = await readError('header-only.csv');
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/header-only\.csv: the file has a header but no data rows/);
  });

  it('wrong-delimiter.csv → no timestamp column, the one-column header shown', async () => {
    const error = (await readError('wrong-delimiter.csv')) as DataError;
    expect(error).toBeInstanceOf(DataError);
    expect(error.location).toEqual({ file: fixture('wrong-delimiter.csv'), row: 1, field: 'timestamp' });
    expect(error.message).toMatch(/wrong-delimiter\.csv, row 1, field 'timestamp': no timestamp column/);
    expect(error.message).toMatch(/Header has 1 column\(s\): timestamp\|open\|high\|low\|close\|volume/);
    expect(error.message).toMatch(/Delimiters recognised: comma, semicolon, tab/);
  });

  it('text-in-numbers.csv → line 3, field high', async () => {
    const error = (await readError('text-in-numbers.csv')) as DataError;
    expect(error).toBeInstanceOf(DataError);
    expect(error.location).toEqual({ file: fixture('text-in-numbers.csv'), row: 3, field: 'high' });
    expect(error.message).toMatch(/text-in-numbers\.csv, row 3, field 'high': 'abc' is not a number/);
    expect(error.message).toMatch(/data\.onBadRow/);
  });

  it('overflowing-numbers.csv → 1e308 in high on line 3 named at ingest, not as Infinity stages later', async () => {
    const error = (await readError('overflowing-numbers.csv')) as DataError;
    expect(error).toBeInstanceOf(DataError);
    expect(error.location).toEqual({ file: fixture('overflowing-numbers.csv'), row: 3, field: 'high' });
    expect(error.message).toMatch(/overflowing-numbers\.csv, row 3, field 'high': '1e308' is out of range/);
    const { bars, stats } = await readBars(fixture('overflowing-numbers.csv'), { onBadRow: 'skip' });
    expect(stats.badRowSamples.map((s) => [s.row, s.field])).toEqual([
      [3, 'high'],
      [4, 'close'],
    ]);
    expect(bars.timestamp.length).toBe(2);
  });

  it('text-in-numbers.csv with onBadRow skip → one row skipped and counted', async () => {
    const { bars, stats } = await readBars(fixture('text-in-numbers.csv'), { onBadRow: 'skip' });
    expect(stats.badRowsSkipped).toBe(1);
    expect(stats.badRowSamples).toEqual([{ row: 3, field: 'high', reason: "'abc' is not a number" }]);
    expect([...bars.timestamp]).toEqual([minute(0), minute(2)]);
  });

  it('missing-columns.csv → no close column', async () => {
    const error = (await readError('missing-columns.csv')) as DataError;
    expect(error.location).toEqual({ file: fixture('missing-columns.csv'), row: 1, field: 'close' });
    expect(error.message).toMatch(/no close column/);
    expect(error.message).toMatch(/close\|c\|last/);
  });

  it('short-row.csv → line 3 lacks the close field', async () => {
    const error = (await readError('short-row.csv')) as DataError;
    expect(error.location).toEqual({ file: fixture('short-row.csv'), row: 3, field: 'close' });
    expect(error.message).toMatch(/row has 4 field\(s\), the header has 6/);
  });

  it('bad-timestamp.csv → 30 February on line 3', async () => {
    const error = (await readError('bad-timestamp.csv')) as DataError;
    expect(error.location).toEqual({ file: fixture('bad-timestamp.csv'), row: 3, field: 'timestamp' });
    expect(error.message).toMatch(/'2026-02-30T13:28:00Z' is not a timestamp/);
    expect(error.message).toMatch(/hint: Expected ISO 8601/);
  });

  it('mixed-naive-and-zoned.csv → the naive line 4 is rejected', async () => {
    const error = (await readError('mixed-naive-and-zoned.csv')) as DataError;
    expect(error.location).toEqual({ file: fixture('mixed-naive-and-zoned.csv'), row: 4, field: 'timestamp' });
    expect(error.message).toMatch(/timestamp is naive but earlier rows carried a zone/);
  });

  it('truncated.csv.gz → truncated gzip named, nothing returned', async () => {
    const error = await readError('truncated.csv.gz');
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/truncated\.csv\.gz: gzip data is truncated/);
  });

  it('truncated.parquet → ArtifactError naming the file', async () => {
    const error = await readError('truncated.parquet');
    expect(error).toBeInstanceOf(ArtifactError);
    expect(error.message).toMatch(/truncated\.parquet: not a readable Parquet file/);
  });
});

describe('bad-input corpus: counted repairs', () => {
  it('nan-runs.csv → 4 rows with missing prices dropped, 1 NaN volume set to 0', async () => {
    const { bars, report } = await readAndRepair('nan-runs.csv');
    expect(report.rowsIn).toBe(8);
    expect(report.rowsOut).toBe(4);
    expect(report.counts.nanPriceRowsDropped).toBe(4);
    expect(report.counts.nanVolumeSetToZero).toBe(1);
    expect([...bars.timestamp]).toEqual([minute(0), minute(1), minute(5), minute(7)]);
    expect(bars.volume[2]).toBe(0);
    expect(report.totalFixes).toBe(5);
  });

  it('negative-prices.csv → 3 rows with a non-positive price dropped, 1 negative volume set to 0', async () => {
    const { bars, report } = await readAndRepair('negative-prices.csv');
    expect(report.counts.nonPositivePriceRowsDropped).toBe(3);
    expect(report.counts.negativeVolumeSetToZero).toBe(1);
    expect([...bars.timestamp]).toEqual([minute(0), minute(3), minute(5)]);
    expect([...bars.volume]).toEqual([446, 0, 205]);
    // Row 2's open of −6880.25 first lowers its low (low > open), as in the original's order.
    expect(report.counts.lowLoweredToOpen).toBe(1);
  });

  it('reversed-timestamps.csv → sorted, 4 rows out of order, a warning', async () => {
    const { bars, report } = await readAndRepair('reversed-timestamps.csv');
    expect(report.sorted).toBe(true);
    expect(report.counts.outOfOrderRows).toBe(4);
    expect([...bars.timestamp]).toEqual([0, 1, 2, 3, 4].map(minute));
    expect([...bars.volume]).toEqual([446, 391, 310, 120, 205]);
    expect(report.warnings[0]).toMatch(/not sorted by time: 4 row\(s\)/);
  });

  it('duplicated-timestamps.csv → 3 duplicates dropped, the first of each kept', async () => {
    const { bars, report } = await readAndRepair('duplicated-timestamps.csv');
    expect(report.counts.duplicateTimestampsDropped).toBe(3);
    expect(report.counts.outOfOrderRows).toBe(0);
    expect([...bars.timestamp]).toEqual([0, 1, 2, 3].map(minute));
    expect([...bars.volume]).toEqual([446, 391, 310, 120]);
  });

  it('mixed-offsets.csv → every offset converted to UTC; the repeated instant counted as a duplicate', async () => {
    const { bars, report } = await readAndRepair('mixed-offsets.csv');
    expect(report.counts.outOfOrderRows).toBe(1);
    expect(report.counts.duplicateTimestampsDropped).toBe(1);
    expect([...bars.timestamp]).toEqual([0, 1, 2, 3].map(minute));
    expect([...bars.volume]).toEqual([446, 391, 310, 120]);
  });

  it('ohlc-violations.csv → each OHLC rule counted in the original order; the off-tick open left as is', async () => {
    const { bars, report } = await readAndRepair('ohlc-violations.csv');
    expect(report.counts).toMatchObject({
      highLowSwapped: 1,
      highRaisedToOpen: 2,
      highRaisedToClose: 1,
      lowLoweredToOpen: 2,
      lowLoweredToClose: 1,
      offTickRows: 1,
    });
    expect([...bars.high]).toEqual([6880.5, 6880.25, 6879.5, 6880.0, 6880.0, 6880.0]);
    expect([...bars.low]).toEqual([6878.5, 6879.0, 6878.75, 6879.25, 6879.25, 6879.0]);
    expect(bars.open[5]).toBe(6879.3);
    expect(report.totalFixes).toBe(7);
  });

  it('every file in the corpus has a test here', async () => {
    const names = (await readdir(BAD)).filter((name) => name !== 'README.md').sort();
    const source = await import('node:fs').then((fs) => fs.readFileSync(import.meta.filename, 'utf8'));
    for (const name of names) expect(source, name).toContain(`'${name}'`);
  });
});

describe('a failing read leaves no output behind', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'tribar-ingest-out-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it.each(['truncated.csv.gz', 'text-in-numbers.csv', 'truncated.parquet'])(
    '%s: no artifact, no report, no temporary file',
    async (name) => {
      const outputPath = join(out, 'bars', 'MES.arrow');
      await expect(ingestBarsFile(fixture(name), { outputPath, reportPath: join(out, 'ingest-report.json') })).rejects.toThrow(name);
      const left = await readdir(out, { recursive: true });
      expect(left.filter((entry) => entry !== 'bars')).toEqual([]);
    },
  );

  it('a successful ingest writes the artifact and the report', async () => {
    const outputPath = join(out, 'ok', 'MES.arrow');
    const reportPath = join(out, 'ok', 'ingest-report.json');
    const { report } = await ingestBarsFile(fixture('duplicated-timestamps.csv'), {
      outputPath,
      reportPath,
      symbol: 'MES',
      tickSize: 0.25,
    });
    expect(report.repair.counts.duplicateTimestampsDropped).toBe(3);
    expect((await readdir(join(out, 'ok'))).sort()).toEqual(['MES.arrow', 'ingest-report.json']);
  });
});
