import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/datasets` exports; anything else stays in `src/internal/`. */
const VALUES = ['batches', 'buildSequence', 'buildTabular', 'describeDataset', 'forEachBatch', 'loadDataModule', 'toTfDataset'];

describe('the public face of @tribar/datasets', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
