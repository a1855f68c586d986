import { DataType, Precision, type Table, type Vector } from 'apache-arrow';
import { DataError } from './errors.js';

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
