import {
  artifactPath,
  cut,
  featureBars,
  featureManifest,
  featureSelection as featureSelectionFile,
  labelBars,
  labelColumn,
  readArrowArtifact,
  readJsonArtifact,
  scaledBars,
  splitBars,
  splitColumn,
  SPLIT_TRAIN,
  STAGE,
  validationReport,
  writeJsonArtifact,
  type ArrowArtifact,
  type ValidationReportFile,
  labelEndTimeColumn,
  TIMESTAMP_COLUMN,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { DataError, defineStage, float64Columns, readArrowFile, type StageDefinition } from '@tribar/core';
import type { Table } from 'apache-arrow';
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
  type Finding,
  type Frame,
  type ValidationConfig,
} from './checks.js';
import type { TrainView } from './correlation.js';
import { selectFeatures, type FeatureSelection } from './selection.js';
import { evenSample } from './stats.js';

/** Every column of an Arrow table as float64 (null → NaN; timestamps in UTC ms). */
function tableToFrame(table: Table, source = '<table>'): Frame {
  const columns = float64Columns(table, source);
  const timestamp = columns[TIMESTAMP_COLUMN];
  if (timestamp === undefined) throw new DataError(`missing column '${TIMESTAMP_COLUMN}'`, { file: source, field: TIMESTAMP_COLUMN });
  delete columns[TIMESTAMP_COLUMN];
  return { timestamp, columns };
}

/** What the checks read of the feature manifest (`FeatureManifestFile` is one; tests pass smaller ones). */
export interface ManifestView {
  features: readonly { name: string; family: string; category: string; flag: boolean }[];
}

/** Everything the checks need for one symbol. */
export interface SymbolInputs {
  symbol: string;
  features: Frame;
  labels: Frame;
  splits: Frame;
  scaled: Frame;
}

/** `validate/report.json`: the contract's shape, with the thresholds typed as the config's section. */
export interface ValidationReport extends ValidationReportFile {
  status: 'PASSED' | 'FAILED';
  symbols: string[];
  horizons: number[];
  thresholds: ValidationConfig;
  issues: Finding[];
  warnings: Finding[];
  checks: Record<string, Record<string, unknown>>;
  featureSelection: Omit<FeatureSelection, 'correlatedPairs'> & { correlatedPairs: FeatureSelection['correlatedPairs'] };
  importance: { method: string; byHorizon: Record<string, Record<string, number>>; top: { feature: string; score: number }[] };
}

const IMPORTANCE_METHOD =
  'Univariate mutual information (nats) between each unscaled feature, cut into importanceBins train quantile bins, ' +
  'and label_h{h} (−1/0/1; −99 excluded), on up to sampleRows evenly spaced train rows (split code 0) per symbol, ' +
  'minus the Miller–Madow bias (B−1)(K−1)/2N; averaged over symbols; the overall score averages horizons. ' +
  'It ranks marginal information only (no interactions), unlike the original random forest.';

/** Rows whose split code is 0 for every horizon: the strict train set used wherever a choice is made. */
function trainRowsAll(splits: Frame, horizons: readonly number[]): Int32Array {
  const rows: number[] = [];
  const codes = horizons.map((h) => splits.columns[splitColumn(h)]);
  for (let i = 0; i < splits.timestamp.length; i++) if (codes.every((c) => c !== undefined && c[i] === SPLIT_TRAIN)) rows.push(i);
  return Int32Array.from(rows);
}

