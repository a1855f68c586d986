import {
  featureBars,
  labelBars,
  labelColumn,
  labelEndIndexColumn,
  labelsReport,
  labelsReportHorizon,
  readJsonArtifact,
  type LabelsReportFile,
  runConfig,
  sampleWeightColumn,
  scaledBars,
  splitBars,
  splitColumn,
  TIMESTAMP_COLUMN,
} from '@tribar/artifacts';
import { loadConfig, type RunConfig } from '@tribar/config';
import { ArtifactError, UsageError, childLogger, float64Column, readArrowFile } from '@tribar/core';
import type { Logger } from '@tribar/core';
import type { Table } from 'apache-arrow';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { buildSequence, buildTabular } from './build.js';
import type { ColumnsInput } from './build.js';
import { describeDataset } from './describe.js';
import type { BarrierInfo, DataModule, Dataset, DatasetSpec, MarketRows, SplitName } from './types.js';

/** Bars per window when a sequence spec gives none: the original trainer's `sequence_length` (§14.3). */
const DEFAULT_LOOKBACK = 60;

const RERUN = 'Re-run the pipeline (`npx nx run cli:pipeline`) to rebuild the run folder.';

/** The run's resolved config (`config.json`, validated by `@tribar/config`'s schema), or undefined when the folder has none. */
async function runConfigOf(runDir: string): Promise<RunConfig | undefined> {
  const path = join(runDir, runConfig.path);
  if (!existsSync(path)) return undefined;
  return (await loadConfig({ runConfig: path })).config;
}

/** Symbols that have a scaled file (what a spec may name). */
function runSymbols(runDir: string): string[] {
  const dir = join(runDir, dirname(scaledBars('-').path));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, symbol: name.replace(/\.[^.]*$/, '') }))
    .filter(({ name, symbol }) => symbol !== '' && basename(scaledBars(symbol).path) === name)
    .map(({ symbol }) => symbol)
    .sort();
}

/** Horizons a table carries: those h whose column `columnOf(h)` it has. */
function horizonsOf(table: Table, columnOf: (horizon: number) => string): number[] {
  const candidates = new Set(table.schema.fields.map((field) => Number(/(\d+)$/.exec(field.name)?.[1])));
  return [...candidates].filter((h) => Number.isInteger(h) && table.getChild(columnOf(h)) !== null).sort((a, b) => a - b);
}

async function readTable(runDir: string, relative: string, symbols: () => string[]): Promise<{ table: Table; path: string }> {
  const path = join(runDir, relative);
  if (!existsSync(path)) {
    throw new ArtifactError('missing file', path, {
      hint: `${RERUN} Symbols with scaled data in this run: ${symbols().join(', ') || 'none'}.`,
    });
  }
  return { table: await readArrowFile(path), path };
}

function column(table: Table, path: string, name: string, hint: string): Float64Array {
  if (!table.getChild(name)) throw new ArtifactError(`missing column '${name}'`, path, { hint });
  return float64Column(table, name, path);
}

/** Every table must have the labels file's rows: same count and the same timestamp on every row. */
function checkAligned(reference: Float64Array, referencePath: string, other: Float64Array, otherPath: string): void {
  if (other.length !== reference.length) {
    throw new ArtifactError(
      `${other.length} rows, but ${referencePath} has ${reference.length}; the per-symbol tables must align row by row`,
      otherPath,
      {
        hint: RERUN,
      },
    );
  }
  for (let i = 0; i < reference.length; i++) {
    if (other[i] !== reference[i]) {
      throw new ArtifactError(
        `row ${i + 1}: timestamp ${new Date(other[i] as number).toISOString()} differs from ${new Date(reference[i] as number).toISOString()} in ${referencePath}`,
        otherPath,
        { hint: RERUN },
      );
    }
  }
}

/** Bar length: `timeframes.targetMinutes` of the run config, else (no config.json) the median step. */
function barMinutesOf(config: RunConfig | undefined, timestampMs: Float64Array): number {
  if (config !== undefined) return config.timeframes.targetMinutes;
  const steps: number[] = [];
  for (let i = 1; i < timestampMs.length; i++) steps.push((timestampMs[i] as number) - (timestampMs[i - 1] as number));
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  if (median === undefined || !(median > 0)) {
    throw new UsageError('cannot tell the bar length: the run folder has no config.json and the table has fewer than two rows');
  }
  return median / 60_000;
}

/** The barriers labels-final used for one symbol × horizon, from its report (parsed by the contract's schema). */
function barrierOf(report: LabelsReportFile, path: string, symbol: string, horizon: number): BarrierInfo {
  const entry = labelsReportHorizon(report, symbol, horizon);
  if (entry === undefined) {
    const labeled = Object.keys(report.symbols[symbol] ?? {}).filter((key) => key !== 'afml');
    throw new ArtifactError(`no symbols.${symbol}.${horizon} entry`, path, {
      hint: `${RERUN} Horizons labeled for ${symbol}: ${labeled.join(', ') || 'none'}.`,
    });
  }
  return { ...entry.params, atrFeature: report.atrFeature, sameBarRule: report.sameBarRule };
}

