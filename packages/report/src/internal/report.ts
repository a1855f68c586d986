import {
  artifactPath,
  cleanReport,
  featureBars,
  featureManifest,
  gaResult,
  gaSummary,
  ingestReport,
  labelBars,
  labelsReport,
  reportHtml,
  reportJson,
  reportMarkdown,
  scaleReport,
  splitBars,
  splitSummary,
  STAGE,
  trainEquity,
  trainMetrics,
  trainPredictions,
  trainSummary,
  trainTrades,
  validationReport,
  writeJsonArtifact,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { defineStage, writeFileAtomic, type StageDefinition } from '@tribar/core';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  barsToHitSpec,
  convergenceSpec,
  correlationSpec,
  equitySpec,
  healthSpec,
  labelMixSpec,
  qualitySpec,
  renderCharts,
  scalingSpec,
  splitTimelineSpec,
  type RenderedChart,
} from './charts.js';
import { markdownReport } from './markdown.js';
import { modelEquitySpec } from './model-charts.js';
import { MODEL_EQUITY_CHART } from './model-render.js';
import { buildReportModel, CONFIG_TABLE_KEYS, type ReportModel } from './model.js';
import { loadRunData, type RunData } from './run-data.js';
import { backtestRows, barsToHitRows, convergenceRows, correlationCells, qualityRows, splitSegments } from './shape.js';
import { htmlPage } from './template.js';
import { buildTearsheets, type Tearsheets } from './tearsheet.js';
import { tearsheetChartSpecs } from './tearsheet-charts.js';
import { diagnosticChartSpecs } from './ml-charts.js';
import { buildAllDiagnostics, type DiagnosticsSet } from './ml-views.js';
import { loadTuningStudies, type TuningStudies } from './tuning-data.js';
import { tuningChartSpecs, tuningMarkdown, withTuningHtml } from './tuning-section.js';

export interface RenderedReport {
  model: ReportModel;
  charts: RenderedChart[];
  html: string;
  markdown: string;
}

/** Every chart of a run, rendered to SVG; charts without data are left out. */
async function runCharts(
  data: RunData,
  backtest = backtestRows(data),
  tearsheets: Tearsheets = buildTearsheets(data),
  diagnostics: DiagnosticsSet = buildAllDiagnostics(data),
  tuning: TuningStudies = { studies: [], warnings: [] },
): Promise<RenderedChart[]> {
  const model = buildReportModel(data, backtest, tearsheets, diagnostics);
  const segments = data.columns.flatMap((c) =>
    data.horizons.flatMap((h) => (c.split.has(h) ? splitSegments(`${c.symbol} H${h}`, c.timestamp, c.split.get(h) as Float64Array) : [])),
  );
  const bars = barsToHitRows(data.columns, data.horizons);
  const quality = qualityRows(data.columns, data.horizons);
  const convergence = convergenceRows(data.ga);
  const health = model.health;
  const modelEquity = data.train?.equity ?? [];
  return renderCharts([
    { name: 'data-health', title: 'Data health', spec: healthSpec(health), empty: data.ingest === undefined && data.clean === undefined },
    { name: 'label-mix', title: 'Label mix', spec: labelMixSpec(model.labelMix), empty: model.labelMix.length === 0 },
    { name: 'bars-to-hit', title: 'Bars to hit', spec: barsToHitSpec(bars), empty: bars.length === 0 },
    { name: 'quality', title: 'Label quality', spec: qualitySpec(quality), empty: quality.length === 0 },
    { name: 'ga-convergence', title: 'GA convergence', spec: convergenceSpec(convergence), empty: convergence.length === 0 },
    { name: 'split-timeline', title: 'Split timeline', spec: splitTimelineSpec(segments), empty: segments.length === 0 },
    ...data.columns.map((c) => ({
      name: `correlation-${c.symbol}`,
      title: `Feature correlation ${c.symbol}`,
      spec: correlationSpec(c.symbol, correlationCells(c.features)),
      empty: c.features.size < 2,
    })),
    {
      name: 'scaling',
      title: 'Features per scaler',
      spec: scalingSpec(model.scaling.byScaler),
      empty: model.scaling.byScaler.length === 0,
    },
    {
      name: 'backtest-equity',
      title: 'Baseline equity',
      spec: equitySpec(backtest),
      empty: backtest.every((row) => row.equity.length === 0),
    },
    {
      name: MODEL_EQUITY_CHART,
      title: 'Model equity',
      spec: modelEquitySpec(modelEquity),
      empty: modelEquity.every((curve) => curve.equityUsd.length === 0),
    },
    ...tearsheetChartSpecs(tearsheets.results),
    ...diagnosticChartSpecs(diagnostics.results),
    ...tuningChartSpecs(tuning),
  ]);
}

/** Read a run folder and render the report (nothing written). */
export async function renderReport(runDir: string, options: { config?: RunConfig; runId?: string } = {}): Promise<RenderedReport> {
  const data = await loadRunData(runDir, options);
  const backtest = backtestRows(data);
  const tearsheets = buildTearsheets(data);
  const diagnostics = buildAllDiagnostics(data);
  const model = buildReportModel(data, backtest, tearsheets, diagnostics);
  const tuning = await loadTuningStudies(data.config.tune.dir, { runId: data.runId, symbols: data.symbols, horizons: data.horizons });
  const charts = await runCharts(data, backtest, tearsheets, diagnostics, tuning);
  return {
    model,
    charts,
    html: withTuningHtml(htmlPage(model, charts), tuning, charts),
    markdown: markdownReport(model) + tuningMarkdown(tuning),
  };
}