/** Run every check on in-memory inputs; pure apart from reading `config`. */
export function validate(
  inputs: readonly SymbolInputs[],
  manifest: ManifestView,
  cuts: { trainEnd: number; valEnd: number },
  config: RunConfig,
): ValidationReport {
  const v = config.validation;
  const horizons = config.horizons;
  const findings = new Findings();
  const featureInfo: FeatureInfo[] = manifest.features.map((f) => ({ name: f.name, flag: f.flag === true }));
  // §17.9: label-derived columns must never be features.
  const leaked = featureInfo.filter((f) => isLabelDerived(f.name) || inputs.some((s) => f.name in s.labels.columns));
  for (const f of leaked)
    findings.issue({ check: 'leakage', feature: f.name, message: `${f.name} is derived from the labels but listed as a feature` });
  const usable = featureInfo.filter((f) => !leaked.includes(f));
  const names = usable.map((f) => f.name);
  const views: TrainView[] = [];
  const importanceBySymbol: Record<string, Record<string, Record<string, number>>> = {};
  for (const input of inputs) {
    const { symbol } = input;
    const files = {
      features: featureBars(symbol).path,
      labels: labelBars(symbol).path,
      splits: splitBars(symbol).path,
      scaled: scaledBars(symbol).path,
    };
    checkTimestamps(findings, symbol, files.features, input.features.timestamp);
    checkTimestamps(findings, symbol, files.labels, input.labels.timestamp);
    checkTimestamps(findings, symbol, files.splits, input.splits.timestamp);
    checkTimestamps(findings, symbol, files.scaled, input.scaled.timestamp);
    checkAlignment(findings, symbol, files.labels, input.features.timestamp, input.labels.timestamp);
    checkAlignment(findings, symbol, files.splits, input.features.timestamp, input.splits.timestamp);
    checkAlignment(findings, symbol, files.scaled, input.features.timestamp, input.scaled.timestamp);
    const missing = names.filter((name) => !(name in input.features.columns));
    if (missing.length > 0) findings.record('alignment', `${symbol}:featuresNotInFile`, missing);
    const scaledLeaks = Object.keys(input.scaled.columns).filter(isLabelDerived);
    for (const name of scaledLeaks)
      findings.issue({ check: 'leakage', symbol, feature: name, message: `${files.scaled} carries label-derived column ${name}` });
    checkFinite(findings, symbol, files.features, input.features, names);
    checkFinite(findings, symbol, files.scaled, input.scaled, Object.keys(input.scaled.columns));
    checkGapsAndRange(findings, symbol, input.features.timestamp, v);
    const aligned = input.splits.timestamp.length === input.labels.timestamp.length;
    for (const h of horizons) {
      const split = input.splits.columns[splitColumn(h)];
      if (split === undefined) {
        findings.issue({ check: 'splits', symbol, horizon: h, message: `splits file has no ${splitColumn(h)}` });
        continue;
      }
      const label = aligned ? input.labels.columns[labelColumn(h)] : undefined;
      const labelEnd = aligned ? input.labels.columns[labelEndTimeColumn(h)] : undefined;
      checkSplit(findings, symbol, h, input.splits.timestamp, split, label, labelEnd, cuts);
      checkLabels(findings, symbol, h, input.labels, aligned ? split : undefined, v);
    }
    const train = trainRowsAll(input.splits, horizons);
    findings.record('date_range', `${symbol}:train`, {
      rows: train.length,
      start: train.length > 0 ? new Date(input.splits.timestamp[train[0] as number] as number).toISOString() : null,
      end: train.length > 0 ? new Date(input.splits.timestamp[train[train.length - 1] as number] as number).toISOString() : null,
    });
    const featureAligned = input.features.timestamp.length === input.splits.timestamp.length;
    if (!featureAligned) continue;
    const present = usable.filter((f) => f.name in input.features.columns);
    checkFeatureQuality(findings, symbol, input.features, present, train, v);
    checkStationarity(findings, symbol, input.features, present, train, v);
    views.push({ symbol, columns: input.features.columns, trainRows: evenSample(train, v.sampleRows) });
    const bySymbol: Record<string, Record<string, number>> = {};
    for (const h of horizons) {
      const label = input.labels.columns[labelColumn(h)];
      const split = input.splits.columns[splitColumn(h)];
      if (label === undefined || split === undefined || !aligned) continue;
      const rows: number[] = [];
      for (let i = 0; i < split.length; i++) if (split[i] === SPLIT_TRAIN) rows.push(i);
      bySymbol[`h${h}`] = featureImportance(
        input.features,
        present.map((f) => f.name),
        label,
        Int32Array.from(rows),
        v,
      );
    }
    importanceBySymbol[symbol] = bySymbol;
  }
  // Importance: mean over symbols per horizon, then over horizons.
  const byHorizon: Record<string, Record<string, number>> = {};
  for (const h of horizons) {
    const key = `h${h}`;
    const sums: Record<string, { s: number; n: number }> = {};
    for (const bySymbol of Object.values(importanceBySymbol)) {
      for (const [name, score] of Object.entries(bySymbol[key] ?? {})) {
        const acc = (sums[name] ??= { s: 0, n: 0 });
        acc.s += score;
        acc.n++;
      }
    }
    byHorizon[key] = Object.fromEntries(Object.entries(sums).map(([name, { s, n }]) => [name, s / n]));
  }
  const overall: Record<string, number> = {};
  for (const name of names) {
    const scores = Object.values(byHorizon)
      .map((m) => m[name])
      .filter((s): s is number => s !== undefined);
    if (scores.length > 0) overall[name] = scores.reduce((a, b) => a + b, 0) / scores.length;
  }
  const top = Object.entries(overall)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 20)
    .map(([feature, score]) => ({ feature, score }));
  const selection = selectFeatures(names, views, {
    correlationThreshold: v.correlationThreshold,
    varianceThreshold: v.varianceThreshold,
    minFiniteValues: v.minFiniteValues,
    importance: overall,
  });
  findings.record('correlation', 'summary', {
    threshold: v.correlationThreshold,
    pairs: selection.correlatedPairs.length,
    groups: selection.correlationGroups.length,
  });
  if (selection.originalCount > selection.finalCount) {
    findings.warn({
      check: 'feature_selection',
      message: `train-only selection keeps ${selection.finalCount} of ${selection.originalCount} features (${selection.lowVarianceFeatures.length} low variance, ${selection.correlationGroups.length} correlation groups)`,
    });
  }
  if (names.length > 0 && selection.finalCount === 0) {
    findings.issue({ check: 'feature_selection', message: 'no feature survives selection on train rows' });
  }
  return {
    status: findings.issues.length > 0 ? 'FAILED' : 'PASSED',
    symbols: inputs.map((s) => s.symbol),
    horizons: [...horizons],
    thresholds: v,
    issues: findings.issues,
    warnings: findings.warnings,
    checks: findings.checks,
    featureSelection: selection,
    importance: { method: IMPORTANCE_METHOD, byHorizon, top },
  };
}

