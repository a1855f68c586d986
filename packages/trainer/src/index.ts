// Public API of @tribar/trainer.
export {
  combineCallbacks,
  earlyStopping,
  learningRateAt,
  learningRateSchedule,
  progressCallback,
  historyCallback,
} from './callbacks.js';
export type { TrainerCallback, EarlyStoppingOptions, EarlyStoppingState, LearningRateScheduleOptions } from './callbacks.js';
export { crossValidate, stabilityGrade } from './cross-validate.js';
export type { CvFold, CvSummary, CrossValidateOptions } from './cross-validate.js';
export { toModelInput, subsetInput, sampleWindows } from './inputs.js';
export { writePredictions, writeEquity, backtestSummary } from './outputs.js';
export type { PredictionPart, TrainBacktest } from './outputs.js';
export { trainModel, checkTrainSection, configuredCallbacks, resultDirName, DEFAULT_PATIENCE } from './train.js';
export type { TrainOptions, TrainResult } from './train.js';
export { trainStage, trainingPlan, trainOutputs, TRAIN_SUMMARY_VERSION } from './stage.js';
export type { TrainSummary } from './stage.js';
export { classificationMetrics, argmaxClass } from './metrics/classification.js';
export type { ClassificationMetrics, ClassScores } from './metrics/classification.js';
export { normalCdf, normalQuantile } from './metrics/normal.js';
export { sharpeEstimatorVariance, probabilisticSharpeRatio, expectedMaxSharpe, deflatedSharpeRatio, EULER_GAMMA } from './metrics/sharpe.js';
export {
  backtest,
  signalAt,
  summaryToJson,
  EXIT_TAKE_PROFIT,
  EXIT_STOP,
  EXIT_TIMEOUT,
  EXIT_SIGNAL,
  EXIT_DATA_END,
  EXIT_REASONS,
} from './backtest/index.js';
export type { CostSpec, BarrierSpec, BacktestInput, BacktestOptions, BacktestResult, BacktestSummary, TradeLog, SameBarRule } from './backtest/index.js';
