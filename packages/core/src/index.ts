// Public API of @tribar/core: the foundation every other package builds on.
export {
  TribarError,
  DataError,
  ArtifactError,
  UsageError,
  RunNotFoundError,
  MissingPackageError,
  FileWriteError,
  describeError,
  describeFailure,
} from './internal/errors.js';
export type { ErrorDetails, DataLocation, FailureDescription } from './internal/errors.js';
export { requireOptional, importOptional } from './internal/optional-package.js';
export { createRootLogger, childLogger, silentLogger, jsonLinesFile } from './internal/logger.js';
export type { Logger, LogLevel, LogStream, RootLoggerOptions } from './internal/logger.js';
export { writeAtomically, writeFileAtomic, writeJsonAtomic, temporaryPathFor } from './internal/atomic-write.js';
export { sha256, sha256File, stableStringify, hashValue } from './internal/hash.js';
export { Rng, deriveSeed } from './internal/rng.js';
export {
  readArrowFile,
  writeArrowFile,
  writeArrowBatches,
  readParquetFile,
  writeParquetFile,
  parquetToArrow,
  arrowToParquet,
} from './internal/arrow-io.js';
export { ArtifactManifest, diffManifests, verifyEntry, MANIFEST_FILE } from './internal/manifest.js';
export type { ArtifactEntry, ManifestData, ManifestDiff, ManifestProblem } from './internal/manifest.js';
export { defineStage, noProgress, createStageContext } from './internal/stage.js';
export type { StageDefinition, StageContext, StageContextOptions, StageOutcome, ProgressReporter } from './internal/stage.js';
export { float64Column, float64Columns } from './internal/arrow-columns.js';
export { workerEntryUrl } from './internal/worker-entry.js';
export { processAlive } from './internal/process.js';
