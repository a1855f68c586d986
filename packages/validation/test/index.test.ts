import { describe, expect, it } from 'vitest';
import * as face from '../src/index.js';

describe('public face', () => {
  it('exports the stage, the in-memory checks and the failure only', () => {
    expect(Object.keys(face).sort()).toEqual(['ValidationFailedError', 'summarizeIssues', 'validate', 'validateStage']);
    expect(face.validateStage.name).toBe('validate');
  });
});
