/**
 * Arrow tables (from Parquet via parquet-wasm, or Arrow IPC / Feather v2 files) → Bars, with
 * the same column aliases and timestamp rules as the CSV reader. Columns are converted from
 * their typed buffers directly; only unusual types fall back to `vector.get(i)`.
 */
import { readArrowFile, readParquetFile, DataError } from '@tribar/core';
import { DataType, TimeUnit, type Data, type Table, type Vector } from 'apache-arrow';
import { BarsBuilder } from './builder.js';
import { resolveColumns } from './columns.js';
import { symbolFromPath } from './csv.js';
import { outOfRange, outOfRangeReason, parseDecimal } from './number.js';
import { quoteCell, showName } from './quote.js';
import { BAR_ERA_HINT, barEraReason, outsideBarEra, TIMESTAMP_FORMATS_HINT, TimestampParser, ZoneConverter } from './timestamp.js';
import type { RawRead } from './checks.js';
import type { ReadOptions, ReadStats } from './types.js';

const encoder = new TextEncoder();

interface BadCell {
  field: string;
  reason: string;
}

/** Collects unparseable cells per row; the earliest row is the one reported. */
class BadRows {
  readonly rows = new Map<number, BadCell>();
  mark(row: number, field: string, reason: string): void {
    if (!this.rows.has(row)) this.rows.set(row, { field: showName(field), reason });
  }
}

/** Epoch number of unknown unit → ms, by magnitude (same thresholds as text epochs). */
function epochNumberToMs(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude < 1e11) return Math.floor(value * 1000);
  if (magnitude < 1e14) return Math.floor(value);
  if (magnitude < 1e17) return Math.floor(value / 1e3);
  return Math.floor(value / 1e6);
}

function epochBigIntToMs(value: bigint): number {
  const magnitude = value < 0n ? -value : value;
  if (magnitude < 100_000_000_000n) return Number(value) * 1000;
  if (magnitude < 100_000_000_000_000n) return Number(value);
  // BigInt division truncates toward zero; fine for post-1970 bar data, exact unlike Number(ns) / 1e6.
  if (magnitude < 100_000_000_000_000_000n) return Number(value / 1000n);
  return Number(value / 1_000_000n);
}

