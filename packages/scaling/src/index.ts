// Public API of @tribar/scaling: the stage `scale` and the scaler itself (fit on train, transform,
// inverse, JSON state, leakage check).
export { scaleStage } from './internal/stage.js';
export { DEFAULT_SCALING_OPTIONS, fitScaler, fitOnTrain, transform, inverseTransform } from './internal/scaler.js';
export { checkLeakage } from './internal/leakage.js';
export type { LeakageCheck, LeakageMismatch } from './internal/leakage.js';
export type { FeatureScaleSpec, ScalingOptions, FeatureState, ScalerState, ColumnSource } from './internal/scaler.js';
export { serializeState, parseState } from './internal/state-io.js';
