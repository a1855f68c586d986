import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/api` exports; anything else stays in `src/internal/`. */
const VALUES = ['buildApp', 'sha256Hex', 'startServer'];

describe('the public face of @tribar/api', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
