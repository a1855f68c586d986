#!/usr/bin/env node
import { registeredStages } from '@tribar/pipeline';
import { processIO } from './internal/io.js';
import { runCli } from './internal/program.js';

// `tribar models | head`: once the reader is gone, stop writing instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

const code = await runCli(process.argv.slice(2), { io: processIO(), stages: registeredStages });
// Let pending writes (log files, stdout pipes) drain instead of cutting them off with process.exit.
process.exitCode = code;
