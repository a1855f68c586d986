import {
  artifactPath,
  cut,
  featureBars,
  featureManifest,
  featureSelection as featureSelectionFile,
  labelBars,
  readJsonArtifact,
  scaledBars,
  splitBars,
  STAGE,
  validationReport,
  writeJsonArtifact,
  type ValidationReportFile,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { DataError, defineStage, type StageDefinition } from '@tribar/core';
import { Findings, type Finding, type Frame, type ValidationConfig } from './checks.js';
import type { TrainView } from './correlation.js';
import { labelColumnNames } from './load.js';
import { selectFeatures, type FeatureSelection } from './selection.js';
import { checkScaledFile, checkSymbol, planValidation, type SymbolPart, type ValidationPlan } from './symbol-checks.js';
import { checkSymbols } from './threads.js';

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

/**
 * Below this many bytes of feature files (two symbols of about 1.8 years of five-minute bars) a
 * worker's start and warm-up cost more CPU than it saves in wall time (README, Speed).
 */
const PARALLEL_MIN_BYTES = 256 * 1024 * 1024;
/** Symbols checked at once hold their feature files at once: above this, one at a time (bounded memory). */
const PARALLEL_MAX_BYTES = 1024 * 1024 * 1024;

/** How many threads check symbols: one per symbol and core while the feature files are mid-sized. */
async function symbolThreads(runDir: string, symbols: readonly string[]): Promise<number> {
  if (symbols.length < 2) return 1;
  const sizes = await Promise.all(symbols.map(async (s) => (await stat(artifactPath(runDir, featureBars(s)))).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const threads = Math.min(symbols.length, availableParallelism());
  const largest = Math.max(...sizes);
  if (total < PARALLEL_MIN_BYTES || threads * largest > PARALLEL_MAX_BYTES) return 1;
  return threads;
}

/** Run every check on in-memory inputs; pure apart from reading `config`. */
export function validate(
  inputs: readonly SymbolInputs[],
  manifest: ManifestView,
  cuts: { trainEnd: number; valEnd: number },
  config: RunConfig,
): ValidationReport {
  const findings = new Findings();
  const plan = planValidation(
    findings,
    manifest,
    inputs.map((s) => Object.keys(s.labels.columns)),
    cuts,
    config,
  );
  const parts = inputs.map((input) => checkSymbol(plan, input, checkScaledFile(input.symbol, input.scaled)));
  return combine(plan, findings, parts);
}

/** The run-wide part: each symbol's findings in symbol order, importance averaged over symbols, then the selection. */
function combine(plan: ValidationPlan, findings: Findings, parts: readonly SymbolPart[]): ValidationReport {
  const v = plan.validation;
  const horizons = plan.horizons;
  const names = plan.names;
  const views: TrainView[] = [];
  const importanceBySymbol: Record<string, Record<string, Record<string, number>>> = {};
  for (const part of parts) {
    findings.absorb(part.entries);
    if (part.view !== undefined) views.push(part.view);
    if (part.importance !== undefined) importanceBySymbol[part.symbol] = part.importance;
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
    symbols: parts.map((s) => s.symbol),
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
    context.progress.start(config.symbols.length + 1, { unit: 'symbols', label: 'validate' });
    const labelNames: string[][] = [];
    for (const symbol of config.symbols) labelNames.push(await labelColumnNames(context.runDir, symbol));
    const findings = new Findings();
    const plan = planValidation(findings, manifest, labelNames, cuts, config);
    const threads = await symbolThreads(context.runDir, config.symbols);
    logger.debug({ threads, symbols: config.symbols.length }, 'checking symbols');
    const parts = await checkSymbols(
      context.runDir,
      config.symbols,
      plan,
      threads,
      (symbol) => {
        logger.debug({ symbol }, 'symbol checked');
        context.progress.advance();
      },
      context.signal,
    );
    const report = combine(plan, findings, parts);
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
