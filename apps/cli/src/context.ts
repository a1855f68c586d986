import type { RunConfig } from '@tribar/config';
import type { StageDefinition } from '@tribar/core';
import type { CliIO } from './io.js';

/** Everything a command needs from outside: streams and environment, and the stages to run. */
export interface CliContext {
  io: CliIO;
  stages: readonly StageDefinition<RunConfig>[];
}

export interface ConfigOptions {
  config?: string;
  set?: string[];
}
