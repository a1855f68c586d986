// Public API of @tribar/validation: the stage `validate` and its checks on in-memory frames.
export { validateStage, validate, summarizeIssues, ValidationFailedError } from './internal/stage.js';
export type { ValidationReport, SymbolInputs, ManifestView } from './internal/stage.js';
export type { Finding, Frame } from './internal/checks.js';
