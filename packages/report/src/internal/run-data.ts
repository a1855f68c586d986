import {
  artifactPath,
  cleanReport,
  featureBars,
  featureManifest as featureManifestArtifact,
  gaResult,
  gaSummary,
  ingestReport,
  barsToHitColumn,
  labelBars,
  labelColumn,
  labelEndIndexColumn,
  labelsReport,
  qualityColumn,
  readJsonArtifact,
  runConfig,
  runManifest,
  runState,
  scaleReport,
  splitBars,
  splitColumn,
  splitSummary,
  validationReport,
  type ArrowArtifact,
  type CleanReportFile,
  type FeatureManifestFile,
  type FeatureSpecEntry,
  type GaResultFile,
  type GaSummaryFile,
  type IngestReportFile,
  type LabelsReportFile,
  type ScaleReportFile,
  type SplitSummaryFile,
  type ValidationReportFile,
  type JsonArtifact,
  type RunManifestFile,
  type RunState,
  TIMESTAMP_COLUMN,
} from '@tribar/artifacts';
import { parseConfig, type RunConfig } from '@tribar/config';
import { readArrowFile, float64Column } from '@tribar/core';
import type { Table } from 'apache-arrow';
import { existsSync } from 'node:fs';
import { loadTrainData, type TrainData } from './train-data.js';

/** A JSON object walked generically (config values, validation checks). */
export type Json = Record<string, unknown>;

/** Per symbol: the columns the report reads from features, labels and splits. */
export interface SymbolColumns {
  symbol: string;
  timestamp: Float64Array;
  close: Float64Array;
  /** Open, high and low when the features keep them (the week's price chart draws bars, else the close). */
  ohlc?: { open: Float64Array; high: Float64Array; low: Float64Array } | undefined;
  /** The labels' ATR feature (`labels/report.json` `atrFeature`): the barriers' unit. */
  atr?: Float64Array | undefined;
  /** Feature columns picked for the correlation heatmap, by name. */
  features: Map<string, Float64Array>;
  /** By horizon. */
  label: Map<number, Float64Array>;
  barsToHit: Map<number, Float64Array>;
  quality: Map<number, Float64Array>;
  endIndex: Map<number, Float64Array>;
  /** `split_h{h}` aligned to the label rows; missing when the splits stage left no file. */
  split: Map<number, Float64Array>;
}

