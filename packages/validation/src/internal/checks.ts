// The stage-8 checks of the original (§10), each on plain columns so it can be tested by hand.
import type { RunConfig } from '@tribar/config';
import {
  type ValidationFinding,
  labelColumn,
  SPLIT_EMBARGOED,
  SPLIT_INVALID,
  SPLIT_PURGED,
  SPLIT_TEST,
  SPLIT_TRAIN,
  SPLIT_VAL,
} from '@tribar/artifacts';
import { adfTestAt, moments, orderStatistics } from '@tribar/quant';
import { countBeyond, evenSample, labelledRows, mutualInformationOf } from './stats.js';

export type ValidationConfig = RunConfig['validation'];

/** One problem found by a check; issues fail the stage, warnings are reported only. */
/** One issue or warning (an entry of `validate/report.json` → `issues` / `warnings`). */
export interface Finding extends ValidationFinding {
  check: string;
  symbol?: string;
  horizon?: number;
  feature?: string;
  message: string;
}

/** One call on a `Findings`, in the order it was made (what a symbol's checks send back from a worker). */
export type FindingEntry = ['issue' | 'warn', Finding] | ['record', string, string, unknown];

/**
 * Collects findings and per-check results for the report, and the calls that made them: a symbol's
 * checks fill their own `Findings` (in any order, on any thread), and `absorb` replays them into the
 * run's in the order the single loop over symbols made them, so the report's key order is the same.
 */
export class Findings {
  readonly issues: Finding[] = [];
  readonly warnings: Finding[] = [];
  readonly checks: Record<string, Record<string, unknown>> = {};
  readonly entries: FindingEntry[] = [];

  issue(finding: Finding): void {
    this.issues.push(finding);
    this.entries.push(['issue', finding]);
  }
  warn(finding: Finding): void {
    this.warnings.push(finding);
    this.entries.push(['warn', finding]);
  }
  /** Record `value` under `checks[check][key]`. */
  record(check: string, key: string, value: unknown): void {
    (this.checks[check] ??= {})[key] = value;
    this.entries.push(['record', check, key, value]);
  }
  /** Replay `entries` (another `Findings`' calls, possibly structured-cloned from a worker) here, in order. */
  absorb(entries: readonly FindingEntry[]): void {
    for (const entry of entries) {
      if (entry[0] === 'record') this.record(entry[1], entry[2], entry[3]);
      else if (entry[0] === 'issue') this.issue(entry[1]);
      else this.warn(entry[1]);
    }
  }
}

/** Columns of one Arrow file as float64 (null → NaN), timestamps in UTC milliseconds. */
export interface Frame {
  timestamp: Float64Array;
  columns: Record<string, Float64Array>;
}

/** Prefixes of columns derived from the labels (the future): never features (§17.9). */
const LABEL_DERIVED_PREFIXES = [
  'label_',
  'label_end_',
  'bars_to_hit_',
  'mae_',
  'mfe_',
  'touch_type_',
  'fwd_return_',
  'quality_',
  'sample_weight_',
  'pain_to_gain_',
  'time_weighted_dd_',
  'uniqueness_',
  'return_weight_',
  'decay_weight_',
  'split_',
] as const;

export function isLabelDerived(name: string): boolean {
  return LABEL_DERIVED_PREFIXES.some((prefix) => name.startsWith(prefix) && /_h\d+$/.test(name));
}

/** Duplicated and non-increasing timestamps of one file (an issue each). */
export function checkTimestamps(findings: Findings, symbol: string, file: string, timestamp: Float64Array): void {
  let duplicates = 0;
  let backwards = 0;
  let missing = 0;
  for (let i = 0; i < timestamp.length; i++) {
    const t = timestamp[i] as number;
    if (!Number.isFinite(t)) missing++;
    if (i === 0) continue;
    const prev = timestamp[i - 1] as number;
    if (t === prev) duplicates++;
    else if (t < prev) backwards++;
  }
  findings.record('duplicates', `${symbol}:${file}`, { rows: timestamp.length, duplicates, backwards, missing });
  if (duplicates > 0) findings.issue({ check: 'duplicates', symbol, message: `${file}: ${duplicates} duplicated timestamps` });
  if (backwards > 0) findings.issue({ check: 'duplicates', symbol, message: `${file}: timestamps go backwards ${backwards} times` });
  if (missing > 0) findings.issue({ check: 'duplicates', symbol, message: `${file}: ${missing} missing timestamps` });
}

