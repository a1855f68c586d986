// Public API of @tribar/pipeline: run stages as a resumable, content-addressed DAG.
export { runPipeline } from './runner.js';
export type { RunPipelineOptions, PipelineResult, PipelineConfigShape } from './runner.js';
export { orderStages, selectStages, ancestorsOf, descendantsOf, checkInputs } from './dag.js';
export type { Selection } from './dag.js';
export { progressEmitter } from './events.js';
export type { PipelineEvent, PipelineEventListener } from './events.js';
export { configSlice, stageFingerprint } from './fingerprint.js';
export { newRunId, isValidRunId, runDirFor, listRuns, getRun, latestRun, removeRun } from './runs.js';
export type { RunSummary } from './runs.js';
export { readRunState } from './state.js';
export type { RunState, RunStatus, StageRecord, StageStatus } from './state.js';
export { PipelineDefinitionError } from './errors.js';
export { registeredStages } from './registry.js';
