// The checks of one symbol, split so that the stage can hold one symbol's files at a time (and only
// one of its big files where it can): what the run-wide part (importance averages, feature
// selection) needs of a symbol is a few numbers per feature and the evenly sampled train rows of
// its feature columns, gathered into small contiguous arrays. The full columns are then dropped.
import {
  featureBars,
  labelBars,
  labelColumn,
  labelEndTimeColumn,
  scaledBars,
  splitBars,
  splitColumn,
  SPLIT_TRAIN,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import {
  checkAlignment,
  checkFeatureQuality,
  checkFinite,
  checkGapsAndRange,
  checkLabels,
  checkSplit,
  checkStationarity,
  checkTimestamps,
  featureImportance,
  Findings,
  isLabelDerived,
  type FeatureInfo,
  type FindingEntry,
  type Frame,
  type ValidationConfig,
} from './checks.js';
import type { TrainView } from './correlation.js';
import { evenSample } from './stats.js';

/** What every symbol's checks share: the usable features (manifest minus label-derived ones) and the thresholds. */
export interface ValidationPlan {
  usable: FeatureInfo[];
  names: string[];
  horizons: number[];
  validation: ValidationConfig;
  cuts: { trainEnd: number; valEnd: number };
}

/** The checks of `scale/<S>.arrow` that need no other file, and the one column the others need of it. */
export interface ScaledPart {
  timestamps: FindingEntry[];
  leaks: FindingEntry[];
  finite: FindingEntry[];
  timestamp: Float64Array;
}

/** What one symbol hands to the run-wide part: its findings in call order, its train sample, its importance. */
export interface SymbolPart {
  symbol: string;
  entries: FindingEntry[];
  /** Evenly sampled strict-train rows of each usable feature, gathered (absent when files do not align). */
  view?: TrainView;
  /** Mutual information per horizon key (`h5`) and feature. */
  importance?: Record<string, Record<string, number>>;
}

/** The run's plan: label-derived manifest features are leakage issues in `findings`, the rest are checked. */
export function planValidation(
  findings: Findings,
  manifest: { features: readonly { name: string; flag: boolean }[] },
  labelColumnNames: readonly (readonly string[])[],
  cuts: { trainEnd: number; valEnd: number },
  config: Pick<RunConfig, 'validation' | 'horizons'>,
): ValidationPlan {
  const featureInfo: FeatureInfo[] = manifest.features.map((f) => ({ name: f.name, flag: f.flag === true }));
  // §17.9: label-derived columns must never be features.
  const leaked = featureInfo.filter((f) => isLabelDerived(f.name) || labelColumnNames.some((names) => names.includes(f.name)));
  for (const f of leaked)
    findings.issue({ check: 'leakage', feature: f.name, message: `${f.name} is derived from the labels but listed as a feature` });
  const usable = featureInfo.filter((f) => !leaked.includes(f));
  return { usable, names: usable.map((f) => f.name), horizons: [...config.horizons], validation: config.validation, cuts };
}

/** Checks of the scaled file alone: its timestamps, label-derived columns and non-finite values. */
export function checkScaledFile(symbol: string, scaled: Frame): ScaledPart {
  const file = scaledBars(symbol).path;
  const timestamps = new Findings();
  checkTimestamps(timestamps, symbol, file, scaled.timestamp);
  const leaks = new Findings();
  for (const name of Object.keys(scaled.columns).filter(isLabelDerived))
    leaks.issue({ check: 'leakage', symbol, feature: name, message: `${file} carries label-derived column ${name}` });
  const finite = new Findings();
  checkFinite(finite, symbol, file, scaled, Object.keys(scaled.columns));
  return { timestamps: timestamps.entries, leaks: leaks.entries, finite: finite.entries, timestamp: scaled.timestamp };
}

/** Rows whose split code is 0 for every horizon: the strict train set used wherever a choice is made. */
function trainRowsAll(splits: Frame, horizons: readonly number[]): Int32Array {
  const codes = horizons.map((h) => splits.columns[splitColumn(h)]);
  const n = splits.timestamp.length;
  const rows = new Int32Array(n);
  let count = 0;
  if (codes.some((c) => c === undefined)) return rows.subarray(0, 0);
  for (let i = 0; i < n; i++) {
    let train = true;
    for (const c of codes as Float64Array[]) if (c[i] !== SPLIT_TRAIN) train = false;
    if (train) rows[count++] = i;
  }
  return rows.slice(0, count);
}

/** Rows whose split code is 0 for one horizon. */
function trainRows(split: Float64Array): Int32Array {
  const rows = new Int32Array(split.length);
  let count = 0;
  for (let i = 0; i < split.length; i++) if (split[i] === SPLIT_TRAIN) rows[count++] = i;
  return rows.slice(0, count);
}

/**
 * The sampled train rows of every usable feature present, gathered into contiguous arrays, with
 * `trainRows` 0…n−1: each statistic of the selection meets the same values in the same order as on
 * the full columns, so its sums, and the selection, are the same bit for bit.
 */
function gatherView(symbol: string, frame: Frame, names: readonly string[], rows: Int32Array): TrainView {
  const columns: Record<string, Float64Array> = {};
  for (const name of names) {
    const column = frame.columns[name];
    if (column === undefined) continue;
    const gathered = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) gathered[k] = column[rows[k] as number] as number;
    columns[name] = gathered;
  }
  const identity = new Int32Array(rows.length);
  for (let k = 0; k < identity.length; k++) identity[k] = k;
  return { symbol, columns, trainRows: identity };
}