/** Every file of a symbol must hold the same rows as its feature file (an issue otherwise). */
export function checkAlignment(findings: Findings, symbol: string, file: string, reference: Float64Array, other: Float64Array): void {
  let mismatched = other.length === reference.length ? 0 : -1;
  if (mismatched === 0) for (let i = 0; i < other.length; i++) if (other[i] !== reference[i]) mismatched++;
  findings.record('alignment', `${symbol}:${file}`, { rows: other.length, featureRows: reference.length, mismatched });
  if (mismatched !== 0) {
    const what = mismatched < 0 ? `${other.length} rows for ${reference.length} feature rows` : `${mismatched} timestamps differ`;
    findings.issue({ check: 'alignment', symbol, message: `${file}: ${what} (rows must match features/${symbol}.arrow)` });
  }
}

/**
 * NaN and ±inf per column of a feature-like file. Inf is an issue; NaN after the warm-up is the
 * features package's documented policy (undefined values kept as NaN), so it is one warning per file.
 */
export function checkFinite(findings: Findings, symbol: string, file: string, frame: Frame, names: readonly string[]): void {
  const nanCounts: Record<string, number> = {};
  for (const name of names) {
    const column = frame.columns[name];
    if (column === undefined) continue;
    // Only the NaN and ±Infinity counts are read here: one counting pass, not `moments`' four.
    let nan = 0;
    let inf = 0;
    for (let i = 0; i < column.length; i++) {
      const v = column[i] as number;
      if (v - v !== 0) {
        if (v !== v) nan++;
        else inf++;
      }
    }
    if (nan > 0) nanCounts[name] = nan;
    if (inf > 0) findings.issue({ check: 'inf', symbol, feature: name, message: `${file}: ${inf} infinite values in ${name}` });
  }
  const nanColumns = Object.keys(nanCounts);
  findings.record('nan', `${symbol}:${file}`, { rows: frame.timestamp.length, columnsWithNan: nanCounts });
  if (nanColumns.length > 0) {
    const rows = frame.timestamp.length;
    const list = nanColumns
      .sort((a, b) => (nanCounts[b] as number) - (nanCounts[a] as number))
      .slice(0, 8)
      .map((name) => `${name} ${nanCounts[name] as number} (${((100 * (nanCounts[name] as number)) / Math.max(rows, 1)).toFixed(1)} %)`);
    findings.warn({
      check: 'nan',
      symbol,
      message: `${file}: NaN after warm-up in ${nanColumns.length} columns (kept per the features NaN policy): ${list.join(', ')}${nanColumns.length > 8 ? ', …' : ''}`,
    });
  }
}

/** Time gaps above `gapMultiple` × the median step (info) and the date range (info). */
export function checkGapsAndRange(findings: Findings, symbol: string, timestamp: Float64Array, config: ValidationConfig): void {
  const n = timestamp.length;
  if (n === 0) {
    findings.issue({ check: 'date_range', symbol, message: 'no rows' });
    return;
  }
  const steps = new Float64Array(Math.max(n - 1, 0));
  for (let i = 1; i < n; i++) steps[i - 1] = (timestamp[i] as number) - (timestamp[i - 1] as number);
  const sorted = Float64Array.from(steps).sort();
  const median = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] as number) : 0;
  let gaps = 0;
  for (const s of steps) if (median > 0 && s > config.gapMultiple * median) gaps++;
  findings.record('gaps', symbol, { medianStepMs: median, gaps, maxStepMs: sorted.length > 0 ? sorted[sorted.length - 1] : 0 });
  const start = timestamp[0] as number;
  const end = timestamp[n - 1] as number;
  findings.record('date_range', symbol, {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    durationDays: (end - start) / 86_400_000,
    totalBars: n,
  });
}

