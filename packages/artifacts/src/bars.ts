import type { ColumnSpec } from './artifact.js';

/** The columns every bar file (ingest, clean, features, labels) starts with. */
export const BAR_COLUMNS: readonly ColumnSpec[] = [
  { name: 'timestamp', type: 'timestamp' },
  { name: 'open', type: 'float64' },
  { name: 'high', type: 'float64' },
  { name: 'low', type: 'float64' },
  { name: 'close', type: 'float64' },
  { name: 'volume', type: 'float64' },
];
