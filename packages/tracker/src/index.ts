// Public API of @tribar/tracker: experiment tracking in MLflow's FileStore layout. Everything else
// is internal.
export { Tracker } from './internal/tracker.js';
export type { ExperimentInfo, StartRunOptions, TrackerOptions } from './internal/tracker.js';
export type { TrackedRun } from './internal/run.js';
export type { RunRecord } from './internal/record.js';
export type { RunStatus } from './internal/meta.js';
export { formatRunsTable } from './internal/table.js';
export type { RunsTableOptions } from './internal/table.js';
export { parseMlflowMetricFile, pythonFloatRepr, flattenParams } from './internal/values.js';
export type { MetricPoint, ParamTree } from './internal/values.js';
export { validateKey } from './internal/keys.js';
export { openTracker } from './internal/open.js';
export type { OpenTrackerOptions, RunHandle, RunTracker } from './internal/open.js';
export { MlflowRestTracker } from './internal/rest/tracker.js';
export type { RestTrackerOptions } from './internal/rest/tracker.js';
export { MlflowRestError } from './internal/rest/client.js';
