import { TribarError } from '@tribar/core';

/** A problem with the stage graph or the requested selection, found before anything runs. */
export class PipelineDefinitionError extends TribarError {
  constructor(message: string, hint?: string) {
    super('PIPELINE_DEFINITION', message, hint ? { hint } : {});
  }
}

/**
 * A run's own record was changed behind its back (e.g. `config.json` edited after the run wrote it): code
 * `RUN_INTEGRITY`, the same failure as an artifact that no longer matches its manifest (the CLI's exit 4).
 */
export class RunIntegrityError extends TribarError {
  /** The file whose bytes are not the recorded ones. */
  readonly path: string;

  constructor(message: string, path: string, hint: string) {
    super('RUN_INTEGRITY', `${path}: ${message}`, { hint });
    this.path = path;
  }
}
