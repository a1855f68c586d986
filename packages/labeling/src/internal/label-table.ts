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
import { INVALID_LABEL, type TripleBarrierResult } from '@tribar/quant';
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

/** The schema metadata key that names the symbol (as market's `barsToTable` writes it). */
const SYMBOL_METADATA = 'symbol';

/** A column of a label file: int8 labels and touch types, int32 counts and indices, float64 the rest. */
export type LabelColumn = Int8Array | Int32Array | Float64Array;

/** `kind: 'time'` marks UTC millisecond timestamps whose NaN is written as null. */
export interface NamedColumn {
  name: string;
  values: LabelColumn;
  kind?: 'time';
}

/** The per-horizon columns of the kernel's result, named as in the label files (`label_h5`, …). */
export function kernelColumns(horizon: number, result: TripleBarrierResult): NamedColumn[] {
  return [
    { name: labelColumn(horizon), values: result.label },
    { name: barsToHitColumn(horizon), values: result.barsToHit },
    { name: maeColumn(horizon), values: result.mae },
    { name: mfeColumn(horizon), values: result.mfe },
    { name: touchTypeColumn(horizon), values: result.touchType },
    { name: labelEndIndexColumn(horizon), values: result.endIndex },
    { name: labelEndTimeColumn(horizon), values: result.endTime, kind: 'time' },
    { name: fwdReturnColumn(horizon), values: result.forwardReturn },
  ];
}

function timeData(values: LabelColumn, n: number) {
  const millis = new BigInt64Array(n);
  const validity = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i] as number;
    if (Number.isFinite(value)) {
      millis[i] = BigInt(Math.round(value));
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
    if (column.kind === 'time') {
      const { type, data, nullable } = timeData(column.values, n);
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