/** Two 32-bit words per int64, little-endian: read without creating a BigInt per row. */
function int64Words(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** The int64 at `i` as a number; exact below 2^53, which covers every ms or s timestamp. */
function int64At(words: Int32Array, i: number): number {
  return (words[2 * i + 1] as number) * 4_294_967_296 + ((words[2 * i] as number) >>> 0);
}

/** Bytes of a UTF-8 string cell from the data buffers, or undefined when the type has none. */
function stringBuffers(data: Data): { values: Uint8Array; offsets: Int32Array | BigInt64Array } | undefined {
  if (!(DataType.isUtf8(data.type) || DataType.isLargeUtf8(data.type))) return undefined;
  return { values: data.values as Uint8Array, offsets: data.valueOffsets as Int32Array | BigInt64Array };
}

// How a chunk's timestamps are stored, decided once per chunk rather than per row.
const EPOCH_WORDS = 1;
const EPOCH_BIGINT = 2;
const DATE = 3;
const NUMBER = 4;
const STRING = 5;
const DICTIONARY = 6;
const GENERIC = 7;

function timestampMode(type: DataType): number {
  if (DataType.isTimestamp(type)) return type.unit === TimeUnit.SECOND || type.unit === TimeUnit.MILLISECOND ? EPOCH_WORDS : EPOCH_BIGINT;
  if (DataType.isDate(type)) return DATE;
  if (DataType.isInt(type) || DataType.isFloat(type)) return NUMBER;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return STRING;
  if (DataType.isDictionary(type)) return DICTIONARY;
  return GENERIC;
}

function timestampColumn(vector: Vector, field: string, zone: ZoneConverter, out: Float64Array, bad: BadRows): void {
  const parser = new TimestampParser(zone);
  let zoneKind = 0;
  let row = 0;
  for (const data of vector.data) {
    const type = data.type;
    const mode = timestampMode(type);
    const hasNulls = data.nullCount > 0;
    const strings = stringBuffers(data);
    const words = mode === EPOCH_WORDS ? int64Words(data.values as BigInt64Array) : undefined;
    const scale = mode === EPOCH_WORDS && type.unit === TimeUnit.SECOND ? 1000 : 1;
    const unit = DataType.isTimestamp(type) || DataType.isDate(type) ? (type.unit as number) : 0;
    // Arrow marks naive timestamps with a null zone: those are wall times in data.timezone.
    const naive = (mode === EPOCH_WORDS || mode === EPOCH_BIGINT) && !(type as { timezone?: string | null }).timezone;
    let dictionaryValues: Float64Array | undefined;
    let dictionaryZone: Uint8Array | undefined;
    if (mode === DICTIONARY) {
      // Each distinct string parsed once: Parquet string timestamps often arrive dictionary-encoded.
      const dictionary = data.dictionary as Vector;
      dictionaryValues = new Float64Array(dictionary.length);
      dictionaryZone = new Uint8Array(dictionary.length);
      for (let k = 0; k < dictionary.length; k++) {
        dictionaryValues[k] = genericTimestamp(dictionary.get(k), parser);
        dictionaryZone[k] = parser.lastHadZone ? 2 : 1;
      }
    }
    for (let i = 0; i < data.length; i++, row++) {
      if (hasNulls && !data.getValid(i)) {
        bad.mark(row, field, 'timestamp is missing (null)');
        continue;
      }
      let ms: number;
      let kind = 2;
      if (mode === EPOCH_WORDS) {
        ms = int64At(words as Int32Array, i) * scale;
        if (naive) ms = parser.naiveToUtc(ms);
      } else if (mode === EPOCH_BIGINT) {
        const raw = (data.values as BigInt64Array)[i] as bigint;
        ms = unit === TimeUnit.MICROSECOND ? Number(raw / 1000n) : Number(raw / 1_000_000n);
        if (naive) ms = parser.naiveToUtc(ms);
      } else if (mode === DATE) {
        const raw = (data.values as Int32Array | BigInt64Array)[i] as number | bigint;
        ms = zone.toUtc(typeof raw === 'bigint' ? Number(raw) : unit === 0 ? raw * 86_400_000 : raw);
        kind = 1;
      } else if (mode === NUMBER) {
        const raw = (data.values as ArrayLike<number | bigint>)[i] as number | bigint;
        ms = typeof raw === 'bigint' ? epochBigIntToMs(raw) : epochNumberToMs(raw);
      } else if (mode === STRING && strings) {
        ms = parser.parse(strings.values, Number(strings.offsets[i]), Number(strings.offsets[i + 1]));
        kind = parser.lastHadZone ? 2 : 1;
      } else if (mode === DICTIONARY && dictionaryValues && dictionaryZone) {
        const key = Number((data.values as ArrayLike<number | bigint>)[i]);
        ms = dictionaryValues[key] as number;
        kind = dictionaryZone[key] as number;
      } else {
        ms = genericTimestamp(vector.get(row), parser);
        kind = parser.lastHadZone ? 2 : 1;
      }
      if (ms !== ms) {
        bad.mark(row, field, `${quoteCell(String(vector.get(row)))} is not a timestamp`);
        continue;
      }
      if (outsideBarEra(ms)) {
        bad.mark(row, field, barEraReason(String(vector.get(row)), ms));
        continue;
      }
      if (zoneKind === 0) zoneKind = kind;
      else if (kind !== zoneKind) bad.mark(row, field, 'mixes timestamps with and without a zone');
      out[row] = ms;
      parser.previous = ms;
    }
  }
}

/** Any other cell: a Date, an epoch number or bigint, or text parsed like a CSV cell. */
function genericTimestamp(value: unknown, parser: TimestampParser): number {
  parser.lastHadZone = true;
  if (value == null) return Number.NaN;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return epochBigIntToMs(value);
  if (typeof value === 'number') return epochNumberToMs(value);
  const text = encoder.encode(String(value));
  return parser.parse(text, 0, text.length);
}

function numericColumn(vector: Vector, field: string, out: Float64Array, bad: BadRows): void {
  let row = 0;
  for (const data of vector.data) {
    const type = data.type;
    const strings = stringBuffers(data);
    const direct = DataType.isInt(type) || DataType.isFloat(type);
    const values = data.values as ArrayLike<number | bigint>;
    const hasNulls = data.nullCount > 0;
    if (direct && !hasNulls && values instanceof Float64Array) {
      out.set(values.subarray(0, data.length), row);
      for (let i = 0; i < data.length; i++) {
        if (outOfRange(values[i] as number)) bad.mark(row + i, field, outOfRangeReason(String(values[i])));
      }
      row += data.length;
      continue;
    }
    for (let i = 0; i < data.length; i++, row++) {
      if (hasNulls && !data.getValid(i)) {
        out[row] = Number.NaN;
        continue;
      }
      let value: number;
      if (direct) value = Number(values[i]);
      else if (strings) value = parseDecimal(strings.values, Number(strings.offsets[i]), Number(strings.offsets[i + 1]), false);
      else {
        const raw = vector.get(row) as unknown;
        value = raw == null ? Number.NaN : Number(typeof raw === 'object' ? String(raw) : raw);
        if (Number.isNaN(value) && raw != null) value = Number.NEGATIVE_INFINITY;
      }
      if (value === Number.NEGATIVE_INFINITY) {
        bad.mark(row, field, `${quoteCell(String(vector.get(row)))} is not a number`);
        continue;
      }
      if (outOfRange(value)) {
        bad.mark(row, field, outOfRangeReason(String(vector.get(row))));
        continue;
      }
      out[row] = value;
    }
  }
}

/** A symbol column must hold one symbol (see the CSV reader): the first other value fails the read. */
function checkOneSymbol(vector: Vector, field: string, file: string): void {
  let first: string | undefined;
  let firstRow = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector.get(i) as unknown;
    const text = value == null ? '' : String(value).trim();
    if (first === undefined) {
      first = text;
      firstRow = i + 1;
    } else if (text !== first) {
      throw new DataError(
        `the file holds more than one symbol: ${quoteCell(first)} (from row ${firstRow}) and ${quoteCell(text)}`,
        { file, row: i + 1, field: showName(field) },
        { hint: 'Tribar reads one file per symbol: split the file by its symbol column and list each file in data.files.' },
      );
    }
  }
}

