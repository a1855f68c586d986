import { describe, expect, it } from 'vitest';
import * as face from '../src/index.js';

describe('public face', () => {
  it('exports the stages, the assignment, the CV generators and the split codes only', () => {
    expect(Object.keys(face).sort()).toEqual([
      'SPLIT_EMBARGOED',
      'SPLIT_INVALID',
      'SPLIT_PURGED',
      'SPLIT_TEST',
      'SPLIT_TRAIN',
      'SPLIT_VAL',
      'assembleCpcvPaths',
      'assignSplits',
      'combinatorialPurgedCV',
      'countCodes',
      'cpcvPaths',
      'cutStage',
      'indicesOf',
      'purgedKFold',
      'splitsStage',
      'walkForward',
    ]);
    expect([face.SPLIT_TRAIN, face.SPLIT_VAL, face.SPLIT_TEST, face.SPLIT_PURGED, face.SPLIT_EMBARGOED, face.SPLIT_INVALID]).toEqual([
      0, 1, 2, -1, -2, -3,
    ]);
    expect([face.cutStage.name, face.splitsStage.name]).toEqual(['cut', 'splits']);
  });
});
