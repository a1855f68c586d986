import {
  barsToHitColumn,
  fwdReturnColumn,
  LABEL_TIMESTAMP_COLUMN,
  labelColumn,
  labelEndIndexColumn,
  labelEndTimeColumn,
  maeColumn,
  mfeColumn,
  touchTypeColumn,
} from '@tribar/artifacts';
import { DataError, float64Columns } from '@tribar/core';
import { INVALID_LABEL } from '@tribar/quant';
import {
  Field,
  Float64,
  Int32,
  Int8,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  type DataType,
} from 'apache-arrow';
import { type StageLabels } from './label-bars.js';

/** The schema metadata key that names the symbol (as market's `barsToTable` writes it). */
const SYMBOL_METADATA = 'symbol';

/** A column of a label file: int8 labels and touch types, int32 counts and indices, float64 the rest. */
export type LabelColumn = Int8Array | Int32Array | Float64Array;

/**
 * `kind: 'time'` marks UTC millisecond timestamps whose NaN is written as null; `kind: 'end'` an
 * end index whose time (`timestamp[index]`, null at −1) is the column, written straight into the
 * Arrow buffer without a float64 column of end times first.
 */
export type NamedColumn =
  { name: string; values: LabelColumn; kind?: 'time' } | { name: string; values: Int32Array; kind: 'end'; timestamp: Float64Array };

/** The per-horizon columns of the kernel's result, named as in the label files (`label_h5`, …). */
export function kernelColumns(horizon: number, result: StageLabels, timestamp: Float64Array): NamedColumn[] {
  return [
    { name: labelColumn(horizon), values: result.label },
    { name: barsToHitColumn(horizon), values: result.barsToHit },
    { name: maeColumn(horizon), values: result.mae },
    { name: mfeColumn(horizon), values: result.mfe },
    { name: touchTypeColumn(horizon), values: result.touchType },
    { name: labelEndIndexColumn(horizon), values: result.endIndex },
    { name: labelEndTimeColumn(horizon), values: result.endIndex, kind: 'end', timestamp },
    { name: fwdReturnColumn(horizon), values: result.forwardReturn },
  ];
}

const TWO_32 = 4294967296;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * An int64 millisecond column with its validity: row i holds `time(i)` rounded (as
 * `BigInt(Math.round(t))` would), null where it is not finite. The two 32-bit halves are written
 * through an Int32 view: a BigInt per row cost more than the labeling of the row.
 */
function timeData(n: number, time: (i: number) => number) {
  const millis = new BigInt64Array(n);
  const words = new Int32Array(millis.buffer);
  const validity = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const value = time(i);
    if (Number.isFinite(value)) {
      const ms = Math.round(value);
      if (LITTLE_ENDIAN && ms >= -Number.MAX_SAFE_INTEGER && ms <= Number.MAX_SAFE_INTEGER) {
        const high = Math.floor(ms / TWO_32);
        words[2 * i] = ms - high * TWO_32;
        words[2 * i + 1] = high;
      } else {
        millis[i] = BigInt(ms);
      }
      validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
    } else {
      nulls++;
    }
  }
  const type = new TimestampMillisecond('UTC');
  return { type, data: makeData({ type, length: n, nullCount: nulls, nullBitmap: validity, data: millis }), nullable: nulls > 0 };
}

/**
 * A label file as an Arrow table: `timestamp` first (UTC ms), then the columns in order, with the
 * symbol in the schema metadata as `barsToTable` does.
 */
export function labelTable(symbol: string, timestamp: Float64Array, columns: readonly NamedColumn[]): Table {
  const n = timestamp.length;
  const fields: Field[] = [];
  const children: ReturnType<typeof makeData>[] = [];
  const add = (column: NamedColumn) => {
    if (column.values.length !== n) {
      throw new DataError(`column has ${column.values.length} values for ${n} rows`, { field: column.name });
    }
    if (column.kind === 'time' || column.kind === 'end') {
      const { values } = column;
      const time =
        column.kind === 'end'
          ? (i: number) => {
              const end = values[i] as number;
              return end < 0 ? Number.NaN : (column.timestamp[end] as number);
            }
          : (i: number) => values[i] as number;
      const { type, data, nullable } = timeData(n, time);
      fields.push(new Field(column.name, type, nullable));
      children.push(data as never);
      return;
    }
    const values = column.values;
    const type: DataType = values instanceof Int8Array ? new Int8() : values instanceof Int32Array ? new Int32() : new Float64();
    fields.push(new Field(column.name, type, false));
    children.push(makeData({ type, length: n, data: values } as never));
  };
  add({ name: LABEL_TIMESTAMP_COLUMN, values: timestamp, kind: 'time' });
  for (const column of columns) add(column);
  const schema = new Schema(fields, new Map([[SYMBOL_METADATA, symbol]]));
  const data = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/** A label file read back: every column as float64 (null → NaN), keyed by name. */
export interface LabelFile {
  symbol: string;
  timestamp: Float64Array;
  columns: Record<string, Float64Array>;
}

export function readLabelTable(table: Table, source = '<table>'): LabelFile {
  const columns = float64Columns(table, source);
  const timestamp = columns[LABEL_TIMESTAMP_COLUMN];
  if (timestamp === undefined) {
    throw new DataError(`missing column '${LABEL_TIMESTAMP_COLUMN}'`, { file: source, field: LABEL_TIMESTAMP_COLUMN });
  }
  delete columns[LABEL_TIMESTAMP_COLUMN];
  return { symbol: table.schema.metadata.get(SYMBOL_METADATA) ?? '', timestamp, columns };
}

/** Counts of each label over rows [from, to) where `keep` holds, and the shares among valid rows. */
export interface LabelMix {
  rows: number;
  valid: number;
  invalid: number;
  long: number;
  short: number;
  neutral: number;
  longShare: number;
  shortShare: number;
  neutralShare: number;
}

export function labelMix(label: Int8Array, keep?: (i: number) => boolean): LabelMix {
  let rows = 0;
  let long = 0;
  let short = 0;
  let neutral = 0;
  let invalid = 0;
  for (let i = 0; i < label.length; i++) {
    if (keep !== undefined && !keep(i)) continue;
    rows++;
    const l = label[i] as number;
    if (l === 1) long++;
    else if (l === -1) short++;
    else if (l === 0) neutral++;
    else if (l === INVALID_LABEL) invalid++;
  }
  const valid = long + short + neutral;
  const share = (count: number) => (valid === 0 ? 0 : count / valid);
  return {
    rows,
    valid,
    invalid,
    long,
    short,
    neutral,
    longShare: share(long),
    shortShare: share(short),
    neutralShare: share(neutral),
  };
}
