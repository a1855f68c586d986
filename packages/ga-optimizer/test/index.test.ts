import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('the public face of @tribar/ga-optimizer', () => {
  it('exports exactly the stage, the GA cache functions and the generic GA (README "API")', () => {
    expect(Object.keys(api).sort()).toEqual(['clearGaCache', 'evolve', 'gaCacheDir', 'gaOptimizeStage']);
    expect(api.gaOptimizeStage.name).toBe('ga-optimize');
    expect(api.gaCacheDir('/runs')).toBe('/runs/.cache/ga');
  });
});
