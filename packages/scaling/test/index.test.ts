import { describe, expect, it } from 'vitest';
import * as face from '../src/index.js';

describe('public face', () => {
  it('exports the stage and the scaler only', () => {
    expect(Object.keys(face).sort()).toEqual([
      'DEFAULT_SCALING_OPTIONS',
      'checkLeakage',
      'fitOnTrain',
      'fitScaler',
      'inverseTransform',
      'parseState',
      'scaleStage',
      'serializeState',
      'transform',
    ]);
    expect(face.scaleStage.name).toBe('scale');
  });
});
