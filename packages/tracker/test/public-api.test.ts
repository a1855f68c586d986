import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/tracker` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'MlflowRestError',
  'MlflowRestTracker',
  'openTracker',
  'Tracker',
  'flattenParams',
  'formatRunsTable',
  'parseMlflowMetricFile',
  'pythonFloatRepr',
  'validateKey',
];

describe('the public face of @tribar/tracker', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
