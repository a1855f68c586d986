import { ArtifactError, float64Column } from '@tribar/core';
import { OHLCV_FIELDS } from '@tribar/market';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond } from 'apache-arrow';
import { featureManifest, readJsonArtifactFile, TIMESTAMP_COLUMN } from '@tribar/artifacts';
import type { FeatureScaleSpec } from './scaler.js';

/**
 * Columns derived from labels (triple-barrier outputs, quality, weights). They are never features:
 * the original scaled `mfe_*`, `pain_to_gain_*`, `time_weighted_dd_*` as features (§17.9). A manifest
 * listing one is refused. This is a guard on a corrupt manifest, not how a feature's kind is chosen.
 */
const LABEL_COLUMN_PATTERN =
  /^(label|bars_to_hit|mae|mfe|touch_type|fwd_return|quality|pain_to_gain|time_weighted_dd|sample_weight|weight)(_|$)/i;

/** The part of `features/feature-manifest.json` the scaler reads. */
export interface ScaleManifest {
  features: FeatureScaleSpec[];
  /** Per symbol, the manifest's feature list (absent: every feature). */
  bySymbol: Record<string, string[]>;
}

/**
 * Read the features stage's manifest. Its shape (version, names, categories, flag bits, `bySymbol`) is checked by
 * the contract's schema; the scaler's own rules follow: no feature twice, never the timestamp, OHLCV or a
 * label-derived column, and `bySymbol` lists only features of the manifest.
 */
export async function readManifest(path: string): Promise<ScaleManifest> {
  const manifest = await readJsonArtifactFile(path, featureManifest);
  const fail = (message: string): never => {
    throw new ArtifactError(`feature manifest: ${message}`, path, { hint: 'Re-run the features stage with a matching version.' });
  };
  // Timestamp and OHLCV are never features. (An extra passthrough column that shares a feature's
  // name was replaced by the feature in the features stage, so only these are refused.)
  const reserved = new Set<string>([TIMESTAMP_COLUMN, ...OHLCV_FIELDS]);
  const seen = new Set<string>();
  const features = manifest.features.map(({ name, category, flag }): FeatureScaleSpec => {
    if (seen.has(name)) fail(`feature '${name}' is listed twice`);
    if (reserved.has(name)) fail(`'${name}' is the timestamp or an OHLCV column, not a feature`);
    if (LABEL_COLUMN_PATTERN.test(name)) fail(`'${name}' is a label-derived column; labels are never features`);
    seen.add(name);
    return { name, category, flag };
  });
  const bySymbol: Record<string, string[]> = {};
  for (const [symbol, { features: list }] of Object.entries(manifest.bySymbol)) {
    if (list.some((name) => !seen.has(name))) fail(`bySymbol.${symbol}.features must list features of the manifest`);
    bySymbol[symbol] = list;
  }
  return { features, bySymbol };
}

/**
 * A numeric column of an Arrow table as float64 (null → NaN); throws naming the file when absent. A float64 column
 * without nulls in one chunk (what the features stage writes) is a view of the table's own buffer, not a copy: the
 * stage owns the table it read, and scales each column in place, so a symbol's features are in memory once. In
 * several chunks (a file of several record batches) it is copied once into one array.
 */
export function readColumn(table: Table, name: string, path: string): Float64Array {
  const column = table.getChild(name);
  if (!column)
    throw new ArtifactError(`missing column '${name}'`, path, { hint: 'Re-run the features stage; the manifest and the file disagree.' });
  const plain = column.data.every(
    (chunk) => chunk.nullCount === 0 && chunk.values instanceof Float64Array && chunk.values.length - chunk.offset >= chunk.length,
  );
  if (!plain) return float64Column(table, name, path);
  const chunks = column.data.map((chunk) => (chunk.values as Float64Array).subarray(chunk.offset, chunk.offset + chunk.length));
  if (chunks.length === 1) return chunks[0] as Float64Array;
  // A file of several record batches: one copy of the column (not `toArray()`'s joined copy copied again).
  const out = new Float64Array(column.length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** `timestamp` (UTC ms) then float64 columns, in order, with the symbol in the schema metadata. */
export function scaledTable(symbol: string, timestamp: Float64Array, columns: readonly [string, Float64Array][]): Table {
  const n = timestamp.length;
  const millis = new BigInt64Array(n);
  for (let i = 0; i < n; i++) millis[i] = BigInt(Math.round(timestamp[i] as number));
  const fields: Field[] = [new Field(TIMESTAMP_COLUMN, new TimestampMillisecond('UTC'), false)];
  const children = [makeData({ type: new TimestampMillisecond('UTC'), length: n, data: millis })];
  for (const [name, values] of columns) {
    fields.push(new Field(name, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: values }) as never);
  }
  const schema = new Schema(fields, new Map([['symbol', symbol]]));
  const data = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}
