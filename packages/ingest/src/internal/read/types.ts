import type { Bars } from '@tribar/market';
import type { ColumnMapping } from './columns.js';

export interface ReadOptions {
  /** Symbol stored on the bars; defaults to the file name up to the first `_`, `.` or `-`. */
  symbol?: string;
  /** IANA zone of timestamps that carry none (`data.timezone`). */
  timezone?: string;
  /** Explicit column names (`data.columns`); unmapped fields are found by alias. */
  columns?: ColumnMapping;
  /** A row that cannot be parsed: throw a `DataError` (default), or skip it and count it. */
  onBadRow?: 'error' | 'skip';
  /** Line numbers of skipped rows kept for the report (default 20). */
  maxBadRowSamples?: number;
}

/** What the reader saw, for `ingest-report.json`. */
export interface ReadStats {
  file: string;
  format: 'csv' | 'csv.gz' | 'parquet' | 'arrow';
  /** Data rows seen (excluding header and blank lines). */
  rowsRead: number;
  /** Rows turned into bars. */
  rowsParsed: number;
  badRowsSkipped: number;
  /** First few skipped rows: 1-based line (CSV) or row number, field and reason. */
  badRowSamples: { row: number; field: string; reason: string }[];
  blankLines: number;
  /** Column names used per bar field. */
  columns: Record<string, string>;
  delimiter?: string;
  timezone: string;
}

export interface ReadResult {
  bars: Bars;
  stats: ReadStats;
}
