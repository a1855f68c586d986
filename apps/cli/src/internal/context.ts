import type { RunConfig } from '@tribar/config';
import type { StageDefinition } from '@tribar/core';
import type { CliIO } from './io.js';

/** Everything a command needs from outside: streams and environment, and the stages to run. */
export interface CliContext {
  io: CliIO;
  /** The stages to run, or how to choose them from the run's config (Phase 2 joins when it names models). */
  stages: readonly StageDefinition<RunConfig>[] | ((config: RunConfig) => readonly StageDefinition<RunConfig>[]);
  /** Aborting it interrupts a running pipeline as Ctrl-C (SIGINT) does. */
  signal?: AbortSignal;
}

export interface ConfigOptions {
  config?: string;
  set?: string[];
}