/** The split codes of `splits/<S>.arrow` by name (the contract's codes). */
const SPLIT_CODES = {
  train: SPLIT_TRAIN,
  val: SPLIT_VAL,
  test: SPLIT_TEST,
  purged: SPLIT_PURGED,
  embargoed: SPLIT_EMBARGOED,
  invalid: SPLIT_INVALID,
} as const;
const CODE_NAMES = new Map<number, string>(Object.entries(SPLIT_CODES).map(([k, v]) => [v, k]));

/**
 * Split codes of one horizon: only known codes (issue), train rows before `trainEnd`, val rows in
 * [trainEnd, valEnd), test rows from `valEnd` (issue), some train rows (issue), train labels that
 * end at or after `trainEnd` (issue: the purge failed) and −99 labels coded train/val/test (warning).
 */
export function checkSplit(
  findings: Findings,
  symbol: string,
  horizon: number,
  timestamp: Float64Array,
  split: Float64Array,
  label: Float64Array | undefined,
  labelEnd: Float64Array | undefined,
  cuts: { trainEnd: number; valEnd: number },
): void {
  const counts: Record<string, number> = {};
  let unknown = 0;
  let misplaced = 0;
  let invalidInSplit = 0;
  let overlapping = 0;
  for (let i = 0; i < split.length; i++) {
    const code = split[i] as number;
    const name = CODE_NAMES.get(code);
    if (name === undefined) {
      unknown++;
      continue;
    }
    counts[name] = (counts[name] ?? 0) + 1;
    const t = timestamp[i] as number;
    if ((code === 0 && t >= cuts.trainEnd) || (code === 1 && (t < cuts.trainEnd || t >= cuts.valEnd)) || (code === 2 && t < cuts.valEnd)) {
      misplaced++;
    }
    if (code >= 0 && label !== undefined && label[i] === -99) invalidInSplit++;
    if (code === 0 && labelEnd !== undefined && (labelEnd[i] as number) >= cuts.trainEnd) overlapping++;
  }
  findings.record('splits', `${symbol}:h${horizon}`, {
    counts,
    unknown,
    misplaced,
    invalidLabelsInSplits: invalidInSplit,
    trainLabelsEndingAfterTrainEnd: overlapping,
  });
  const base = { check: 'splits', symbol, horizon };
  if (unknown > 0) findings.issue({ ...base, message: `${unknown} rows with an unknown split code` });
  if (misplaced > 0) findings.issue({ ...base, message: `${misplaced} rows whose split code disagrees with trainEnd/valEnd` });
  if ((counts['train'] ?? 0) === 0) findings.issue({ ...base, message: 'no train rows' });
  if (invalidInSplit > 0)
    findings.warn({ ...base, message: `${invalidInSplit} rows with label −99 coded train/val/test (excluded from label checks)` });
  if (overlapping > 0)
    findings.issue({ ...base, message: `${overlapping} train labels end at or after trainEnd (leak into val: purge missing)` });
}

