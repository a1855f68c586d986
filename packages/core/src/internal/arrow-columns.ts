import { endianness } from 'node:os';
import { DataType, Precision, TimeUnit, type Data, type Table, type Vector } from 'apache-arrow';
import { DataError } from './errors.js';

const TWO_TO_32 = 4_294_967_296;
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * How a column's stored values become numbers without apache-arrow's per-element visitor (≈ 40× slower: an
 * iterator step and, for 64-bit integers, a BigInt per value): `direct` for floats and integers up to 32 bits
 * (their conversion to a double is exact), `int64` for signed 64-bit integers and millisecond timestamps (read
 * as two 32-bit halves: `high · 2³² + low` is one correctly rounded addition of two exact doubles, so it equals
 * `Number(bigint)`), `undefined` for everything else (the visitor's own conversion is kept).
 */
function storage(type: DataType): 'direct' | 'int64' | undefined {
  if (DataType.isFloat(type)) return type.precision === Precision.HALF ? undefined : 'direct';
  if (DataType.isInt(type)) return type.bitWidth <= 32 ? 'direct' : type.isSigned && LITTLE_ENDIAN ? 'int64' : undefined;
  if (DataType.isTimestamp(type) && type.unit === TimeUnit.MILLISECOND && LITTLE_ENDIAN) return 'int64';
  return undefined;
}

/**
 * One chunk into `out` from `at`, nulls as NaN; false when a timestamp is outside the safe integers (apache-arrow
 * throws a TypeError for it: the caller falls back to the visitor, so the same error is thrown).
 */
function copyChunk(data: Data, kind: 'direct' | 'int64', timestamp: boolean, out: Float64Array, at: number): boolean {
  const n = data.length;
  const values = data.values as ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number };
  const nulls = data.nullCount > 0;
  if (kind === 'direct') {
    if (!nulls) out.set(values.length === n ? values : (values as unknown as Float64Array).subarray(0, n), at);
    else for (let i = 0; i < n; i++) out[at + i] = data.getValid(i) ? (values[i] as number) : Number.NaN;
    return true;
  }
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    if (nulls && !data.getValid(i)) {
      out[at + i] = Number.NaN;
      continue;
    }
    const value = (words[2 * i + 1] as number) * TWO_TO_32 + ((words[2 * i] as number) >>> 0);
    if (timestamp && (value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER)) return false;
    out[at + i] = value;
  }
  return true;
}

/**
 * A numeric Arrow column as a Float64Array, whatever its storage (float, int8/32, bigint,
 * timestamp in ms): nulls become NaN. A float64 column without nulls is copied in one go.
 * Throws a `DataError` naming the file and the column when it is missing.
 */
export function float64Column(table: Table, name: string, source = '<table>', hint?: string): Float64Array {
  const column = table.getChild(name) as Vector | null;
  if (!column) throw new DataError(`missing column '${name}'`, { file: source, field: name }, hint ? { hint } : {});
  if (column.nullCount === 0 && DataType.isFloat(column.type) && column.type.precision === Precision.DOUBLE) {
    return Float64Array.from(column.toArray() as Float64Array);
  }
  const out = new Float64Array(column.length);
  const kind = storage(column.type);
  if (kind !== undefined) {
    let at = 0;
    let fast = true;
    for (const data of column.data) {
      if (!copyChunk(data, kind, DataType.isTimestamp(column.type), out, at)) {
        fast = false;
        break;
      }
      at += data.length;
    }
    if (fast) return out;
  }
  let i = 0;
  for (const value of column) out[i++] = value == null ? Number.NaN : Number(value);
  return out;
}

/** Every column of a table as a Float64Array, by name, in schema order. */
export function float64Columns(table: Table, source = '<table>'): Record<string, Float64Array> {
  const columns: Record<string, Float64Array> = {};
  for (const field of table.schema.fields) columns[field.name] = float64Column(table, field.name, source);
  return columns;
}
