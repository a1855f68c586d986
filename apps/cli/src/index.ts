// Public API of @tribar/cli, for embedding the command line (tests, other tools).
export { runCli } from './program.js';
export { EXIT } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export type { CliContext } from './context.js';
export type { CliIO } from './io.js';
export { processIO } from './io.js';
