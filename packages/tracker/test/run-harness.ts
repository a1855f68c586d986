// Starts a tracked run in a separate process and never ends it, so a test can kill the process with SIGKILL.
// Usage: node --import tsx run-harness.ts <tracking root> <marker file>
import { writeFile } from 'node:fs/promises';
import { Tracker } from '../src/internal/tracker.js';

const [root, marker] = process.argv.slice(2);
if (!root || !marker) throw new Error('usage: run-harness.ts <tracking root> <marker file>');
const tracker = await Tracker.open(root);
const run = await tracker.startRun('fits', { runName: 'doomed' });
await run.logMetric('loss', 0.5, 0);
await writeFile(marker, run.runId);
setInterval(() => undefined, 1000);
