import type { ReadStatsFile } from '@tribar/artifacts';
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
  /**
   * Declared bar length in minutes (`timeframes.sourceMinutes`): a file whose median step
   * between bars is more than three times it fails. Omitted → not checked.
   */
  barMinutes?: number;
}

/** What the reader saw: its entry of `ingest-report.json`, so the contract's type. */
export type ReadStats = ReadStatsFile;

export interface ReadResult {
  bars: Bars;
  stats: ReadStats;
}