/** The readable summary thrown when there are issues. */
export function summarizeIssues(report: ValidationReport, limit = 20): string {
  const line = (f: Finding) =>
    `  - [${f.check}${f.symbol ? ` ${f.symbol}` : ''}${f.horizon !== undefined ? ` h${f.horizon}` : ''}] ${f.message}`;
  const shown = report.issues.slice(0, limit).map(line);
  const more = report.issues.length > limit ? [`  … and ${report.issues.length - limit} more`] : [];
  return [`validation FAILED with ${report.issues.length} issue(s) (${report.warnings.length} warnings):`, ...shown, ...more].join('\n');
}

export class ValidationFailedError extends DataError {
  constructor(
    readonly report: ValidationReport,
    reportPath: string,
  ) {
    super(summarizeIssues(report), { file: reportPath }, { hint: `See ${reportPath} for every check and warning.` });
  }
}

/**
 * Pipeline stage `validate`: §10's checks on the features, labels, splits and scaled features, with
 * feature selection, correlation groups and importance on train rows only. Writes
 * `validate/report.json` and `validate/feature-selection.json` in every case, then fails on issues.
 */
export const validateStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.validate,
  description: 'Quality and leakage checks with train-only feature selection, correlation groups and importance.',
  dependsOn: [STAGE.features, STAGE.labelsFinal, STAGE.splits, STAGE.scale, STAGE.cut],
  version: 1,
  configKeys: ['validation', 'symbols', 'horizons'],
  inputs: (config) => [
    ...config.symbols.flatMap((s) => [featureBars(s).path, labelBars(s).path, splitBars(s).path, scaledBars(s).path]),
    featureManifest.path,
    cut.path,
  ],
  outputs: () => [validationReport.path, featureSelectionFile.path],
  async run(context) {
    const { config, logger } = context;
    const manifest = await readJsonArtifact(context.runDir, featureManifest);
    const theCut = await readJsonArtifact(context.runDir, cut);
    const cuts = { trainEnd: theCut.trainEndMs, valEnd: theCut.valEndMs };
    const inputs: SymbolInputs[] = [];
    context.progress.start(config.symbols.length + 1, { unit: 'symbols', label: 'validate' });
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      const load = async (artifact: ArrowArtifact) =>
        tableToFrame(await readArrowArtifact(context.runDir, artifact), artifactPath(context.runDir, artifact));
      // Labels without labelBars' column check: the checks report each missing label column.
      const labelsFile = artifactPath(context.runDir, labelBars(symbol));
      inputs.push({
        symbol,
        features: await load(featureBars(symbol)),
        labels: tableToFrame(await readArrowFile(labelsFile), labelsFile),
        splits: await load(splitBars(symbol)),
        scaled: await load(scaledBars(symbol)),
      });
      context.progress.advance();
    }
    const report = validate(inputs, manifest, cuts, config);
    const { featureSelection } = report;
    await writeJsonArtifact(context.runDir, featureSelectionFile, {
      basis: 'train rows (split code 0 for every horizon)',
      selectedFeatures: featureSelection.selected,
      removedFeatures: featureSelection.removed,
      correlationGroups: featureSelection.correlationGroups,
      lowVarianceFeatures: featureSelection.lowVarianceFeatures,
      originalCount: featureSelection.originalCount,
      finalCount: featureSelection.finalCount,
      reductionPct: featureSelection.reductionPct,
      thresholds: { correlation: config.validation.correlationThreshold, variance: config.validation.varianceThreshold },
      importanceTop: report.importance.top,
      method: featureSelection.method,
    });
    const reportPath = await writeJsonArtifact(context.runDir, validationReport, report);
    context.progress.advance();
    context.progress.done();
    for (const w of report.warnings) logger.warn({ check: w.check, symbol: w.symbol, horizon: w.horizon }, w.message);
    if (report.status === 'FAILED') throw new ValidationFailedError(report, reportPath);
    logger.info({ selected: featureSelection.finalCount, of: featureSelection.originalCount }, 'validation passed');
    return {
      metrics: {
        status: report.status,
        issues: report.issues.length,
        warnings: report.warnings.length,
        selectedFeatures: featureSelection.finalCount,
        originalFeatures: featureSelection.originalCount,
      },
    };
  },
});
