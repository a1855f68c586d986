#!/usr/bin/env node
import { registeredStages } from '@tribar/pipeline';
import { processIO } from './io.js';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), { io: processIO(), stages: registeredStages });
// Let pending writes (log files, stdout pipes) drain instead of cutting them off with process.exit.
process.exitCode = code;
