import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/core` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'ArtifactError',
  'ArtifactManifest',
  'MANIFEST_FILE',
  'DataError',
  'Rng',
  'RunNotFoundError',
  'MissingPackageError',
  'requireOptional',
  'importOptional',
  'FileWriteError',
  'TribarError',
  'UsageError',
  'arrowToParquet',
  'childLogger',
  'createRootLogger',
  'createStageContext',
  'defineStage',
  'deriveSeed',
  'describeError',
  'describeFailure',
  'processAlive',
  'diffManifests',
  'float64Column',
  'float64Columns',
  'hashValue',
  'jsonLinesFile',
  'noProgress',
  'parquetToArrow',
  'readArrowFile',
  'readParquetFile',
  'sha256',
  'sha256File',
  'silentLogger',
  'stableStringify',
  'temporaryPathFor',
  'verifyEntry',
  'workerEntryUrl',
  'writeArrowFile',
  'writeArrowBatches',
  'writeAtomically',
  'writeFileAtomic',
  'writeJsonAtomic',
  'writeParquetFile',
];

describe('the public face of @tribar/core', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
