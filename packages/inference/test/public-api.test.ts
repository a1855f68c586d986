import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/inference` exports; anything else stays in `src/internal/`. */
const VALUES = ['InsufficientHistoryError', 'loadPredictor'];

describe('the public face of @tribar/inference', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
