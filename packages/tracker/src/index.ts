// Public API of @tribar/tracker: experiment tracking in MLflow's FileStore layout.
export { Tracker, DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME } from './tracker.js';
export type { ExperimentInfo, StartRunOptions, TrackerOptions } from './tracker.js';
export { TrackedRun } from './run.js';
export type { RunRecord } from './record.js';
export type { RunStatus } from './meta.js';
export { RUN_STATUS_CODES } from './meta.js';
export { formatRunsTable, formatMetricValue } from './table.js';
export type { RunsTableOptions } from './table.js';
export { parseMlflowMetricFile, pythonFloatRepr, flattenParams } from './values.js';
export type { MetricPoint, ParamTree, ParamValue } from './values.js';
export { validateKey } from './keys.js';
