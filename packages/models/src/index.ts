// Public API of @tribar/models.
export { NUM_CLASSES, CLASS_NAMES } from './types.js';
export type {
  InputKind,
  ModelFamily,
  ModelInput,
  LabeledInput,
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
} from './types.js';
export { ModelRegistry, ModelRegistryError, HyperparameterError, resolveHyperparameters } from './registry.js';
export { writeModelDir, readModelHeader, readModelFile, MODEL_HEADER_FILE, MODEL_FORMAT_VERSION } from './model-dir.js';
export type { ModelHeader } from './model-dir.js';
export { createDefaultRegistry } from './builtins.js';
export { argmaxClass } from './dense-input.js';
export { XGBOOST_CARD, XGBoostLibraryError, locateXGBoost, hasXGBoost, XGBoostModel, xgboostFactory, XGBOOST_MODEL_FILE } from './xgboost/index.js';
export { LogisticModel, LOGISTIC_CARD, logisticFactory } from './logistic/index.js';
export { MlpModel, MLP_CARD, mlpFactory } from './mlp/index.js';
export { selectTfjsBackend, TFJS_BACKEND_ORDER } from './tfjs/index.js';
export type { BackendAttempt, SelectTfjsBackendOptions, TfjsSelection, Tfjs } from './tfjs/index.js';
