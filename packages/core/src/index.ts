// Public API of @tribar/core: the foundation every other package builds on.
export { TribarError, DataError, ArtifactError, UsageError, RunNotFoundError, describeError } from './errors.js';
export type { ErrorDetails, DataLocation } from './errors.js';
export { createRootLogger, childLogger, silentLogger, jsonLinesFile } from './logger.js';
export type { Logger, LogLevel, LogStream, RootLoggerOptions } from './logger.js';
export { writeAtomically, writeFileAtomic, writeJsonAtomic, temporaryPathFor } from './atomic-write.js';
export { sha256, sha256File, stableStringify, hashValue } from './hash.js';
export { Rng, deriveSeed } from './rng.js';
export {
  readArrowFile,
  writeArrowFile,
  readParquetFile,
  writeParquetFile,
  parquetToArrow,
  arrowToParquet,
} from './arrow-io.js';
export { ArtifactManifest, diffManifests, verifyEntry } from './manifest.js';
export type { ArtifactEntry, ManifestData, ManifestDiff, ManifestProblem } from './manifest.js';
export { defineStage, noProgress, createStageContext } from './stage.js';
export type { StageDefinition, StageContext, StageContextOptions, StageOutcome, ProgressReporter } from './stage.js';
export { float64Column, float64Columns } from './arrow-columns.js';
export { workerEntryUrl } from './worker-entry.js';
