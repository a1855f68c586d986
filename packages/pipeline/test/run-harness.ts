// Runs the test stages in a separate process so a test can kill it mid-stage (SIGKILL).
// Usage: node --import tsx run-harness.ts <runsDir> <runId> <config JSON>
import { runPipeline } from '../src/internal/runner.js';
import { testStages, type TestConfig } from './stages.js';

const [runsDir, runId, configJson] = process.argv.slice(2);
if (!runsDir || !runId || !configJson) throw new Error('usage: run-harness.ts <runsDir> <runId> <config JSON>');
const result = await runPipeline({ stages: testStages(), config: JSON.parse(configJson) as TestConfig, runsDir, runId });
process.stdout.write(JSON.stringify({ status: result.status }) + '\n');
