import { describe, expect, it } from 'vitest';
import * as pipeline from '../src/index.js';

describe('the public face of @tribar/pipeline', () => {
  it('exports the runner, run lookup, events, the definition and integrity errors and the registered stages, nothing else', () => {
    expect(Object.keys(pipeline).sort()).toEqual([
      'PipelineDefinitionError',
      'RunIntegrityError',
      'clearCaches',
      'compareRuns',
      'getRun',
      'isValidRunId',
      'latestRun',
      'listRuns',
      'newRunId',
      'progressEmitter',
      'recordRewrittenOutputs',
      'registeredStages',
      'removeRun',
      'removeRunTemporaryFiles',
      'runDirFor',
      'runLiveness',
      'runPipeline',
      'verifyRun',
    ]);
    expect(pipeline.newRunId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toMatch(/^20260102-030405-[0-9a-f]{4}$/);
  });
});
