import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/ensembles` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'BaggingEnsemble',
  'CalibratedModel',
  'StackingEnsemble',
  'VotingEnsemble',
  'applyCalibrator',
  'calibrationReport',
  'fitCalibrator',
  'meanDecreaseAccuracy',
  'meanDecreaseImpurity',
  'singleFeatureImportance',
  'outOfFoldPredictions',
  'registerEnsembles',
  'actProbabilities',
  'argmaxProbabilities',
  'META_CLASS',
  'metaContracts',
  'primarySides',
  'probabilityContracts',
  'withPrimary',
  'wholeContracts',
];

describe('the public face of @tribar/ensembles', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
