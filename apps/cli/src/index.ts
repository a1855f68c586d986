// Public API of @tribar/cli, for embedding the command line (tests, other tools).
export { runCli } from './internal/program.js';
export { EXIT } from './internal/exit-codes.js';
export type { ExitCode } from './internal/exit-codes.js';
export type { CliContext } from './internal/context.js';
export type { CliIO } from './internal/io.js';
export { processIO } from './internal/io.js';
