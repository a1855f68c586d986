import { existsSync } from 'node:fs';
import { artifactPath, readJsonArtifact, runState, writeJsonArtifact, type RunState } from '@tribar/artifacts';
import { ArtifactError } from '@tribar/core';

export type { RunState, RunStatus, StageRecord } from '@tribar/artifacts';

/** A run's `state.json` through its contract; `undefined` when the folder has none (not a run yet). */
export async function readRunState(runDir: string): Promise<RunState | undefined> {
  if (!existsSync(artifactPath(runDir, runState))) return undefined;
  try {
    return await readJsonArtifact(runDir, runState);
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    throw new ArtifactError(`unreadable run state (${error.message.slice(error.path.length + 2)})`, error.path, {
      cause: error,
      hint: 'Resume the run (`tribar pipeline --resume --run-id <run>`) to rebuild it, or delete it (`tribar clean <run>`).',
    });
  }
}

export async function writeRunState(runDir: string, state: RunState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await writeJsonArtifact(runDir, runState, state);
}
