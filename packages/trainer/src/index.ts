// Public API of @tribar/trainer: what the pipeline, the CLI and README users need. Everything else
// lives in src/internal/.
export { trainStage, trainingPlan, TRAIN_SUMMARY_VERSION } from './internal/stage.js';
export type { TrainSummary } from './internal/stage.js';
export { trainModel, checkTrainSection, backtestRows } from './internal/train.js';
export type { FitRun, TrainOptions, TrainResult } from './internal/train.js';
export { combineCallbacks, earlyStopping, learningRateAt } from './internal/callbacks.js';
export { toModelInput, subsetInput, sampleWindows } from './internal/inputs.js';
export { classificationMetrics } from './internal/metrics/classification.js';
export type { TrainerCallback, EarlyStoppingOptions, EarlyStoppingState, LearningRateScheduleOptions } from './internal/callbacks.js';
export { backtest, EXIT_REASONS } from './internal/backtest/index.js';
export type {
  BacktestInput,
  BacktestOptions,
  BacktestResult,
  BacktestSummary,
  BarrierSpec,
  CostSpec,
  SameBarRule,
  TradeLog,
} from './internal/backtest/index.js';
