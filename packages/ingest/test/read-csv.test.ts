import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '@tribar/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDelimiter, readCsvBars, symbolFromPath } from '../src/internal/read/csv.js';
import { readBars } from '../src/internal/read/read-bars.js';
import { repairBars } from '../src/internal/repair/repair.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tribar-read-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csvFile(name: string, text: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const T0 = Date.UTC(2026, 0, 20, 13, 27);

describe('readCsvBars', () => {
  it('reads the canonical header and values exactly', async () => {
    const path = await csvFile(
      'MES_1m.csv',
      'timestamp,open,high,low,close,volume\n2026-01-20T13:27:00Z,6880.25,6880.5,6878.5,6880.0,446\n2026-01-20T13:28:00Z,6880.25,6880.25,6879.0,6879.25,391\n',
    );
    const { bars, stats } = await readCsvBars(path);
    expect(bars.symbol).toBe('MES');
    expect([...bars.timestamp]).toEqual([T0, T0 + 60_000]);
    expect([...bars.open]).toEqual([6880.25, 6880.25]);
    expect([...bars.high]).toEqual([6880.5, 6880.25]);
    expect([...bars.low]).toEqual([6878.5, 6879.0]);
    expect([...bars.close]).toEqual([6880.0, 6879.25]);
    expect([...bars.volume]).toEqual([446, 391]);
    expect(stats).toMatchObject({ rowsRead: 2, rowsParsed: 2, badRowsSkipped: 0, delimiter: ',', format: 'csv' });
  });

  it.each([
    ['Datetime;O;H;L;C;Vol', ';'],
    ['DATE_TIME\topen\thigh\tlow\tlast\ttrade_volume', '\t'],
    ['"ts","Open","High","Low","Close","V"', ','],
    ['\uFEFFTime,open,high,low,close,volume', ','],
  ])('resolves aliases in %j (delimiter %j)', async (header, delimiter) => {
    const row = ['2026-01-20T13:27:00Z', '10.5', '11', '10', '10.75', '7'].join(delimiter);
    const path = await csvFile(`alias-${Math.abs(header.length)}-${delimiter.charCodeAt(0)}.csv`, `${header}\r\n${row}\r\n`);
    const { bars, stats } = await readCsvBars(path, { symbol: 'X' });
    expect([bars.timestamp[0], bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([
      T0,
      10.5,
      11,
      10,
      10.75,
      7,
    ]);
    expect(stats.delimiter).toBe(delimiter);
  });

  it('reads decimal commas in semicolon files', async () => {
    const path = await csvFile(
      'eu.csv',
      'date;time;open;high;low;close;volume\n2026-01-20;13:27:00;1;1;1;1;1\n2026-01-20;13:28:00;6880,25;6880,5;6878,5;6880;446\n',
    );
    const { bars } = await readCsvBars(path);
    expect(bars.timestamp[1]).toBe(T0 + 60_000);
    expect(bars.open[1]).toBe(6880.25);
  });

  it('combines separate date and time columns, naive in the configured zone', async () => {
    const path = await csvFile(
      'split.csv',
      'Date,Time,Open,High,Low,Close,Volume\n2026-03-08,01:59,1,1,1,1,1\n2026-03-08,03:00:00,1,1,1,1,1\n20260309,08:30:00.250,1,1,1,1,1\n',
    );
    const { bars, stats } = await readCsvBars(path, { timezone: 'America/Chicago' });
    expect([...bars.timestamp]).toEqual([
      Date.parse('2026-03-08T07:59:00Z'),
      Date.parse('2026-03-08T08:00:00Z'),
      Date.parse('2026-03-09T13:30:00.250Z'),
    ]);
    expect(stats.columns).toMatchObject({ date: 'Date', time: 'Time' });
  });

  it('follows an explicit column mapping over aliases', async () => {
    const path = await csvFile('mapped.csv', 'when,first,top,bottom,last,close,size\n1768915620,1,3,0.5,2,99,10\n');
    const { bars, stats } = await readCsvBars(path, {
      columns: { timestamp: 'WHEN', open: 'first', high: 'top', low: 'bottom', close: 'last', volume: 'size' },
    });
    expect([bars.timestamp[0], bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([T0, 1, 3, 0.5, 2, 10]);
    expect(stats.columns.close).toBe('last');
  });

  it('names a mapped column that is absent', async () => {
    const path = await csvFile('mapped-missing.csv', 'timestamp,open,high,low,close,volume\n2026-01-20T13:27:00Z,1,1,1,1,1\n');
    await expect(readCsvBars(path, { columns: { close: 'settle' } })).rejects.toThrow(
      /column 'settle' \(mapped to close in data\.columns\) is not in the header/,
    );
  });

  it('reads gzip and treats epoch ms, a missing final newline and blank lines', async () => {
    const text = 'ts,open,high,low,close,volume\n1768915620000,1,2,0.5,1.5,3\n\n1768915680000,1.5,2,1,1.75,4';
    const path = await csvFile('epoch.csv.gz', gzipSync(Buffer.from(text)));
    const { bars, stats } = await readBars(path);
    expect([...bars.timestamp]).toEqual([T0, T0 + 60_000]);
    expect(bars.close[1]).toBe(1.75);
    expect(stats).toMatchObject({ format: 'csv.gz', rowsRead: 2, blankLines: 1 });
  });

  it('parses identically when lines straddle read chunks (a 12 MB file)', async () => {
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 220_000; i++)
      lines.push(
        `${new Date(T0 + i * 60_000).toISOString()},${1000 + i * 0.25},${1001 + i * 0.25},${999 + i * 0.25},${1000.5 + i * 0.25},${i}`,
      );
    const text = lines.join('\n') + '\n';
    const plain = await csvFile('big.csv', text);
    const gz = await csvFile('big.csv.gz', gzipSync(Buffer.from(text)));
    for (const path of [plain, gz]) {
      const { bars } = await readBars(path);
      expect(bars.timestamp.length).toBe(220_000);
      for (const i of [0, 1, 74_897, 149_795, 219_999]) {
        expect(bars.timestamp[i]).toBe(T0 + i * 60_000);
        expect(bars.open[i]).toBe(1000 + i * 0.25);
        expect(bars.volume[i]).toBe(i);
      }
    }
  });

  it('counts skipped bad rows with their lines when onBadRow is skip', async () => {
    const path = await csvFile(
      'skip.csv',
      'timestamp,open,high,low,close,volume\n2026-01-20T13:27:00Z,1,1,1,1,1\nnot-a-time,1,1,1,1,1\n2026-01-20T13:29:00Z,1,x,1,1,1\n2026-01-20T13:30:00Z,1,1,1,1,1\n',
    );
    const { bars, stats } = await readCsvBars(path, { onBadRow: 'skip' });
    expect(bars.timestamp.length).toBe(2);
    expect(stats.badRowsSkipped).toBe(2);
    expect(stats.badRowSamples).toEqual([
      { row: 3, field: 'timestamp', reason: "'not-a-time' is not a timestamp" },
      { row: 4, field: 'high', reason: "'x' is not a number" },
    ]);
  });

  it('detects delimiters and derives symbols', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('a,b;c,d')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
    expect(symbolFromPath('/x/mgc_1m_2026.csv.gz')).toBe('MGC');
  });

  it('rejects a missing file and an unknown extension with the path in the message', async () => {
    await expect(readBars(join(dir, 'nope.csv'))).rejects.toThrow(DataError);
    await expect(readBars(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: cannot read the file/);
    await expect(readBars(join(dir, 'bars.xlsx'))).rejects.toThrow(/bars\.xlsx: unknown bar file type/);
  });
});

const realData = join(import.meta.dirname, '../../../../shared/data');
const mesFile = join(realData, 'mes_1m_20260120_20260408.csv');

describe.skipIf(!existsSync(mesFile))('real MES one-minute file (../shared/data)', () => {
  it('loads 77,175 rows with the defaults; the first rows match the file', async () => {
    const { bars, stats } = await readBars(mesFile);
    expect(bars.symbol).toBe('MES');
    expect(stats.rowsParsed).toBe(77_175);
    expect(bars.timestamp.length).toBe(77_175);
    // First lines of the file: 2026-01-20T13:27:00Z,6880.25,6880.5,6878.5,6880.0,446 / ...13:28:00Z,6880.25,6880.25,6879.0,6879.25,391
    expect([bars.timestamp[0], bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([
      T0,
      6880.25,
      6880.5,
      6878.5,
      6880.0,
      446,
    ]);
    expect([bars.timestamp[1], bars.open[1], bars.high[1], bars.low[1], bars.close[1], bars.volume[1]]).toEqual([
      T0 + 60_000,
      6880.25,
      6880.25,
      6879.0,
      6879.25,
      391,
    ]);
    expect(bars.timestamp[77_174]).toBe(Date.parse('2026-04-08T23:29:00Z'));
  });

  it('loads the MGC file too: 64,543 rows on the 0.10 tick', async () => {
    const mgc = join(realData, 'mgc_1m_20260121_20260326.csv');
    if (!existsSync(mgc)) return;
    const { bars } = await readBars(mgc);
    expect(bars.symbol).toBe('MGC');
    const { report } = repairBars(bars, { tickSize: 0.1 });
    expect(report.rowsOut).toBe(64_543);
    expect(report.totalFixes).toBe(0);
    expect(report.counts.offTickRows).toBe(0);
  });

  it('needs no repair: sorted, unique, OHLC-consistent and on the 0.25 tick', async () => {
    const { bars } = await readBars(mesFile);
    const { report } = repairBars(bars, { tickSize: 0.25 });
    expect(report.rowsOut).toBe(77_175);
    expect(report.totalFixes).toBe(0);
    expect(report.counts.offTickRows).toBe(0);
    expect(report.warnings).toEqual([]);
  });
});
