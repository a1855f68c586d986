// Reading one symbol's four Arrow files for the checks, one big file at a time. A float64 column
// without nulls is used where it lies in the file's buffer (Arrow's `toArray` is a view of a
// one-chunk column), not copied: the only copies are the small integer columns (labels, split
// codes) and the timestamps, widened to float64, and the train rows gathered for the selection.
import { artifactPath, featureBars, labelBars, readArrowArtifact, scaledBars, splitBars, TIMESTAMP_COLUMN } from '@tribar/artifacts';
import { DataError, float64Column, readArrowFile } from '@tribar/core';
import { DataType, Precision, TimeUnit, type Table, type Vector } from 'apache-arrow';
import type { Frame } from './checks.js';
import { checkScaledFile, checkSymbol, type SymbolPart, type ValidationPlan } from './symbol-checks.js';

/** Whether a column's values widen to float64 exactly as `Number(value)`: float64, ints up to 32 bits, ms timestamps. */
function widensExactly(type: DataType): boolean {
  return (
    (DataType.isFloat(type) && type.precision === Precision.DOUBLE) ||
    (DataType.isInt(type) && type.bitWidth <= 32) ||
    (DataType.isTimestamp(type) && type.unit === TimeUnit.MILLISECOND)
  );
}

/** One column as float64 (null → NaN; timestamps in UTC ms), a view of the file's buffer where it can be. */
function columnValues(table: Table, name: string, source: string): Float64Array {
  const column = table.getChild(name) as Vector | null;
  if (column === null || !widensExactly(column.type as DataType)) return float64Column(table, name, source);
  const type = column.type as DataType;
  if (column.nullCount === 0 && DataType.isFloat(type)) return column.toArray() as Float64Array;
  const chunk = column.data[0];
  if (column.data.length !== 1 || chunk === undefined || chunk.offset !== 0) return float64Column(table, name, source);
  // One chunk: widen the values, NaN where the validity bitmap says null (as `float64Column` reads them).
  const values = chunk.values as ArrayLike<number | bigint>;
  const out = new Float64Array(chunk.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
  const validity = chunk.nullCount > 0 ? chunk.nullBitmap : undefined;
  if (validity !== undefined)
    for (let i = 0; i < out.length; i++) if ((((validity[i >> 3] as number) >> (i & 7)) & 1) === 0) out[i] = Number.NaN;
  return out;
}

/** Every column of an Arrow table as float64, the timestamp apart. */
export function tableToFrame(table: Table, source = '<table>'): Frame {
  const columns: Record<string, Float64Array> = {};
  let timestamp: Float64Array | undefined;
  for (const field of table.schema.fields) {
    const values = columnValues(table, field.name, source);
    if (field.name === TIMESTAMP_COLUMN) timestamp = values;
    else columns[field.name] = values;
  }
  if (timestamp === undefined) throw new DataError(`missing column '${TIMESTAMP_COLUMN}'`, { file: source, field: TIMESTAMP_COLUMN });
  return { timestamp, columns };
}

/** The label file's column names but the timestamp (a manifest feature among them is a leak). */
export async function labelColumnNames(runDir: string, symbol: string): Promise<string[]> {
  const table = await readArrowFile(artifactPath(runDir, labelBars(symbol)));
  return table.schema.fields.map((f) => f.name).filter((name) => name !== TIMESTAMP_COLUMN);
}

/**
 * Read and check one symbol: the scaled file first (checked, then dropped but for its timestamps),
 * then features, labels and splits. What comes back holds no full column.
 */
export async function checkSymbolFiles(runDir: string, symbol: string, plan: ValidationPlan): Promise<SymbolPart> {
  const scaledFile = artifactPath(runDir, scaledBars(symbol));
  const scaled = checkScaledFile(symbol, tableToFrame(await readArrowArtifact(runDir, scaledBars(symbol)), scaledFile));
  const load = async (artifact: ReturnType<typeof featureBars>) =>
    tableToFrame(await readArrowArtifact(runDir, artifact), artifactPath(runDir, artifact));
  // Labels without labelBars' column check: the checks report each missing label column.
  const labelsFile = artifactPath(runDir, labelBars(symbol));
  const features = await load(featureBars(symbol));
  const labels = tableToFrame(await readArrowFile(labelsFile), labelsFile);
  const splits = await load(splitBars(symbol));
  return checkSymbol(plan, { symbol, features, labels, splits }, scaled);
}
