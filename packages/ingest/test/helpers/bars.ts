import { mapBarColumns, type Bars } from '@tribar/market';

export type Row = [iso: string, open: number, high: number, low: number, close: number, volume: number];

/** Bars from readable rows (tests only: building objects per row is fine here). */
export function barsFrom(symbol: string, rows: Row[], columns: Record<string, number[]> = {}): Bars {
  const pick = (k: number) => Float64Array.from(rows, (row) => Number(row[k]));
  return {
    symbol,
    timestamp: Float64Array.from(rows, (row) => Date.parse(row[0])),
    open: pick(1),
    high: pick(2),
    low: pick(3),
    close: pick(4),
    volume: pick(5),
    columns: Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, Float64Array.from(values)])),
  };
}

/**
 * One bar per minute from `startIso`, closes as given, each bar opening at the previous close
 * and spanning ±`halfRange` around its body; `skip` lists minute offsets to leave out.
 */
export function minuteBars(
  symbol: string,
  startIso: string,
  closes: number[],
  options: { halfRange?: number; skip?: number[] } = {},
): Bars {
  const start = Date.parse(startIso);
  const skip = new Set(options.skip ?? []);
  const rows: Row[] = [];
  let previous = closes[0]!;
  closes.forEach((close, m) => {
    if (skip.has(m)) return;
    const open = previous;
    const half = options.halfRange ?? 0.25;
    rows.push([new Date(start + m * 60_000).toISOString(), open, Math.max(open, close) + half, Math.min(open, close) - half, close, 100]);
    previous = close;
  });
  return barsFrom(symbol, rows);
}

export const iso = (t: number): string => new Date(t).toISOString();

/** The rows of `bars` whose time passes `keep`, every column included (raw input may be unsorted: filtered, not sliced). */
export function rowsWhere(bars: Bars, keep: (t: number) => boolean): Bars {
  const rows: number[] = [];
  bars.timestamp.forEach((t, i) => {
    if (keep(t)) rows.push(i);
  });
  return mapBarColumns(bars, (column) => Float64Array.from(rows, (i) => column[i] as number));
}
