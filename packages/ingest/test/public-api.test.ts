import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/ingest` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'cleanBars',
  'cleanOptionsFromConfig',
  'cleanStage',
  'generateSyntheticMarket',
  'ingestStage',
  'readBars',
  'repairBars',
  'resampleBars',
  'syntheticOptions',
];

describe('the public face of @tribar/ingest', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