/** Render a run's report and write `report/index.html`, `report/report.md` and `report/report.json`. */
export async function writeReport(runDir: string, options: { config?: RunConfig; runId?: string } = {}): Promise<RenderedReport> {
  const report = await renderReport(runDir, options);
  await mkdir(dirname(artifactPath(runDir, reportHtml)), { recursive: true });
  await writeFileAtomic(artifactPath(runDir, reportHtml), report.html);
  await writeFileAtomic(artifactPath(runDir, reportMarkdown), report.markdown);
  await writeJsonArtifact(runDir, reportJson, { ...report.model, charts: report.charts.map((c) => c.name) });
  return report;
}

const REPORT_CONFIG_KEYS: readonly string[] = [
  ...new Set([
    'symbols',
    'horizons',
    'description',
    'seed',
    'timeframes',
    'contracts',
    'defaultContract',
    'report',
    'data.timezone',
    'train.backtest.entry',
    'train.ensembles',
    'tune.dir',
    ...CONFIG_TABLE_KEYS,
  ]),
];

/**
 * Pipeline stage `report`: the run's HTML (self-contained, server-rendered SVG charts), Markdown
 * and JSON report, with the label-oracle baseline backtest on the test rows.
 */
export const reportStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.report,
  description: 'Self-contained HTML, Markdown and JSON report of the run with vega-lite charts and a label-oracle baseline backtest.',
  dependsOn: [STAGE.validate],
  // 2: the Models section (train/summary.json, equity curves, confusion matrices); 3: low-sample backtests greyed;
  // 4: the per-model backtest tearsheets (trades.arrow through backtestStats).
  version: 4,
  // Every path the report reads: the series (symbols, horizons), the summary (description, seed, bar
  // length), the baseline's costs (contracts, defaultContract) and the Configuration table.
  configKeys: REPORT_CONFIG_KEYS,
  inputs: (config) => [
    ingestReport.path,
    cleanReport.path,
    featureManifest.path,
    ...config.symbols.map((symbol) => featureBars(symbol).path),
    ...config.symbols.map((symbol) => labelBars(symbol).path),
    labelsReport.path,
    gaSummary.path,
    ...config.symbols.flatMap((symbol) => config.horizons.map((h) => gaResult(symbol, h).path)),
    splitSummary.path,
    ...config.symbols.map((symbol) => splitBars(symbol).path),
    scaleReport.path,
    validationReport.path,
  ],
  outputs: () => [reportHtml.path, reportMarkdown.path, reportJson.path],
  async run(context) {
    const report = await writeReport(context.runDir, { config: context.config, runId: context.runId });
    if (report.model.missing.length > 0) context.logger.warn({ missing: report.model.missing }, 'report: some artifacts were not found');
    const metrics: Record<string, number | string | boolean> = { charts: report.charts.length };
    for (const row of report.model.backtest) {
      metrics[`${row.symbol}_h${row.horizon}.trades`] = row.trades;
      if (row.sharpe !== null) metrics[`${row.symbol}_h${row.horizon}.sharpe`] = Math.round(row.sharpe * 100) / 100;
    }
    if (report.model.models.present) metrics['models'] = report.model.models.results.length;
    if (report.model.models.warnings.length > 0)
      context.logger.warn({ warnings: report.model.models.warnings }, 'report: problems reading the train stage results');
    return { metrics };
  },
});

/**
 * The report stage of a run that trains models: it waits for stage `train` and declares its summary
 * as an input, so new training results make the report stale (re-rendered) like any other input.
 * The report reads `train/` whenever it exists; this only tells the runner about it.
 */
export const reportStageWithModels: StageDefinition<RunConfig> = {
  ...reportStage,
  dependsOn: [...reportStage.dependsOn, STAGE.train],
  configKeys: [...REPORT_CONFIG_KEYS, 'train.symbols', 'train.horizons', 'train.models'],
  inputs: (config) => [...reportStage.inputs(config), trainSummary.path, ...trainFilesRead(config)],
};

/**
 * The per-fit train files the report reads, for every fit the train stage plans (its symbols × horizons ×
 * models and ensembles): equity, trades, predictions and metrics. `oof.arrow` and `importance.json` are read
 * when present but not declared: which fits write them depends on the model registry, which only the train
 * stage knows (a new importance run rewrites `metrics.json`'s fit anyway).
 */
function trainFilesRead(config: RunConfig): string[] {
  const symbols = config.train.symbols ?? config.symbols;
  const horizons = config.train.horizons ?? config.horizons;
  const models = [...config.train.models, ...config.train.ensembles.map((e) => e.name)];
  return symbols.flatMap((symbol) =>
    horizons.flatMap((h) =>
      models.flatMap((model) => [
        trainEquity(model, symbol, h).path,
        trainTrades(model, symbol, h).path,
        trainPredictions(model, symbol, h).path,
        trainMetrics(model, symbol, h).path,
      ]),
    ),
  );
}
