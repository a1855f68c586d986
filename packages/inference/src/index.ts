// Public API of @tribar/inference: load a trained model with its run's choices and predict on
// fresh raw bars with the pipeline's own numbers. Everything else is internal.
export { loadPredictor } from './internal/predictor.js';
export type { PredictorOptions, Predictor, PredictorInfo, Prediction, PredictOptions } from './internal/predictor.js';
export type { RawBarsInput } from './internal/raw-bars.js';
export { InsufficientHistoryError } from './internal/errors.js';
