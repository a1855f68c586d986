import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/models` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'CLASS_NAMES',
  'LOGISTIC_CARD',
  'MODEL_HEADER_FILE',
  'MLMODEL_FILE',
  'readMlmodel',
  'MLP_CARD',
  'ModelRegistry',
  'NUM_CLASSES',
  'TFJS_BACKEND_ORDER',
  'XGBOOST_CARD',
  'XGBoostLibraryError',
  'XGBoostModel',
  'argmaxClass',
  'createDefaultRegistry',
  'GBDT_CARD',
  'GbdtModel',
  'gbdtFactory',
  'hasXGBoost',
  'isSequenceSource',
  'locateXGBoost',
  'logisticFactory',
  'mlpFactory',
  'resolveHyperparameters',
  'selectTfjsBackend',
  'xgboostFactory',
];

describe('the public face of @tribar/models', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
