import { TribarError } from '@tribar/core';

/** A problem with the stage graph or the requested selection, found before anything runs. */
export class PipelineDefinitionError extends TribarError {
  constructor(message: string, hint?: string) {
    super('PIPELINE_DEFINITION', message, hint ? { hint } : {});
  }
}

/** A run folder that is missing or unreadable. */
export class RunNotFoundError extends TribarError {
  constructor(runId: string, runsDir: string) {
    super('RUN_NOT_FOUND', `no run '${runId}' in ${runsDir}`, { hint: '`tribar runs` lists the runs that exist.' });
  }
}