export interface LoadOptions {
  logger?: Logger;
}

/**
 * Read a Phase 1 run folder's `scale/`, `labels/`, `splits/` and `features/` tables of one symbol,
 * check they align row by row, and build train/val/test datasets for one horizon with the prices,
 * label ends and barrier parameters a backtest needs.
 */
export async function loadDataModule(spec: DatasetSpec & { kind: 'tabular' | 'sequence' }, options: LoadOptions = {}): Promise<DataModule> {
  const { runDir, symbol, horizon } = spec;
  const log = childLogger(options.logger, 'datasets', { symbol, horizon });
  if (!Number.isInteger(horizon) || horizon < 1) throw new UsageError(`horizon must be a positive integer, got ${horizon}`);
  if (spec.kind !== 'tabular' && spec.kind !== 'sequence')
    throw new UsageError(`kind must be 'tabular' or 'sequence', got '${String(spec.kind)}'`);
  if (!existsSync(runDir))
    throw new ArtifactError('run folder not found', runDir, { hint: 'Pass a runs/<id> folder written by the pipeline.' });
  const symbols = () => runSymbols(runDir);

  const scale = await readTable(runDir, scaledBars(symbol).path, symbols);
  const labels = await readTable(runDir, labelBars(symbol).path, symbols);
  const splits = await readTable(runDir, splitBars(symbol).path, symbols);
  const features = await readTable(runDir, featureBars(symbol).path, symbols);
  const reportPath = join(runDir, labelsReport.path);
  const report = await readJsonArtifact(runDir, labelsReport);

  const timestampMs = column(labels.table, labels.path, TIMESTAMP_COLUMN, RERUN);
  for (const other of [scale, splits, features]) {
    checkAligned(timestampMs, labels.path, column(other.table, other.path, TIMESTAMP_COLUMN, RERUN), other.path);
  }

  const labeled = horizonsOf(labels.table, labelColumn);
  const labelHint = `Horizons labeled in this run: ${labeled.join(', ') || 'none'}; pick one of them or re-run the pipeline with horizon ${horizon}.`;
  const label = column(labels.table, labels.path, labelColumn(horizon), labelHint);
  const weight = column(labels.table, labels.path, sampleWeightColumn(horizon), labelHint);
  const labelEndIndex = column(labels.table, labels.path, labelEndIndexColumn(horizon), labelHint);
  const splitHint = `Horizons split in this run: ${horizonsOf(splits.table, splitColumn).join(', ') || 'none'}; ${RERUN}`;
  const split = column(splits.table, splits.path, splitColumn(horizon), splitHint);

  const scaled = scale.table.schema.fields.map((field) => field.name).filter((name) => name !== TIMESTAMP_COLUMN);
  const featureNames = spec.features ? [...spec.features] : scaled;
  if (featureNames.length === 0) throw new UsageError('no features: the spec lists none and the scale file has none');
  const featureHint = `Feature columns of ${scale.path} include: ${scaled.slice(0, 8).join(', ')}${scaled.length > 8 ? ', …' : ''}.`;
  const featureColumns = featureNames.map((name) => {
    if (name === TIMESTAMP_COLUMN) throw new UsageError(`'${TIMESTAMP_COLUMN}' is not a feature`);
    return column(scale.table, scale.path, name, featureHint);
  });

  const barrier = barrierOf(report, reportPath, symbol, horizon);
  const priceHint = `${RERUN} (the features stage keeps open, high, low, close and ${barrier.atrFeature}).`;
  const market: MarketRows = {
    open: column(features.table, features.path, 'open', priceHint),
    high: column(features.table, features.path, 'high', priceHint),
    low: column(features.table, features.path, 'low', priceHint),
    close: column(features.table, features.path, 'close', priceHint),
    atr: column(features.table, features.path, barrier.atrFeature, priceHint),
    timestampMs,
    labelEndIndex,
  };

  const barMinutes = spec.barMinutes ?? barMinutesOf(await runConfigOf(runDir), timestampMs);
  const base: Omit<ColumnsInput, 'which'> = {
    features: featureColumns,
    featureNames,
    label,
    weight,
    split,
    timestampMs,
    symbol,
    horizon,
    source: labels.path,
  };
  const lookback = spec.lookback ?? DEFAULT_LOOKBACK;
  const build = (which: SplitName): Dataset =>
    spec.kind === 'tabular'
      ? buildTabular({ ...base, which })
      : buildSequence({ ...base, which, lookback, crossSessions: spec.crossSessions ?? false, barMs: barMinutes * 60_000 });
  const train = build('train');
  const val = build('val');
  const test = build('test');
  for (const ds of [train, val, test]) log.info({ dataset: describeDataset(ds) }, 'dataset built');
  return { symbol, horizon, barMinutes, featureNames, train, val, test, market, barrier };
}
