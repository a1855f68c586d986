/**
 * The CSV reader has a fast path for plain rows and a general path for everything else;
 * this checks on random cell spellings that both agree with a plain reference parse
 * (`Number` for numbers, `Date.parse` for timestamps), whichever path a row takes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvBars } from '../src/internal/read/csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tribar-read-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A number and one way a file might spell it; `value` is what the reader must return. */
const numberCell = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => ({ text: String(x), value: Number(String(x)) })),
  fc.integer({ min: 0, max: 400_000 }).map((k) => ({ text: String(k / 4), value: k / 4 })),
  fc.integer({ min: 0, max: 99_999 }).map((k) => ({ text: (k / 100).toFixed(2), value: Number((k / 100).toFixed(2)) })),
  fc.double({ min: 1, max: 1e4, noNaN: true }).map((x) => ({ text: x.toExponential(3), value: Number(x.toExponential(3)) })),
  fc.integer({ min: 0, max: 9999 }).map((k) => ({ text: `"${k}.5"`, value: k + 0.5 })),
  fc.integer({ min: 0, max: 9999 }).map((k) => ({ text: ` ${k} `, value: k })),
  fc.integer({ min: 0, max: 9999 }).map((k) => ({ text: `+${k}`, value: k })),
  fc.constantFrom(
    { text: '', value: Number.NaN },
    { text: 'NaN', value: Number.NaN },
    { text: 'null', value: Number.NaN },
    { text: '007.50', value: 7.5 },
    { text: '-0.25', value: -0.25 },
    { text: '.5', value: 0.5 },
  ),
);

const T0 = Date.UTC(2026, 0, 20, 13, 27);
const timestampCell = fc.integer({ min: 0, max: 500_000 }).chain((k) => {
  const ms = T0 + k * 60_000;
  const iso = new Date(ms).toISOString();
  return fc.constantFrom(
    { text: iso, value: ms },
    { text: `${iso.slice(0, 19)}Z`, value: ms },
    { text: `${iso.slice(0, 19)}+00:00`, value: ms },
    { text: `"${iso}"`, value: ms },
    { text: String(ms / 1000), value: ms },
    { text: String(ms), value: ms },
  );
});

const row = fc.tuple(timestampCell, numberCell, numberCell, numberCell, numberCell, numberCell);

describe('CSV fast and general paths agree with a reference parse', () => {
  it('on random spellings of valid rows', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), fc.constantFrom('\n', '\r\n'), async (rows, eol) => {
        const path = join(dir, `fuzz-${run++}.csv`);
        const lines = ['timestamp,open,high,low,close,volume', ...rows.map((cells) => cells.map((cell) => cell.text).join(','))];
        await writeFile(path, lines.join(eol) + eol);
        const { bars, stats } = await readCsvBars(path);
        expect(stats.rowsParsed).toBe(rows.length);
        expect([...bars.timestamp]).toEqual(rows.map((cells) => cells[0].value));
        const columns = [bars.open, bars.high, bars.low, bars.close, bars.volume];
        columns.forEach((column, k) => expect([...column]).toEqual(rows.map((cells) => (cells[k + 1] as { value: number }).value)));
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('rejects the same bad cells on either path, at the right line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('1x', 'abc', '1.2.3', '--1', '0x1f', 'Infinity', '1e'),
        fc.integer({ min: 0, max: 4 }),
        async (before, bad, column) => {
          const good = '2026-01-20T13:27:00Z,1,2,0.5,1.5,3';
          const cells = good.split(',');
          cells[column + 1] = bad;
          const lines = ['timestamp,open,high,low,close,volume', ...Array.from({ length: before }, () => good), cells.join(',')];
          const path = join(dir, `bad-${before}-${column}.csv`);
          await writeFile(path, lines.join('\n') + '\n');
          const field = ['open', 'high', 'low', 'close', 'volume'][column] as string;
          await expect(readCsvBars(path)).rejects.toThrow(`row ${before + 2}, field '${field}': '${bad}' is not a number`);
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });
});
