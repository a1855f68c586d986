import { TribarError } from '@tribar/core';

/** A problem with the stage graph or the requested selection, found before anything runs. */
export class PipelineDefinitionError extends TribarError {
  constructor(message: string, hint?: string) {
    super('PIPELINE_DEFINITION', message, hint ? { hint } : {});
  }
}
