// Public API of @tribar/report: the pipeline's report stage, rendering a run folder's report, and
// the baseline backtest and chart renderer the README shows. Everything else is in src/internal/.
export { reportStage, reportStageWithModels, renderReport, writeReport } from './internal/report.js';
export type { RenderedReport } from './internal/report.js';
export type { ReportModel } from './internal/model.js';
export { renderSvg } from './internal/charts.js';
export { oracleTrades, backtestMetrics } from './backtest.js';
