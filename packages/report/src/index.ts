// Public API of @tribar/report.
export { reportStage, reportStageWithModels, renderReport, writeReport, runCharts } from './report.js';
export type { RenderedReport } from './report.js';
export {
  oracleTrades,
  backtestMetrics,
  annualisedSharpe,
  maxDrawdown,
  countCode,
  TEST_SPLIT,
  INVALID_LABEL_VALUE,
} from './backtest.js';
export type { OracleInput, OracleTrade, CostModel, BacktestMetrics, MetricsOptions } from './backtest.js';
export { renderSvg, scalingSpec, labelMixSpec, barsToHitSpec, qualitySpec, convergenceSpec, splitTimelineSpec, correlationSpec, healthSpec, equitySpec } from './charts.js';
export type { RenderedChart } from './charts.js';
export {
  labelMixRows,
  histogram,
  barsToHitRows,
  qualityRows,
  convergenceRows,
  splitSegments,
  correlationCells,
  healthRows,
  stageRows,
  backtestRows,
  barMinutes,
  costFor,
  SPLIT_ZONES,
} from './shape.js';
export type { LabelMixRow, HistogramBin, SeriesHistogramRow, ConvergenceRow, SplitSegment, CorrelationCell, HealthRow, StageRow, BacktestRow } from './shape.js';
export { buildReportModel, modelsSection, flattenScalars, checkRows, splitCountRows, scalingSummary, runStatusAtReport } from './model.js';
export type { ReportModel, SplitCountRow } from './model.js';
export { loadRunData, numericColumn, pickFeatures } from './run-data.js';
export type { RunData, SymbolColumns, Json } from './run-data.js';
export { htmlPage, SECTIONS } from './template.js';
export { markdownReport } from './markdown.js';
export { escapeHtml, formatNumber, percent, markdownTable } from './format.js';
export { parseTrainSummary, rowShares, safeRunPath, MODEL_CLASSES } from './model-section.js';
export type { ModelsSection, ModelResult, ModelBacktest, ClassificationMetrics, ClassScores, ModelClass } from './model-section.js';
export { loadTrainData } from './train-data.js';
export type { TrainData, ModelEquity } from './train-data.js';
export { modelEquitySpec, modelEquityRows, decimateIndexes, EQUITY_POINTS } from './model-charts.js';
export { modelsHtml, modelsMarkdown, modelTableRow, confusionRows, MODEL_TABLE_HEADERS, MODELS_SECTION, MODEL_EQUITY_CHART } from './model-render.js';
