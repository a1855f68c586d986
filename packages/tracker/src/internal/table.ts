import type { RunRecord } from './record.js';

export interface RunsTableOptions {
  /** Metric columns, in this order; default: every metric any run has, sorted. */
  metrics?: string[];
  /** Param columns after the metrics; default: none. */
  params?: string[];
}

/**
 * A metric for reading, not for round-tripping: 4 significant digits (0.123456 → 0.1235),
 * integers as they are, and no rounding of large values to tens (12345.6 → 12346).
 */
export function formatMetricValue(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  if (Math.abs(value) >= 1e4) return String(Math.round(value));
  return String(Number(value.toPrecision(4)));
}

/** Runs as a plain-text table: run (first 8 id characters), name, status, metrics, params; `-` where a run lacks one. */
export function formatRunsTable(runs: readonly RunRecord[], options: RunsTableOptions = {}): string {
  const metricKeys = options.metrics ?? [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].sort();
  const paramKeys = options.params ?? [];
  const header = ['run', 'name', 'status', ...metricKeys, ...paramKeys];
  const rightAligned = header.map((_, column) => column >= 3 && column < 3 + metricKeys.length);
  const rows = runs.map((run) => [
    run.runId.slice(0, 8),
    run.runName,
    run.status,
    ...metricKeys.map((key) => {
      const metric = run.metrics[key];
      return metric === undefined ? '-' : formatMetricValue(metric.value);
    }),
    ...paramKeys.map((key) => run.params[key] ?? '-'),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}