/** Label values must be −1, 0, 1 or −99 (issue); train class shares outside [min, max] warn. */
export function checkLabels(
  findings: Findings,
  symbol: string,
  horizon: number,
  labels: Frame,
  split: Float64Array | undefined,
  config: ValidationConfig,
): void {
  const h = `_h${horizon}`;
  const label = labels.columns[labelColumn(horizon)];
  const base = { check: 'label_balance', symbol, horizon };
  if (label === undefined) {
    findings.issue({ ...base, message: `labels file has no ${labelColumn(horizon)}` });
    return;
  }
  const bySplit: Record<string, { long: number; short: number; neutral: number; invalid: number }> = {};
  let bad = 0;
  for (let i = 0; i < label.length; i++) {
    const l = label[i] as number;
    const part = split === undefined ? 'all' : (CODE_NAMES.get(split[i] as number) ?? 'unknown');
    const c = (bySplit[part] ??= { long: 0, short: 0, neutral: 0, invalid: 0 });
    if (l === 1) c.long++;
    else if (l === -1) c.short++;
    else if (l === 0) c.neutral++;
    else if (l === -99) c.invalid++;
    else bad++;
  }
  if (bad > 0) findings.issue({ ...base, message: `${bad} label values other than −1, 0, 1, −99` });
  const train = bySplit[split === undefined ? 'all' : 'train'] ?? { long: 0, short: 0, neutral: 0, invalid: 0 };
  const valid = train.long + train.short + train.neutral;
  const shares = { long: train.long / valid, short: train.short / valid, neutral: train.neutral / valid };
  const stats: Record<string, unknown> = { bySplit, trainShares: valid > 0 ? shares : undefined };
  const bars = labels.columns[`bars_to_hit${h}`];
  const quality = labels.columns[`quality${h}`];
  const trainRows: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const l = label[i] as number;
    if ((split === undefined || split[i] === 0) && (l === 1 || l === 0 || l === -1)) trainRows.push(i);
  }
  const rows = Int32Array.from(trainRows);
  if (bars !== undefined) {
    const m = moments(bars, rows);
    stats['barsToHit'] = { mean: m.mean, median: median(bars, rows) };
  }
  if (quality !== undefined) {
    const m = moments(quality, rows);
    stats['quality'] = { mean: m.mean, median: median(quality, rows), std: m.std, min: m.min, max: m.max };
  }
  findings.record('label_balance', `${symbol}:h${horizon}`, stats);
  if (valid === 0) {
    findings.issue({ ...base, message: 'no valid train labels' });
    return;
  }
  for (const [name, share] of Object.entries(shares)) {
    if (share < config.labelShareMin || share > config.labelShareMax) {
      findings.warn({
        ...base,
        message: `train ${name} share ${(100 * share).toFixed(1)} % outside [${100 * config.labelShareMin} %, ${100 * config.labelShareMax} %]`,
      });
    }
  }
}

/**
 * The upper median (sorted[⌊n/2⌋]) of the finite values at `rows`, by quickselect. It can differ from a
 * sort's only in the sign of a zero, which JSON writes as 0 either way.
 */
function median(x: Float64Array, rows: Int32Array): number {
  const values = new Float64Array(rows.length);
  let n = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = x[rows[k] as number] as number;
    if (v - v === 0) values[n++] = v;
  }
  if (n === 0) return Number.NaN;
  return orderStatistics(values.subarray(0, n), [n >> 1])[0] as number;
}

export interface FeatureInfo {
  name: string;
  flag: boolean;
}

/**
 * Scale, skew, outliers, constant columns and extreme range of unscaled features on train rows.
 * A constant non-flag feature is an issue; a constant flag (e.g. a regime that never fires in train)
 * is a warning; a feature without finite train values is a warning. The rest are summary warnings.
 */