/** Bars from an Arrow table that came from `file` (used in messages). */
export function tableToBarsWithAliases(table: Table, file: string, format: 'parquet' | 'arrow', options: ReadOptions = {}): RawRead {
  const header = table.schema.fields.map((f) => f.name);
  const columns = resolveColumns(header, options.columns ?? {}, file);
  const n = table.numRows;
  const stats: ReadStats = {
    file,
    format,
    rowsRead: n,
    rowsParsed: 0,
    badRowsSkipped: 0,
    badRowSamples: [],
    blankLines: 0,
    columns: columns.names,
    timezone: options.timezone ?? 'UTC',
  };
  if (n === 0) throw new DataError('the table has no rows', { file }, { hint: 'Check that the right file is configured.' });
  if (columns.symbol >= 0) checkOneSymbol(table.getChildAt(columns.symbol) as Vector, header[columns.symbol] as string, file);
  const zone = new ZoneConverter(options.timezone ?? 'UTC');
  const bad = new BadRows();
  const builder = new BarsBuilder(n);
  builder.length = n;
  const source = columns.timestamp;
  const child = (index: number): Vector => table.getChildAt(index) as Vector;
  if (source.kind === 'single') {
    timestampColumn(child(source.index), header[source.index] as string, zone, builder.timestamp, bad);
  } else {
    // Date + time columns in a table are rare; combine them as text and parse like a CSV cell.
    const dates = child(source.dateIndex);
    const times = child(source.timeIndex);
    const parser = new TimestampParser(zone);
    for (let i = 0; i < n; i++) {
      const date = dates.get(i) as unknown;
      const dateText = date instanceof Date ? date.toISOString().slice(0, 10) : String(date);
      const text = encoder.encode(`${dateText} ${String(times.get(i))}`);
      const ms = parser.parse(text, 0, text.length);
      if (Number.isNaN(ms))
        bad.mark(i, header[source.timeIndex] as string, `${quoteCell(`${dateText} ${String(times.get(i))}`)} is not a timestamp`);
      else if (outsideBarEra(ms)) bad.mark(i, header[source.timeIndex] as string, barEraReason(`${dateText} ${String(times.get(i))}`, ms));
      else parser.previous = ms;
      builder.timestamp[i] = ms;
    }
  }
  const targets = [builder.open, builder.high, builder.low, builder.close, builder.volume];
  const indices = [columns.open, columns.high, columns.low, columns.close, columns.volume];
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k] as number;
    const target = targets[k] as Float64Array;
    if (index < 0) continue;
    numericColumn(child(index), header[index] as string, target, bad);
  }

  let bars = builder.finish(options.symbol ?? symbolFromPath(file));
  let dropped: number[] = [];
  if (bad.rows.size > 0) {
    const sorted = [...bad.rows.keys()].sort((a, b) => a - b);
    dropped = sorted;
    if ((options.onBadRow ?? 'error') === 'error') {
      const first = sorted[0] as number;
      const cell = bad.rows.get(first) as BadCell;
      throw new DataError(
        cell.reason,
        { file, row: first + 1, field: cell.field },
        {
          hint: cell.reason.includes('plausible range')
            ? BAR_ERA_HINT
            : cell.reason.includes('timestamp')
              ? TIMESTAMP_FORMATS_HINT
              : "Fix the data, or set data.onBadRow to 'skip' to drop such rows (counted in the report).",
        },
      );
    }
    const maxSamples = options.maxBadRowSamples ?? 20;
    for (const row of sorted.slice(0, maxSamples)) {
      const cell = bad.rows.get(row) as BadCell;
      stats.badRowSamples.push({ row: row + 1, field: cell.field, reason: cell.reason });
    }
    stats.badRowsSkipped = sorted.length;
    bars = dropRows(bars, bad.rows);
  }
  stats.rowsParsed = bars.timestamp.length;
  if (stats.rowsParsed === 0) throw new DataError(`none of its ${n} rows could be parsed`, { file });
  // Row k of the bars is table row k + 1 plus the dropped rows before it (dropped is sorted).
  const rowOf = (index: number): number => {
    let row = index;
    for (const skipped of dropped) {
      if (skipped > row) break;
      row++;
    }
    return row + 1;
  };
  return { bars, stats, rowOf };
}

