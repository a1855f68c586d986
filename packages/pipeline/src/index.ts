// Public API of @tribar/pipeline: run stages as a resumable, content-addressed DAG, and find the
// runs it left. Everything else is in src/internal/.
export { runPipeline } from './internal/runner.js';
export type { RunPipelineOptions, PipelineResult, PipelineConfigShape } from './internal/runner.js';
export { progressEmitter } from './internal/events.js';
export type { PipelineEvent, PipelineEventListener } from './internal/events.js';
export {
  newRunId,
  isValidRunId,
  runDirFor,
  listRuns,
  getRun,
  latestRun,
  removeRun,
  removeRunTemporaryFiles,
  clearCaches,
  runLiveness,
} from './internal/runs.js';
export type { RunSummary, ClearedCache, RunLiveness } from './internal/runs.js';
export type { RunLockHolder } from './internal/lock.js';
export type { RemovedTemporaryFiles } from './internal/temporary-files.js';
export { compareRuns } from './internal/compare.js';
export { recordRewrittenOutputs, verifyRun } from './internal/run-files.js';
export type { RunVerification, RunProblem } from './internal/run-files.js';
export { PipelineDefinitionError, RunIntegrityError } from './internal/errors.js';
export { registeredStages } from './internal/registry.js';
