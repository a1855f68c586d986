// Public API of @tribar/tuning.
export { searchSpaceFromCard, defineSearchSpace, SearchSpaceError, DEFAULT_EXCLUDED } from './internal/space.js';
export type {
  Distribution,
  ParamCondition,
  ParamSpec,
  ParamValue,
  Params,
  RangeOverride,
  SearchSpace,
  SpaceOverrides,
} from './internal/space.js';
export type { AttrValue, Direction, FrozenTrial, TrialState } from './internal/trial.js';
export { RandomSampler } from './internal/samplers/sampler.js';
export type { Sample, SampleContext, Sampler } from './internal/samplers/sampler.js';
export { GridSampler } from './internal/samplers/grid.js';
export { TpeSampler } from './internal/samplers/tpe.js';
export { CmaEsSampler } from './internal/samplers/cmaes.js';
export type { TpeOptions } from './internal/samplers/tpe.js';
export { MedianPruner, SuccessiveHalvingPruner, HyperbandPruner, NopPruner } from './internal/pruners.js';
export type { HyperbandOptions, MedianPrunerOptions, PruneContext, Pruner, SuccessiveHalvingOptions } from './internal/pruners.js';
export { JournalStorage, MemoryStorage } from './internal/journal.js';
export type { JournalEvent, StudyHeader, StudyStorage } from './internal/journal.js';
export { Study, createStudy, TrialPruned } from './internal/study.js';
export type { CreateStudyOptions, Objective, OptimizeOptions, Trial } from './internal/study.js';
export { ModelObjective, metricDirection } from './internal/objective.js';
export type { ModelObjectiveOptions, TestReport, TrialScore, TuneMetric } from './internal/objective.js';
export { runModelStudy, samplerFor, prunerFor, studyFiles } from './internal/model-study.js';
export type { ModelStudyOptions, ModelStudyResult } from './internal/model-study.js';
export { studySummary, readStudy, trialsTable, STUDY_SUMMARY_VERSION } from './internal/summary.js';
export type { StudySummary, TrialSummary } from './internal/summary.js';
export { OptunaStudy, OptunaBridgeError, optunaVersion, OPTUNA_PYTHON } from './internal/optuna-bridge.js';
export type { OptunaStudyOptions, OptunaTrial, OptunaTrialRecord } from './internal/optuna-bridge.js';
export { RedisTrials } from './internal/redis/coordinator.js';
export type { RedisTrialsOptions } from './internal/redis/coordinator.js';
export { runTrialWorker } from './internal/redis/worker.js';
export type { ObjectiveFactory, TrialWorkerOptions } from './internal/redis/worker.js';
export { runModelWorker } from './internal/redis/model-worker.js';
export type { ModelWorkerOptions } from './internal/redis/model-worker.js';
