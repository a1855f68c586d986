// Public API of @tribar/ensembles: out-of-fold predictions, ensembles as models, calibration,
// meta-labeling and feature importance under purged CV.
export { outOfFoldPredictions } from './internal/oof.js';
export type { OofOptions, OofPredictions, OofScheme, OofSplit } from './internal/oof.js';
export { VotingEnsemble } from './internal/voting.js';
export type { VotingOptions } from './internal/voting.js';
export { StackingEnsemble } from './internal/stacking.js';
export type { StackingOptions, ModelSpec, WindowedInput } from './internal/stacking.js';
export { BaggingEnsemble } from './internal/bagging.js';
export type { BaggingOptions } from './internal/bagging.js';
export { CalibratedModel } from './internal/calibrated.js';
export { fitCalibrator, applyCalibrator } from './internal/calibration.js';
export type { CalibrationMethod, Calibrator } from './internal/calibration.js';
export { calibrationReport } from './internal/calibration-metrics.js';
export type { CalibrationReport } from './internal/calibration-metrics.js';
export type { ReliabilityBin } from '@tribar/quant';
export { registerEnsembles } from './internal/families.js';
export { meanDecreaseAccuracy, singleFeatureImportance, meanDecreaseImpurity } from './internal/importance.js';
export type { FeatureImportance, ImportanceOptions } from './internal/importance.js';
export {
  actProbabilities,
  META_CLASS,
  metaContracts,
  primarySides,
  probabilityContracts,
  withPrimary,
  argmaxProbabilities,
  wholeContracts,
} from './internal/sizing.js';
