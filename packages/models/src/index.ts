// Public API of @tribar/models: the model interface, the registry, the four built-in families
// and the tfjs backend choice. Everything else is internal.
export { NUM_CLASSES, CLASS_NAMES, isSequenceSource } from './internal/types.js';
export type {
  InputKind,
  ModelFamily,
  ModelInput,
  LabeledInput,
  SequenceSource,
  LabeledSequenceSource,
  ModelRows,
  LabeledRows,
  EpochLog,
  EpochControl,
  EpochHook,
  FitOptions,
  FitResult,
  Probabilities,
  ModelDescription,
  BaseModel,
  HyperparameterSpec,
  ModelCard,
  ModelFactory,
} from './internal/types.js';
export { ModelRegistry, resolveHyperparameters } from './internal/registry.js';
export { createDefaultRegistry } from './internal/builtins.js';
export { argmaxClass } from './internal/dense-input.js';
export { XGBOOST_CARD, XGBoostLibraryError, locateXGBoost, hasXGBoost, XGBoostModel, xgboostFactory } from './internal/xgboost/index.js';
export { LOGISTIC_CARD, logisticFactory } from './internal/logistic/index.js';
export { MLP_CARD, mlpFactory } from './internal/mlp/index.js';
export { GBDT_CARD, GbdtModel, gbdtFactory } from './internal/gbdt/index.js';
export type { ImportanceType } from './internal/gbdt/index.js';
export { selectTfjsBackend, TFJS_BACKEND_ORDER } from './internal/tfjs/index.js';
export type { SelectTfjsBackendOptions, TfjsSelection } from './internal/tfjs/index.js';
export { MODEL_HEADER_FILE } from './internal/model-dir.js';
export { MLMODEL_FILE, readMlmodel } from './internal/mlmodel.js';
export type { Mlmodel } from './internal/mlmodel.js';
