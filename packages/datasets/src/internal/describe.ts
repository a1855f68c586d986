import type { Dataset } from './types.js';

/** Rows per class, indexed by class id: [short, neutral, long]. */
export function classCounts(ds: Dataset): [number, number, number] {
  const counts: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < ds.rows; i++) counts[ds.y[i] as 0 | 1 | 2]++;
  return counts;
}

export interface DatasetSummary {
  kind: Dataset['kind'];
  symbol: string;
  horizon: number;
  split: Dataset['split'];
  rows: number;
  shape: readonly number[];
  classes: { short: number; neutral: number; long: number };
  /** Share of each class in rows (0 when the dataset is empty). */
  shares: { short: number; neutral: number; long: number };
  /** Sum of the sample weights. */
  weightSum: number;
  /** ISO time of the first and last row (t of the first and last window); null when empty. */
  first: string | null;
  last: string | null;
}

/** A JSON-friendly summary for logs: size, class mix, time range. */
export function describeDataset(ds: Dataset): DatasetSummary {
  const [short, neutral, long] = classCounts(ds);
  const share = (count: number) => (ds.rows > 0 ? count / ds.rows : 0);
  let weightSum = 0;
  for (let i = 0; i < ds.rows; i++) weightSum += ds.weights[i] as number;
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    kind: ds.kind,
    symbol: ds.symbol,
    horizon: ds.horizon,
    split: ds.split,
    rows: ds.rows,
    shape: ds.shape,
    classes: { short, neutral, long },
    shares: { short: share(short), neutral: share(neutral), long: share(long) },
    weightSum,
    first: iso(ds.timestampMs[0]),
    last: iso(ds.timestampMs.at(-1)),
  };
}