/** Every check of one symbol but the scaled file's own (`scaled`), in the order the report lists them. */
export function checkSymbol(
  plan: ValidationPlan,
  input: { symbol: string; features: Frame; labels: Frame; splits: Frame },
  scaled: ScaledPart,
): SymbolPart {
  const { symbol } = input;
  const v = plan.validation;
  const findings = new Findings();
  const files = { features: featureBars(symbol).path, labels: labelBars(symbol).path, splits: splitBars(symbol).path };
  checkTimestamps(findings, symbol, files.features, input.features.timestamp);
  checkTimestamps(findings, symbol, files.labels, input.labels.timestamp);
  checkTimestamps(findings, symbol, files.splits, input.splits.timestamp);
  findings.absorb(scaled.timestamps);
  checkAlignment(findings, symbol, files.labels, input.features.timestamp, input.labels.timestamp);
  checkAlignment(findings, symbol, files.splits, input.features.timestamp, input.splits.timestamp);
  checkAlignment(findings, symbol, scaledBars(symbol).path, input.features.timestamp, scaled.timestamp);
  const missing = plan.names.filter((name) => !(name in input.features.columns));
  if (missing.length > 0) findings.record('alignment', `${symbol}:featuresNotInFile`, missing);
  findings.absorb(scaled.leaks);
  checkFinite(findings, symbol, files.features, input.features, plan.names);
  findings.absorb(scaled.finite);
  checkGapsAndRange(findings, symbol, input.features.timestamp, v);
  const aligned = input.splits.timestamp.length === input.labels.timestamp.length;
  for (const h of plan.horizons) {
    const split = input.splits.columns[splitColumn(h)];
    if (split === undefined) {
      findings.issue({ check: 'splits', symbol, horizon: h, message: `splits file has no ${splitColumn(h)}` });
      continue;
    }
    const label = aligned ? input.labels.columns[labelColumn(h)] : undefined;
    const labelEnd = aligned ? input.labels.columns[labelEndTimeColumn(h)] : undefined;
    checkSplit(findings, symbol, h, input.splits.timestamp, split, label, labelEnd, plan.cuts);
    checkLabels(findings, symbol, h, input.labels, aligned ? split : undefined, v);
  }
  const train = trainRowsAll(input.splits, plan.horizons);
  findings.record('date_range', `${symbol}:train`, {
    rows: train.length,
    start: train.length > 0 ? new Date(input.splits.timestamp[train[0] as number] as number).toISOString() : null,
    end: train.length > 0 ? new Date(input.splits.timestamp[train[train.length - 1] as number] as number).toISOString() : null,
  });
  if (input.features.timestamp.length !== input.splits.timestamp.length) return { symbol, entries: findings.entries };
  const present = plan.usable.filter((f) => f.name in input.features.columns);
  checkFeatureQuality(findings, symbol, input.features, present, train, v);
  checkStationarity(findings, symbol, input.features, present, train, v);
  const view = gatherView(symbol, input.features, plan.names, evenSample(train, v.sampleRows));
  const importance: Record<string, Record<string, number>> = {};
  const presentNames = present.map((f) => f.name);
  for (const h of plan.horizons) {
    const label = input.labels.columns[labelColumn(h)];
    const split = input.splits.columns[splitColumn(h)];
    if (label === undefined || split === undefined || !aligned) continue;
    importance[`h${h}`] = featureImportance(input.features, presentNames, label, trainRows(split), v);
  }
  return { symbol, entries: findings.entries, view, importance };
}
