import { open, stat } from 'node:fs/promises';
import { DataError } from '@tribar/core';
import { checkSeries, type RawRead } from './checks.js';
import { quoteCell } from './quote.js';
import { readCsvBars } from './csv.js';
import { readArrowBars, readParquetBars } from './table.js';
import type { ReadOptions, ReadResult } from './types.js';

const WHERE_FILES = 'Check data.files in the run config (a relative path is resolved from the directory the command runs in).';

/** A file-system error as a `DataError` naming the path and what to do, never a raw errno. */
function unreadable(path: string, error: unknown): DataError {
  const code = (error as NodeJS.ErrnoException).code;
  const [what, hint] =
    code === 'ENOENT'
      ? ['no such file', WHERE_FILES]
      : code === 'EISDIR'
        ? ['it is a directory, not a bar file', 'Name the bar file inside it in data.files.']
        : code === 'ELOOP'
          ? [
              'it is a symbolic link loop (too many levels of symbolic links)',
              'Fix the link (`ls -l` shows where it points) or name the real file in data.files.',
            ]
          : code === 'EACCES' || code === 'EPERM'
            ? ['permission denied (this user may not read it)', 'Make it readable (`chmod u+r`), or run as a user who can read it.']
            : code === 'ENOTDIR'
              ? ['a part of the path is a file, not a directory', WHERE_FILES]
              : [code ?? (error as Error).message, WHERE_FILES];
  return new DataError(`cannot read the file: ${what}`, { file: path }, { cause: error, hint });
}

/**
 * Fail before reading, with a typed error, when `path` is missing, a directory, a link loop or
 * unreadable. Returns the file's first four bytes (fewer when it is shorter).
 */
async function checkReadable(path: string): Promise<Uint8Array> {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw unreadable(path, error);
  }
}

/**
 * A Parquet file starts with `PAR1`. Checked before the reader loads the whole file into
 * memory, so a 2 GB file of zeros named `.parquet` fails at once rather than after reading it.
 */
function checkParquetMagic(path: string, head: Uint8Array): void {
  if (head.length === 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return;
  const shown = quoteCell(String.fromCharCode(...head));
  throw new DataError(
    `not a Parquet file: it ${head.length === 0 ? 'is empty' : `starts ${shown}, not 'PAR1'`}`,
    { file: path },
    { hint: 'Check that data.files names the right file, and that its extension matches its format (.csv, .parquet, .arrow).' },
  );
}

/**
 * Read a bar file, choosing the reader by extension: `.csv`/`.txt`/`.tsv` (optionally `.gz`),
 * `.parquet`/`.pq`, `.arrow`/`.feather`/`.ipc`. Timestamps come back as UTC ms in file order;
 * pass the result to `repairBars` to sort, de-duplicate and fix OHLC violations. A file that
 * holds two interleaved series, or bars far sparser than `options.barMinutes`, fails here.
 */
export async function readBars(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const lower = path.toLowerCase();
  const reader =
    /\.(csv|txt|tsv)(\.gz)?$/.test(lower) || lower.endsWith('.gz')
      ? readCsvBars
      : /\.(parquet|pq)$/.test(lower)
        ? readParquetBars
        : /\.(arrow|feather|ipc)$/.test(lower)
          ? readArrowBars
          : undefined;
  if (!reader) {
    const folder = await stat(path).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (folder) throw unreadable(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    throw new DataError('unknown bar file type', { file: path }, { hint: 'Use .csv, .csv.gz, .parquet, .arrow or .feather.' });
  }
  const head = await checkReadable(path);
  if (reader === readParquetBars) checkParquetMagic(path, head);
  const read: RawRead = await reader(path, options);
  return checkSeries(read, options.barMinutes === undefined ? {} : { barMinutes: options.barMinutes });
}