export interface RunData {
  runDir: string;
  runId: string;
  /** The run's resolved config: the stage's own, or `config.json` validated by `@tribar/config`. */
  config: RunConfig;
  symbols: string[];
  horizons: number[];
  state?: RunState | undefined;
  manifest?: RunManifestFile | undefined;
  ingest?: IngestReportFile | undefined;
  clean?: CleanReportFile | undefined;
  featureManifest?: FeatureManifestFile | undefined;
  labelsReport?: LabelsReportFile | undefined;
  gaSummary?: GaSummaryFile | undefined;
  /** `ga-optimize/<S>_h<h>.json` by `<S>_h<h>`. */
  ga: Map<string, GaResultFile>;
  split?: SplitSummaryFile | undefined;
  scale?: ScaleReportFile | undefined;
  validate?: ValidationReportFile | undefined;
  columns: SymbolColumns[];
  /** The training stage's results (`train/summary.json` and equity curves); absent when the run trained no model. */
  train?: TrainData | undefined;
  /** Files the report looked for and did not find (run-relative). */
  missing: string[];
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON artifact through its contract; a missing file is recorded in `missing`, a malformed one fails naming file and field. */
async function readOptional<T>(runDir: string, artifact: JsonArtifact<T>, missing: string[]): Promise<T | undefined> {
  if (!existsSync(artifactPath(runDir, artifact))) {
    missing.push(artifact.path);
    return undefined;
  }
  return readJsonArtifact(runDir, artifact);
}

/**
 * An Arrow artifact, or `undefined` (recorded in `missing`) when the stage left none. Columns are
 * not checked against the contract: the report shows whatever columns it finds.
 */
async function readTable(runDir: string, artifact: ArrowArtifact, missing: string[]): Promise<Table | undefined> {
  const file = artifactPath(runDir, artifact);
  if (!existsSync(file)) {
    missing.push(artifact.path);
    return undefined;
  }
  return readArrowFile(file);
}

/** A numeric column as float64 (int8/int32/float/bigint/timestamp alike; null as NaN). */
function numericColumn(table: Table | undefined, name: string): Float64Array | undefined {
  return table?.getChild(name) ? float64Column(table, name) : undefined;
}

/** What the heatmap's pick reads of the feature manifest (`FeatureManifestFile`). */
interface PickFrom {
  features: ReadonlyArray<Pick<FeatureSpecEntry, 'name' | 'category' | 'flag'>>;
}

/**
 * Feature columns for the heatmap: at most `limit`, taken round-robin across the manifest's
 * categories (binary flags left out) so every family shows.
 */
export function pickFeatures(featureManifest: PickFrom | undefined, available: readonly string[], limit = 20): string[] {
  const present = new Set(available);
  const byCategory = new Map<string, string[]>();
  for (const entry of featureManifest?.features ?? []) {
    if (entry.flag || entry.category === 'binary' || !present.has(entry.name)) continue;
    byCategory.set(entry.category, [...(byCategory.get(entry.category) ?? []), entry.name]);
  }
  const lists = [...byCategory.values()];
  const picked: string[] = [];
  for (let round = 0; picked.length < limit && lists.some((list) => list.length > round); round++) {
    for (const list of lists) {
      const name = list[round];
      if (name !== undefined && picked.length < limit) picked.push(name);
    }
  }
  return picked;
}

/** Re-index `values` (keyed by `fromTime`) onto `toTime`; rows without a match become NaN. */
function alignByTime(values: Float64Array, fromTime: Float64Array, toTime: Float64Array): Float64Array {
  if (fromTime.length === toTime.length && fromTime.every((t, i) => t === toTime[i])) return values;
  const index = new Map<number, number>();
  fromTime.forEach((t, i) => index.set(t, i));
  return Float64Array.from(toTime, (t) => {
    const i = index.get(t);
    return i === undefined ? Number.NaN : (values[i] as number);
  });
}

async function readSymbol(
  runDir: string,
  symbol: string,
  horizons: readonly number[],
  featureManifest: FeatureManifestFile | undefined,
  atrFeature: string | undefined,
  missing: string[],
) {
  const features = await readTable(runDir, featureBars(symbol), missing);
  const labels = await readTable(runDir, labelBars(symbol), missing);
  const splits = await readTable(runDir, splitBars(symbol), missing);
  const timestamp = numericColumn(labels, TIMESTAMP_COLUMN) ?? numericColumn(features, TIMESTAMP_COLUMN) ?? new Float64Array(0);
  const featureTime = numericColumn(features, TIMESTAMP_COLUMN) ?? timestamp;
  const close = alignByTime(
    numericColumn(features, 'close') ?? new Float64Array(timestamp.length).fill(Number.NaN),
    featureTime,
    timestamp,
  );
  const aligned = (name: string) => {
    const values = numericColumn(features, name);
    return values ? alignByTime(values, featureTime, timestamp) : undefined;
  };
  const [open, high, low] = [aligned('open'), aligned('high'), aligned('low')];
  const columns: SymbolColumns = {
    symbol,
    timestamp,
    close,
    ohlc: open && high && low ? { open, high, low } : undefined,
    atr: atrFeature === undefined ? undefined : aligned(atrFeature),
    features: new Map(),
    label: new Map(),
    barsToHit: new Map(),
    quality: new Map(),
    endIndex: new Map(),
    split: new Map(),
  };
  const names = features ? features.schema.fields.map((field) => field.name) : [];
  for (const name of pickFeatures(featureManifest, names)) {
    const values = numericColumn(features, name);
    if (values) columns.features.set(name, values);
  }
  const splitTime = numericColumn(splits, TIMESTAMP_COLUMN) ?? timestamp;
  for (const h of horizons) {
    const put = (target: Map<number, Float64Array>, values: Float64Array | undefined) => values && target.set(h, values);
    put(columns.label, numericColumn(labels, labelColumn(h)));
    put(columns.barsToHit, numericColumn(labels, barsToHitColumn(h)));
    put(columns.quality, numericColumn(labels, qualityColumn(h)));
    put(columns.endIndex, numericColumn(labels, labelEndIndexColumn(h)));
    const split = numericColumn(splits, splitColumn(h));
    if (split) columns.split.set(h, alignByTime(split, splitTime, timestamp));
  }
  return columns;
}

/** The run's `config.json`, checked by `@tribar/config` (a run folder without one is not a run). */
async function readRunConfig(runDir: string): Promise<RunConfig> {
  return parseConfig(await readJsonArtifact(runDir, runConfig), artifactPath(runDir, runConfig));
}

/** Key of one GA search in `RunData.ga`: `<S>_h<h>`. */
function gaSeriesKey(symbol: string, horizon: number): string {
  return `${symbol}_h${horizon}`;
}

/** Read every artifact the report uses from a run folder; a missing optional file is recorded, not fatal. */
export async function loadRunData(runDir: string, options: { config?: RunConfig; runId?: string } = {}): Promise<RunData> {
  const missing: string[] = [];
  const config = options.config ?? (await readRunConfig(runDir));
  const symbols = [...config.symbols];
  const horizons = [...config.horizons];
  const state = await readOptional(runDir, runState, missing);
  const featureManifest = await readOptional(runDir, featureManifestArtifact, missing);
  const ga = new Map<string, GaResultFile>();
  for (const symbol of symbols) {
    for (const h of horizons) {
      const report = await readOptional(runDir, gaResult(symbol, h), missing);
      if (report) ga.set(gaSeriesKey(symbol, h), report);
    }
  }
  const labels = await readOptional(runDir, labelsReport, missing);
  const columns: SymbolColumns[] = [];
  for (const symbol of symbols) columns.push(await readSymbol(runDir, symbol, horizons, featureManifest, labels?.atrFeature, missing));
  return {
    runDir,
    runId: options.runId ?? state?.runId ?? runDir.split('/').filter(Boolean).at(-1) ?? 'run',
    config,
    symbols,
    horizons,
    state,
    manifest: await readOptional(runDir, runManifest, missing),
    ingest: await readOptional(runDir, ingestReport, missing),
    clean: await readOptional(runDir, cleanReport, missing),
    featureManifest,
    labelsReport: labels,
    gaSummary: await readOptional(runDir, gaSummary, missing),
    ga,
    split: await readOptional(runDir, splitSummary, missing),
    scale: await readOptional(runDir, scaleReport, missing),
    validate: await readOptional(runDir, validationReport, missing),
    columns,
    train: await loadTrainData(runDir),
    missing,
  };
}
