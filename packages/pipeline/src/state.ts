import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError, writeJsonAtomic } from '@tribar/core';

export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'blocked';
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface StageRecord {
  name: string;
  status: StageStatus;
  /** Hash of the stage's version, config slice, seed and input bytes that produced its outputs. */
  fingerprint?: string;
  /** True when the last invocation found the recorded outputs up to date and did not run the stage. */
  reused?: boolean;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  outputs?: string[];
  metrics?: Record<string, number | string | boolean>;
  error?: { name: string; code?: string; message: string; hint?: string };
  /** Why a stage is blocked. */
  reason?: string;
}

export interface RunState {
  stateVersion: 1;
  runId: string;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  configHash: string;
  seed: number;
  /** Stage names in execution order. */
  order: string[];
  stages: Record<string, StageRecord>;
}

export const STATE_FILE = 'state.json';

export async function readRunState(runDir: string): Promise<RunState | undefined> {
  const file = join(runDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as RunState;
    if (state.stateVersion !== 1) throw new Error(`unsupported state version ${String(state.stateVersion)}`);
    return state;
  } catch (error) {
    throw new ArtifactError(`unreadable run state (${(error as Error).message})`, file, {
      cause: error,
      hint: 'Delete the run folder (`tribar clean <run>`) and run again.',
    });
  }
}

export async function writeRunState(runDir: string, state: RunState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await writeJsonAtomic(join(runDir, STATE_FILE), state);
}
