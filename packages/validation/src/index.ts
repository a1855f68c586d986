// Public API of @tribar/validation.
export {
  validateStage,
  validate,
  tableToFrame,
  trainRowsAll,
  summarizeIssues,
  ValidationFailedError,
  IMPORTANCE_METHOD,
} from './stage.js';
export type { ValidationReport, SymbolInputs, ManifestView } from './stage.js';
export {
  Findings,
  checkTimestamps,
  checkAlignment,
  checkFinite,
  checkGapsAndRange,
  checkSplit,
  checkLabels,
  checkFeatureQuality,
  checkStationarity,
  featureImportance,
  isLabelDerived,
  LABEL_DERIVED_PREFIXES,
  SPLIT_CODES,
} from './checks.js';
export type { Finding, Frame, FeatureInfo, ValidationConfig } from './checks.js';
export { selectFeatures, isLowVariance, SELECTION_METHOD } from './selection.js';
export type { FeatureSelection, CorrelationGroup, TrainView, SelectionOptions } from './selection.js';
export { countBeyond, mutualInformation, evenSample } from './stats.js';
