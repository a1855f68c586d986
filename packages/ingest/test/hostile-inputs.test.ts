/**
 * The hostile-input corpus (issue 13, "Bad input"): every case in test/fixtures/hostile/
 * (README.md there says what each file is) or generated here, with the error class and the
 * message fragment it must produce. The table is the deliverable: one line per case.
 */
import { chmod, mkdir, mkdtemp, open, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@tribar/config';
import { DataError, TribarError, writeArrowFile, writeParquetFile } from '@tribar/core';
import { Float64, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBars } from '../src/internal/read/read-bars.js';
import type { ReadOptions } from '../src/internal/read/types.js';
import { repairBars } from '../src/internal/repair/repair.js';

const HOSTILE = join(import.meta.dirname, 'fixtures/hostile');
const fixture = (name: string): string => join(HOSTILE, name);
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tribar-hostile-'));
});
afterAll(async () => {
  if (scratch) {
    await chmod(join(scratch, 'unreadable.csv'), 0o644).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
});

/** Generated inputs (too big, or not files at all): each makes its path in the scratch folder. */
const generated = {
  /** A few MiB without a line break after a good header (the 2 GiB case, scaled down). */
  async longLine(): Promise<string> {
    const path = join(scratch, 'long-line.csv');
    await writeFile(path, Buffer.concat([Buffer.from('timestamp,open,high,low,close,volume\n'), Buffer.alloc(3 * 1024 * 1024, 0x30)]));
    return path;
  },
  /** 5 MiB of zeros, plain. */
  async zeros(): Promise<string> {
    const path = join(scratch, 'zeros.csv');
    await writeFile(path, Buffer.alloc(5 * 1024 * 1024));
    return path;
  },
  /** 5 MiB of zeros named .parquet (read whole into memory before: a 2 GB one cost 2 GB). */
  async zerosParquet(): Promise<string> {
    const path = join(scratch, 'zeros.parquet');
    await writeFile(path, Buffer.alloc(5 * 1024 * 1024));
    return path;
  },
  async directory(): Promise<string> {
    const path = join(scratch, 'MES_1m.csv');
    await mkdir(path, { recursive: true });
    return path;
  },
  async directoryWithoutExtension(): Promise<string> {
    const path = join(scratch, 'data');
    await mkdir(path, { recursive: true });
    return path;
  },
  async symlinkLoop(): Promise<string> {
    const path = join(scratch, 'loop.csv');
    await symlink(path, path).catch(() => undefined);
    return path;
  },
  async missing(): Promise<string> {
    return join(scratch, 'nope.csv');
  },
  /** Arrow IPC: MES and MGC rows under one symbol column. */
  async arrowTwoSymbols(): Promise<string> {
    const path = join(scratch, 'two-symbols.arrow');
    await writeArrowFile(path, barsTable([T0, T0, T0 + 60_000], [6880, 4100, 6881], ['MES', 'MGC', 'MES']));
    return path;
  },
  /** Parquet: a bar in 2200 in a timestamp column. */
  async parquet2200(): Promise<string> {
    const path = join(scratch, 'year-2200.parquet');
    await writeParquetFile(path, barsTable([T0, Date.UTC(2200, 0, 20, 13, 28)], [6880, 6881]));
    return path;
  },
  /** Arrow IPC without a symbol column: 12 minutes of MES and MGC interleaved. */
  async arrowInterleaved(): Promise<string> {
    const path = join(scratch, 'interleaved.arrow');
    const times = Array.from({ length: 24 }, (_, k) => T0 + Math.floor(k / 2) * 60_000);
    await writeArrowFile(
      path,
      barsTable(
        times,
        times.map((_, k) => (k % 2 === 0 ? 6880 : 4100)),
      ),
    );
    return path;
  },
  async unreadable(): Promise<string> {
    const path = join(scratch, 'unreadable.csv');
    await writeFile(path, 'timestamp,open,high,low,close,volume\n2026-01-20T13:27:00Z,1,1,1,1,1\n');
    await chmod(path, 0o000);
    return path;
  },
};

const T0 = Date.UTC(2026, 0, 20, 13, 27);

/** A bar table with one price for O/H/L/C, volume 1, and an optional symbol column. */
function barsTable(times: number[], prices: number[], symbols?: string[]): Table {
  const price = () => vectorFromArray(prices, new Float64());
  return new Table({
    timestamp: vectorFromArray(times, new TimestampMillisecond('UTC')),
    ...(symbols ? { symbol: vectorFromArray(symbols, new Utf8()) } : {}),
    open: price(),
    high: price(),
    low: price(),
    close: price(),
    volume: vectorFromArray(
      times.map(() => 1),
      new Float64(),
    ),
  });
}

/** Whether this process can read a mode-000 file anyway (root can): then the EACCES case cannot happen. */
async function rootReadsAnything(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

interface ErrorCase {
  /** What the input is, in a few words. */
  what: string;
  input: string | (() => Promise<string>);
  options?: ReadOptions;
  /** The error's message must match this (file and row are part of every message). */
  fragment: RegExp;
  /** The 1-based row the error names, when it names one. */
  row?: number;
}

// prettier-ignore
const ERROR_CASES: ErrorCase[] = [
  { what: '1. gzip of 3 MiB of zeros: no line break', input: fixture('zeros.csv.gz'), fragment: /zeros\.csv\.gz, row 1: line 1 is longer than 1048576 bytes \(1 MiB\) without a line break \(it starts '\\u0000\\u0000/, row: 1 },
  { what: '1. 5 MiB of zeros, plain', input: generated.zeros, fragment: /zeros\.csv, row 1: line 1 is longer than 1048576 bytes/, row: 1 },
  { what: '1. a good header, then 3 MiB without a line break', input: generated.longLine, fragment: /long-line\.csv, row 2: line 2 is longer than 1048576 bytes \(1 MiB\).*it starts '0000/, row: 2 },
  { what: '1. 5 MiB of zeros named .parquet', input: generated.zerosParquet, fragment: /zeros\.parquet: not a Parquet file: it starts '\\u0000\\u0000\\u0000\\u0000', not 'PAR1'/ },
  { what: '2. a bar shifted to 1970', input: fixture('year-1970.csv'), fragment: /year-1970\.csv, row 3, field 'timestamp': '1970-01-20T13:28:00Z' \(1970-01-20T13:28:00\.000Z\) is before 1992-01-01, outside the plausible range/, row: 3 },
  { what: '2. a bar shifted to 2200', input: fixture('year-2200.csv'), fragment: /year-2200\.csv, row 4, field 'timestamp': '2200-01-20T13:29:00Z' \(2200-01-20T13:29:00\.000Z\) is after 2099-12-31/, row: 4 },
  { what: '2. epoch 0 (1970-01-01)', input: fixture('epoch-zero.csv'), fragment: /epoch-zero\.csv, row 3, field 'timestamp': '0' \(1970-01-01T00:00:00\.000Z\) is before 1992-01-01/, row: 3 },
  { what: '3. MES and MGC rows interleaved, with a symbol column', input: fixture('interleaved-symbols.csv'), fragment: /interleaved-symbols\.csv, row 3, field 'symbol': the file holds more than one symbol: 'MES' \(from row 2\) and 'MGC'.*one file per symbol/s, row: 3 },
  { what: '3. MES and MGC rows interleaved, no symbol column', input: fixture('interleaved-no-symbol.csv'), fragment: /interleaved-no-symbol\.csv, row 3: 12 of 24 rows repeat a timestamp with prices more than 1 % apart \(first: rows 2 and 3 both at 2026-01-20T13:27:00\.000Z, close 6880\.5 vs 4100\.2\): two series interleaved in one file\?.*one file per symbol/s, row: 3 },
  { what: '6. hourly bars given as one-minute bars', input: fixture('hourly-as-minute.csv'), options: { barMinutes: 1 }, fragment: /hourly-as-minute\.csv: consecutive bars are 60 minutes apart \(the median step inside a session\), far above the declared 1-minute bars.*timeframes\.sourceMinutes: 60/s },
  { what: '7. a directory named like a bar file', input: generated.directory, fragment: /MES_1m\.csv: cannot read the file: it is a directory, not a bar file.*Name the bar file inside it in data\.files/s },
  { what: '7. a directory without an extension', input: generated.directoryWithoutExtension, fragment: /data: cannot read the file: it is a directory/ },
  { what: '7. a symbolic link to itself', input: generated.symlinkLoop, fragment: /loop\.csv: cannot read the file: it is a symbolic link loop.*Fix the link/s },
  { what: '7. a file that does not exist', input: generated.missing, fragment: /nope\.csv: cannot read the file: no such file.*Check data\.files/s },
  { what: '3. Arrow: MES and MGC under one symbol column', input: generated.arrowTwoSymbols, fragment: /two-symbols\.arrow, row 2, field 'symbol': the file holds more than one symbol: 'MES' \(from row 1\) and 'MGC'/, row: 2 },
  { what: '3. Arrow: MES and MGC interleaved, no symbol column', input: generated.arrowInterleaved, fragment: /interleaved\.arrow, row 2: 12 of 24 rows repeat a timestamp .*first: rows 1 and 2 both at 2026-01-20T13:27:00\.000Z, close 6880 vs 4100/, row: 2 },
  { what: '2. Parquet: a bar in 2200', input: generated.parquet2200, fragment: /year-2200\.parquet, row 2, field 'timestamp': .*is after 2099-12-31/, row: 2 },
  { what: '8. a NUL byte inside a header name', input: fixture('nul-in-header.csv'), fragment: /nul-in-header\.csv, row 1, field 'high': no high column.*timestamp, open, hi\\u0000gh, low/s, row: 1 },
  { what: '8. a NUL byte inside a price', input: fixture('nul-in-price.csv'), fragment: /nul-in-price\.csv, row 3, field 'high': '68\\u000080\.25' is not a number/, row: 3 },
  { what: '8. terminal escapes around a timestamp', input: fixture('escape-in-timestamp.csv'), fragment: /escape-in-timestamp\.csv, row 3, field 'timestamp': '\\u001b\[31m2026-01-20T13:28:00Z\\u001b\[0m' is not a timestamp/, row: 3 },
  { what: '8. a 500-character bad value, quoted at 60', input: fixture('long-bad-value.csv'), fragment: /long-bad-value\.csv, row 3, field 'close': 'x{60}…' \(500 characters\) is not a number/, row: 3 },
  { what: '9. a time zone that does not exist, given to the reader directly', input: fixture('good.csv'), options: { timezone: 'Mars/Phobos' }, fragment: /unknown time zone 'Mars\/Phobos'/ },
];

describe('hostile-input corpus: errors', () => {
  it.each(ERROR_CASES)('$what', async ({ input, options, fragment, row }) => {
    const path = typeof input === 'string' ? input : await input();
    const error = await readBars(path, options).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DataError);
    const dataError = error as DataError;
    expect(dataError.message).toMatch(fragment);
    expect(dataError.hint).toBeTruthy();
    // No raw control character reaches the message (line breaks only between message and hint).
    expect([...dataError.message].filter((ch) => ch !== '\n' && ch.charCodeAt(0) < 0x20)).toEqual([]);
    if (row !== undefined) expect(dataError.location.row).toBe(row);
  });

  it('7. an unreadable file (chmod 000) is named with what to do', async (context) => {
    const path = await generated.unreadable();
    // Root reads mode-000 files; then the check runs as `nobody` (effective uid) where the process may switch.
    const asRoot = await rootReadsAnything(path);
    if (asRoot && typeof process.seteuid !== 'function') {
      context.skip('this process reads mode-000 files anyway (it runs as root) and cannot switch users, so EACCES cannot be produced');
    }
    if (asRoot) await chmod(scratch, 0o755);
    if (asRoot) process.seteuid?.(65534);
    try {
      await expect(readBars(path)).rejects.toThrow(/unreadable\.csv: cannot read the file: permission denied.*chmod u\+r/s);
    } finally {
      if (asRoot) process.seteuid?.(0);
    }
  });

  it('9. data.timezone: Mars/Phobos fails config validation naming the field, before ingest', () => {
    const error = (() => {
      try {
        parseConfig({ data: { timezone: 'Mars/Phobos' } });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(TribarError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['data.timezone']);
    expect((error as ConfigError).message).toMatch(/data\.timezone: unknown time zone "Mars\/Phobos"/);
  });

  it('with onBadRow: skip, a shifted bar is a skipped row, counted with its line', async () => {
    const { bars, stats } = await readBars(fixture('year-2200.csv'), { onBadRow: 'skip' });
    expect(bars.timestamp.length).toBe(2);
    expect(stats.badRowsSkipped).toBe(1);
    expect(stats.badRowSamples).toEqual([{ row: 4, field: 'timestamp', reason: expect.stringMatching(/is after 2099-12-31/) as string }]);
  });

  it('every file in the corpus folder is used by a case here', async () => {
    const used = new Set(
      [...ERROR_CASES.map((c) => c.input), ...Object.keys(OK_FILES).map(fixture)].filter(
        (input): input is string => typeof input === 'string',
      ),
    );
    const files = (await readdir(HOSTILE)).filter((name) => name !== 'README.md');
    expect(files.filter((name) => !used.has(fixture(name)))).toEqual([]);
  });
});

/** Corpus files that read (with a repair, a warning or a correct zone) rather than fail. */
const OK_FILES = {
  'exact-duplicate-rows.csv': '3. the same row twice: dropped as a duplicate, as before, without a warning',
  'empty-volume.csv': '4. an all-empty volume column: zeros, with a warning and volumeEmpty in the report',
  'dst-autumn-chicago.csv': '5. the repeated autumn hour, naive Chicago times: the second pass is the later instant',
  'dst-spring-chicago.csv': '5. the skipped spring hour: consecutive instants, no bar invented',
  'good.csv': 'a clean reference file (the stage tests pair it with a hostile one)',
} as const;

describe('hostile-input corpus: read, with the right repair or warning', () => {
  it(OK_FILES['exact-duplicate-rows.csv'], async () => {
    const { bars, stats } = await readBars(fixture('exact-duplicate-rows.csv'));
    expect(stats.warnings).toBeUndefined();
    const { bars: repaired, report } = repairBars(bars, { tickSize: 0.25 });
    expect(report.counts.duplicateTimestampsDropped).toBe(2);
    expect(repaired.timestamp.length).toBe(4);
  });

  it('3. a few duplicate times with prices far apart are kept-first as before, now with a warning naming the rows', async () => {
    const { stats } = await readBars(join(import.meta.dirname, 'fixtures/bad/duplicated-timestamps.csv'));
    expect(stats.warnings).toEqual([
      '3 duplicate timestamp(s) with prices more than 1 % apart (first: rows 3 and 4 both at 2026-01-20T13:28:00.000Z, close 6879.25 vs 1); the first in file order is kept',
    ]);
  });

  it(OK_FILES['empty-volume.csv'], async () => {
    const { bars, stats } = await readBars(fixture('empty-volume.csv'));
    expect(stats.volumeEmpty).toBe(true);
    expect(stats.warnings).toEqual(["every cell of the volume column 'volume' is empty: volume is read as 0 throughout"]);
    expect(repairBars(bars).bars.volume).toEqual(new Float64Array([0, 0, 0]));
    // A file with volume has neither field, so its report bytes are unchanged.
    const good = await readBars(fixture('good.csv'));
    expect(Object.keys(good.stats)).not.toContain('volumeEmpty');
    expect(Object.keys(good.stats)).not.toContain('warnings');
  });

  it(OK_FILES['dst-autumn-chicago.csv'], async () => {
    const { bars } = await readBars(fixture('dst-autumn-chicago.csv'), { timezone: 'America/Chicago' });
    // 01:00–01:59 CDT (UTC−5) is 06:00–06:59 UTC; the second pass, CST (UTC−6), 07:00–07:59 UTC.
    expect(Array.from(bars.timestamp, (t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '05:59',
      '06:00',
      '06:30',
      '06:59',
      '07:00',
      '07:30',
      '07:59',
      '08:00',
    ]);
    const { report } = repairBars(bars, { tickSize: 0.25 });
    expect(report.counts.duplicateTimestampsDropped).toBe(0);
    expect(report.counts.outOfOrderRows).toBe(0);
    expect(Array.from(repairBars(bars).bars.close)).toEqual([6880.25, 6880.5, 6880.75, 6881, 6881.25, 6881.5, 6881.75, 6882]);
  });

  it('5. an exact repeat inside the autumn hour stays a repeat (not moved to the second pass)', async () => {
    const path = join(scratch, 'dst-repeat.csv');
    await writeFile(
      path,
      'timestamp,open,high,low,close,volume\n2026-11-01 01:30,1,1,1,1,1\n2026-11-01 01:30,1,1,1,1,1\n2026-11-01 01:31,1,1,1,1,1\n',
    );
    const { bars } = await readBars(path, { timezone: 'America/Chicago' });
    expect(Array.from(bars.timestamp, (t) => new Date(t).toISOString().slice(11, 16))).toEqual(['06:30', '06:30', '06:31']);
  });

  it('5. Arrow: naive ms timestamps through the repeated hour take the later instant on the second pass', async () => {
    const path = join(scratch, 'dst-autumn.arrow');
    const wall = ['00:59', '01:00', '01:59', '01:00', '01:59', '02:00'].map((hm) => Date.parse(`2026-11-01T${hm}:00Z`));
    const prices = wall.map((_, k) => 6880 + k);
    await writeArrowFile(
      path,
      new Table({
        timestamp: vectorFromArray(wall, new TimestampMillisecond()),
        open: vectorFromArray(prices, new Float64()),
        high: vectorFromArray(prices, new Float64()),
        low: vectorFromArray(prices, new Float64()),
        close: vectorFromArray(prices, new Float64()),
        volume: vectorFromArray(prices, new Float64()),
      }),
    );
    const { bars } = await readBars(path, { timezone: 'America/Chicago' });
    expect(Array.from(bars.timestamp, (t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '05:59',
      '06:00',
      '06:59',
      '07:00',
      '07:59',
      '08:00',
    ]);
  });

  it(OK_FILES['dst-spring-chicago.csv'], async () => {
    const { bars } = await readBars(fixture('dst-spring-chicago.csv'), { timezone: 'America/Chicago' });
    // 01:59 CST is 07:59 UTC and 03:00 CDT is 08:00 UTC: one minute apart, nothing in between.
    expect(Array.from(bars.timestamp, (t) => new Date(t).toISOString().slice(11, 16))).toEqual(['07:58', '07:59', '08:00', '08:01']);
    const { bars: repaired, report } = repairBars(bars, { tickSize: 0.25 });
    expect(repaired.timestamp.length).toBe(4);
    expect(report.totalFixes).toBe(0);
  });

  it('6. one-minute bars pass the spacing check, and the hourly file passes when declared as 60-minute bars', async () => {
    await expect(readBars(fixture('good.csv'), { barMinutes: 1 })).resolves.toMatchObject({ stats: { rowsParsed: 30 } });
    await expect(readBars(fixture('hourly-as-minute.csv'), { barMinutes: 60 })).resolves.toMatchObject({ stats: { rowsParsed: 30 } });
  });
});
