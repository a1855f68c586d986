import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond } from 'apache-arrow';
import { DataError, float64Column } from '@tribar/core';

/**
 * OHLCV bars of one symbol as parallel typed arrays: the shape every numeric kernel works on.
 * `timestamp` is milliseconds since the Unix epoch, UTC, marking the bar's start.
 * Extra per-bar columns (flags, counts) ride along in `columns`.
 */
export interface Bars {
  symbol: string;
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  columns: Record<string, Float64Array>;
}

export const OHLCV_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

export function emptyBars(symbol: string, length = 0): Bars {
  return {
    symbol,
    timestamp: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    columns: {},
  };
}

/**
 * New bars of the same symbol with `f` applied to every column, the extra ones included: the one
 * way to take rows (`(c) => c.slice(0, n)`), gather them (`(c) => Float64Array.from(rows, (i) => c[i])`)
 * or copy bars, so no caller forgets a column.
 */
export function mapBarColumns(bars: Bars, f: (column: Float64Array) => Float64Array): Bars {
  const columns: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(bars.columns)) columns[name] = f(values);
  return {
    symbol: bars.symbol,
    timestamp: f(bars.timestamp),
    open: f(bars.open),
    high: f(bars.high),
    low: f(bars.low),
    close: f(bars.close),
    volume: f(bars.volume),
    columns,
  };
}

export function barCount(bars: Bars): number {
  return bars.timestamp.length;
}

/**
 * Bars as an Arrow table: `timestamp` as a UTC millisecond timestamp column, the rest float64.
 * `keepViews`: a column that is a view into a larger buffer of its own (e.g. full-length features cut after the
 * warm-up) goes in as it is instead of copied; for tables written with `@tribar/core`'s `writeArrowFile`, which
 * writes each buffer as it is. A buffer two columns share is copied either way.
 */
export function barsToTable(bars: Bars, options: { keepViews?: boolean } = {}): Table {
  const n = bars.timestamp.length;
  const fields: Field[] = [new Field('timestamp', new TimestampMillisecond('UTC'), false)];
  const children = [makeData({ type: new TimestampMillisecond('UTC'), length: n, data: toInt64Millis(bars.timestamp) })];
  const numeric: [string, Float64Array][] = [
    ...OHLCV_FIELDS.map((name) => [name, bars[name]] as [string, Float64Array]),
    ...Object.entries(bars.columns),
  ];
  // Arrow's IPC writer emits one body per buffer: a typed array shared by two columns (or a view
  // into a larger buffer) writes a file that does not read back, so such columns are copied.
  const seen = new Set<ArrayBufferLike>();
  for (const [name, values] of numeric) {
    if (values.length !== n) throw new DataError(`column has ${values.length} values for ${n} bars`, { field: name });
    const view = values.byteOffset !== 0 || values.byteLength !== values.buffer.byteLength;
    const shared = seen.has(values.buffer) || (view && options.keepViews !== true);
    seen.add(values.buffer);
    fields.push(new Field(name, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: shared ? values.slice() : values }) as never);
  }
  const schema = new Schema(fields, new Map([['symbol', bars.symbol]]));
  const data = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

function toInt64Millis(timestamps: Float64Array): BigInt64Array {
  const out = new BigInt64Array(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) out[i] = BigInt(Math.round(timestamps[i] as number));
  return out;
}

/** Read bars back from a table written by `barsToTable` (or any table with those columns). */
export function tableToBars(table: Table, source = '<table>'): Bars {
  const symbol = table.schema.metadata.get('symbol') ?? '';
  const bars: Bars = {
    symbol,
    timestamp: float64Column(table, 'timestamp', source),
    open: float64Column(table, 'open', source),
    high: float64Column(table, 'high', source),
    low: float64Column(table, 'low', source),
    close: float64Column(table, 'close', source),
    volume: float64Column(table, 'volume', source),
    columns: {},
  };
  for (const field of table.schema.fields) {
    if (field.name === 'timestamp' || (OHLCV_FIELDS as readonly string[]).includes(field.name)) continue;
    bars.columns[field.name] = float64Column(table, field.name, source);
  }
  return bars;
}
