import type { ColumnSpec } from './artifact.js';

/** The time column of every table in the run folder: UTC milliseconds, ascending, the row key between files. */
export const TIMESTAMP_COLUMN = 'timestamp';

/** The columns every bar file (ingest, clean, features, labels) starts with. */
export const BAR_COLUMNS: readonly ColumnSpec[] = [
  { name: TIMESTAMP_COLUMN, type: 'timestamp' },
  { name: 'open', type: 'float64' },
  { name: 'high', type: 'float64' },
  { name: 'low', type: 'float64' },
  { name: 'close', type: 'float64' },
  { name: 'volume', type: 'float64' },
];