function dropRows(bars: ReturnType<BarsBuilder['finish']>, rows: Map<number, BadCell>): ReturnType<BarsBuilder['finish']> {
  const n = bars.timestamp.length;
  const kept = n - rows.size;
  const builder = new BarsBuilder(kept);
  for (let i = 0; i < n; i++) {
    if (rows.has(i)) continue;
    const j = builder.next();
    builder.timestamp[j] = bars.timestamp[i] as number;
    builder.open[j] = bars.open[i] as number;
    builder.high[j] = bars.high[i] as number;
    builder.low[j] = bars.low[i] as number;
    builder.close[j] = bars.close[i] as number;
    builder.volume[j] = bars.volume[i] as number;
  }
  return builder.finish(bars.symbol);
}

/** Read a Parquet file of bars (any column names the aliases or `columns` mapping resolve). */
export async function readParquetBars(path: string, options: ReadOptions = {}): Promise<RawRead> {
  return tableToBarsWithAliases(await readParquetFile(path), path, 'parquet', options);
}

/** Read an Arrow IPC file (`.arrow`, `.feather` v2, `.ipc`) of bars. */
export async function readArrowBars(path: string, options: ReadOptions = {}): Promise<RawRead> {
  return tableToBarsWithAliases(await readArrowFile(path), path, 'arrow', options);
}
