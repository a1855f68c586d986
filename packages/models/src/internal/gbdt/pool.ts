// Histogram building in worker threads (placeholder: single-threaded until the pool lands).
import type { HistogramFactory } from './booster.js';

export interface HistogramWorkers {
  factory: HistogramFactory;
  close(): Promise<void>;
}

/** Workers worth starting for this data: 1 below the size where threads pay for themselves. */
export function workersFor(requested: number, rows: number, cols: number): number {
  return rows * cols >= 4_000_000 ? Math.min(requested, 1) : 1;
}

export async function histogramWorkers(count: number): Promise<HistogramWorkers> {
  throw new Error(`histogram workers (${count}) are not available yet`);
}
