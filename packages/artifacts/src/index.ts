// Public API of @tribar/artifacts: the run folder's contract. Every artifact path, column name and
// JSON shape that two packages share is spelled here and nowhere else.
export {
  artifactPath,
  arrowArtifact,
  checkArrowColumns,
  fileArtifact,
  jsonArtifact,
  parseJsonArtifact,
  readArrowArtifact,
  readJsonArtifact,
  readJsonArtifactFile,
  writeArrowArtifact,
  writeJsonArtifact,
} from './artifact.js';
export type { Artifact, ArrowArtifact, ColumnSpec, ColumnType, FileArtifact, JsonArtifact } from './artifact.js';
export { STAGE, PIPELINE } from './stages.js';
export type { StageName } from './stages.js';
export { BAR_COLUMNS, TIMESTAMP_COLUMN } from './bars.js';
export * from './run.js';
export * from './ingest.js';
export * from './cut.js';
export * from './features.js';
export * from './labels.js';
export * from './ga.js';
export * from './splits.js';
export * from './scale.js';
export * from './validate.js';
export * from './train.js';
export * from './report.js';
export * from './tune.js';
