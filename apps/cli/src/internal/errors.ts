import { CommanderError } from 'commander';
import { ConfigError } from '@tribar/config';
import { TribarError, UsageError } from '@tribar/core';
import { PipelineDefinitionError } from '@tribar/pipeline';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { CliIO } from './io.js';

/** The exit code a command's error maps to. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof ConfigError || error instanceof PipelineDefinitionError || error instanceof UsageError) return EXIT.usage;
  // A pipeline run or a tracked run: both are core's RunNotFoundError.
  if (error instanceof TribarError && error.code === 'RUN_NOT_FOUND') return EXIT.notFound;
  if (error instanceof TribarError && error.code === 'RUN_LOCKED') return EXIT.locked;
  // An edited config.json (or another artifact that no longer matches its manifest).
  if (error instanceof TribarError && error.code === 'RUN_INTEGRITY') return EXIT.integrity;
  return EXIT.failed;
}

/** Errors a command has already logged in full (stack included) to the run's log file and the debug console. */
const logged = new WeakSet<object>();

export function markLogged(error: unknown): void {
  if (typeof error === 'object' && error !== null) logged.add(error);
}

/** `--log-level debug|trace` on the command line, or `TRIBAR__LOGGING__LEVEL`: the console shows stacks. */
export function wantsStacks(argv: readonly string[], env: CliIO['env']): boolean {
  const index = argv.findIndex((arg) => arg === '--log-level' || arg.startsWith('--log-level='));
  const level = index < 0 ? env['TRIBAR__LOGGING__LEVEL'] : argv[index]?.includes('=') ? argv[index]?.split('=')[1] : argv[index + 1];
  return level === 'debug' || level === 'trace';
}

/**
 * A failed command, as a person reads it: `error: <message>` (Tribar's errors name the file, row, field or
 * setting and end with their hint), the exit code scripts rely on, and the stack only when asked for.
 */
export function reportError(io: CliIO, error: unknown, stacks: boolean): ExitCode {
  const code = exitCodeFor(error);
  // Commander has printed its own message (and the usage) already.
  if (error instanceof CommanderError) return code;
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`error: ${message}`];
  if (error instanceof TribarError && error.hint && !message.includes(error.hint)) lines.push(`  hint: ${error.hint}`);
  if (!(error instanceof TribarError)) {
    if (stacks && error instanceof Error && error.stack && !logged.has(error)) lines.push(error.stack);
    else if (!stacks) lines.push('  hint: an unexpected error; run again with --log-level debug to see its stack');
  }
  io.err.write(lines.join('\n') + '\n');
  return code;
}
