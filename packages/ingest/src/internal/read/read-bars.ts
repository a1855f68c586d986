import { DataError } from '@tribar/core';
import { readCsvBars } from './csv.js';
import { readArrowBars, readParquetBars } from './table.js';
import type { ReadOptions, ReadResult } from './types.js';

/**
 * Read a bar file, choosing the reader by extension: `.csv`/`.txt`/`.tsv` (optionally `.gz`),
 * `.parquet`/`.pq`, `.arrow`/`.feather`/`.ipc`. Timestamps come back as UTC ms in file order;
 * pass the result to `repairBars` to sort, de-duplicate and fix OHLC violations.
 */
export async function readBars(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const lower = path.toLowerCase();
  if (/\.(csv|txt|tsv)(\.gz)?$/.test(lower) || lower.endsWith('.gz')) return readCsvBars(path, options);
  if (/\.(parquet|pq)$/.test(lower)) return readParquetBars(path, options);
  if (/\.(arrow|feather|ipc)$/.test(lower)) return readArrowBars(path, options);
  throw new DataError('unknown bar file type', { file: path }, { hint: 'Use .csv, .csv.gz, .parquet, .arrow or .feather.' });
}