export function checkFeatureQuality(
  findings: Findings,
  symbol: string,
  frame: Frame,
  features: readonly FeatureInfo[],
  trainRows: Int32Array,
  config: ValidationConfig,
): void {
  const large: string[] = [];
  const skewed: string[] = [];
  const outliers: string[] = [];
  const constantFlags: string[] = [];
  const empty: string[] = [];
  const stats: Record<string, unknown> = {};
  for (const feature of features) {
    const column = frame.columns[feature.name];
    if (column === undefined) continue;
    const m = moments(column, trainRows);
    const range = m.max - m.min;
    stats[feature.name] = {
      count: m.count,
      nan: m.nan,
      mean: m.mean,
      std: m.std,
      min: m.min,
      max: m.max,
      skew: m.skew,
      beyond3Sigma: m.beyond3,
      beyond5Sigma: m.beyond5,
      beyond10Sigma: m.beyond10,
      extremeRange: range > config.extremeRange,
    };
    if (m.count === 0) {
      empty.push(feature.name);
      continue;
    }
    if (range === 0) {
      if (feature.flag) constantFlags.push(feature.name);
      else
        findings.issue({
          check: 'constant',
          symbol,
          feature: feature.name,
          message: `${feature.name} is constant (${m.min}) on train rows`,
        });
      continue;
    }
    if (m.count < config.minFiniteValues) continue;
    if (m.std > config.scaleLimit || Math.abs(m.mean) > config.scaleLimit) large.push(feature.name);
    if (!feature.flag && Math.abs(m.skew) > config.skewLimit) skewed.push(feature.name);
    if (!feature.flag) {
      // `moments` already counted |v − mean| / std beyond 3, 5 and 10 with `countBeyond`'s very expression.
      const sigma = config.outlierSigma;
      const beyond =
        sigma === 3
          ? m.beyond3
          : sigma === 5
            ? m.beyond5
            : sigma === 10
              ? m.beyond10
              : countBeyond(column, trainRows, m.mean, m.std, sigma);
      if (beyond / m.count > config.outlierShare) outliers.push(feature.name);
    }
  }
  findings.record('feature_quality', symbol, stats);
  const summary = (check: string, names: string[], what: string) => {
    if (names.length > 0) {
      const list = names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '');
      findings.warn({ check, symbol, message: `${names.length} features ${what} on train rows: ${list}` });
    }
  };
  summary('scale', large, `with |mean| or std above ${config.scaleLimit} (unscaled)`);
  summary('skew', skewed, `with |skew| above ${config.skewLimit}`);
  summary('outliers', outliers, `with more than ${100 * config.outlierShare} % beyond ${config.outlierSigma}σ`);
  summary('constant', constantFlags, 'that are constant flags');
  summary('nan', empty, 'without a finite value');
}

/**
 * Importance without a model: mutual information (quantile bins, Miller–Madow corrected) between
 * each feature and the horizon's label, on sampled train rows with valid labels, per symbol.
 */
export function featureImportance(
  frame: Frame,
  names: readonly string[],
  label: Float64Array,
  trainRows: Int32Array,
  config: ValidationConfig,
): Record<string, number> {
  const labelled = labelledRows(label, evenSample(trainRows, config.sampleRows));
  const out: Record<string, number> = {};
  for (const name of names) {
    const column = frame.columns[name];
    if (column !== undefined) out[name] = mutualInformationOf(column, labelled, config.importanceBins);
  }
  return out;
}

/**
 * ADF (constant, `adfLags` lags) on the last `sampleRows` contiguous train rows of each non-flag
 * feature. Info, plus one warning naming the features that look non-stationary.
 */
export function checkStationarity(
  findings: Findings,
  symbol: string,
  frame: Frame,
  features: readonly FeatureInfo[],
  trainRows: Int32Array,
  config: ValidationConfig,
): void {
  const rows = trainRows.subarray(Math.max(0, trainRows.length - config.sampleRows));
  const results: Record<string, unknown> = {};
  const nonStationary: string[] = [];
  for (const feature of features) {
    const column = frame.columns[feature.name];
    if (column === undefined || feature.flag) continue;
    const adf = adfTestAt(column, rows, config.adfLags);
    if (adf.nobs < config.minFiniteValues || adf.statistic !== adf.statistic) continue;
    results[feature.name] = adf;
    if (!adf.stationary) nonStationary.push(feature.name);
  }
  findings.record('stationarity', symbol, { lags: config.adfLags, rows: rows.length, results });
  if (nonStationary.length > 0) {
    const list = nonStationary.slice(0, 10).join(', ') + (nonStationary.length > 10 ? ', …' : '');
    findings.warn({ check: 'stationarity', symbol, message: `${nonStationary.length} features fail ADF at 5 % on train rows: ${list}` });
  }
}
