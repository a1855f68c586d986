import type { TopLevelSpec } from 'vega-lite';
import type { ModelEquity } from './train-data.js';

/** Points kept per equity curve in the chart: the SVG stays small for long test parts. */
const EQUITY_POINTS = 800;

/**
 * Indexes of at most `limit` points that keep a curve's shape: per bucket its lowest and highest
 * point (so drawdowns stay visible), plus the first and last point. NaN points are skipped.
 */
export function decimateIndexes(values: Float64Array, limit = EQUITY_POINTS): number[] {
  const n = values.length;
  const finite: number[] = [];
  if (n <= limit) {
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i] as number)) finite.push(i);
    return finite;
  }
  const buckets = Math.max(1, Math.floor((limit - 2) / 2));
  const size = n / buckets;
  const picked = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < (values[lo] as number)) lo = i;
      if (hi < 0 || v > (values[hi] as number)) hi = i;
    }
    if (lo >= 0) picked.add(lo);
    if (hi >= 0) picked.add(hi);
  }
  for (const edge of [0, n - 1]) if (Number.isFinite(values[edge] as number)) picked.add(edge);
  return [...picked].sort((a, b) => a - b);
}

/** The chart's rows: one per kept point of every curve. */
function modelEquityRows(
  curves: readonly ModelEquity[],
  limit = EQUITY_POINTS,
): Array<{ symbol: string; model: string; horizon: string; time: number; usd: number }> {
  const rows: Array<{ symbol: string; model: string; horizon: string; time: number; usd: number }> = [];
  for (const curve of curves) {
    const horizon = `H${curve.horizon}`;
    for (const i of decimateIndexes(curve.equityUsd, limit)) {
      const time = curve.timestamp[i] as number;
      if (Number.isFinite(time)) rows.push({ symbol: curve.symbol, model: curve.model, horizon, time, usd: curve.equityUsd[i] as number });
    }
  }
  return rows;
}

/** Every model's equity on the test bars in one line chart: a panel per symbol, colour = model, dash = horizon. */
export function modelEquitySpec(curves: readonly ModelEquity[]): TopLevelSpec {
  const values = modelEquityRows(curves);
  return {
    title: 'Model equity on the test part (USD per contract, net of costs)',
    data: { values },
    width: 520,
    height: 200,
    facet: { field: 'symbol', type: 'nominal', title: null, sort: [...new Set(values.map((row) => row.symbol))] },
    columns: 2,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'time', type: 'temporal', title: null, scale: { type: 'utc' }, axis: { labelOverlap: true } },
        y: { field: 'usd', type: 'quantitative', title: 'USD' },
        color: { field: 'model', type: 'nominal', title: 'model' },
        strokeDash: { field: 'horizon', type: 'nominal', title: 'horizon' },
      },
    },
  } as TopLevelSpec;
}
