// Public API of @tribar/scaling.
export {
  SCALING_CATEGORIES,
  SCALER_KINDS,
  SCALER_STATE_VERSION,
  NEAR_ZERO_STD,
  DEFAULT_SCALING_OPTIONS,
  scalerFor,
  logFor,
  fitScaler,
  fitOnTrain,
  trainRows,
  transform,
  transformColumn,
  inverseTransform,
  checkLeakage,
} from './scaler.js';
export type {
  ScalingCategory,
  ScalerKind,
  FeatureScaleSpec,
  ScalingOptions,
  FeatureState,
  ScalerState,
  ColumnSource,
  ColumnTransform,
  LeakageCheck,
  LeakageMismatch,
} from './scaler.js';
export { serializeState, parseState, serializeScalerFile, parseScalerFile } from './state-io.js';
export type { ScalerFile } from './state-io.js';
export { columnStats, quantileSorted } from './stats.js';
export type { ColumnStats } from './stats.js';
export { readManifest, readColumn, scaledTable, LABEL_COLUMN_PATTERN } from './inputs.js';
export type { ScaleManifest } from './inputs.js';
export { scaleStage, DRIFT_Z } from './stage.js';
export type { ScaleReport, FeatureReport, ScaleWarning } from './stage.js';
