// A trial worker process of the Redis tests: `tsx run-harness.ts --redis-worker <redis url> <lockMs> <delayMs>`.
// Prints `start <n>` / `complete <n>` per trial on stdout so the test knows when to kill it.
import { runTrialWorker } from '../src/internal/redis/worker.js';
import { slowBranin } from './redis-objective.js';

const [url, lockMs, delayMs] = process.argv.slice(3) as [string, string, string];
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
await runTrialWorker({
  url,
  lockMs: Number(lockMs),
  pollMs: 100,
  objectives: { 'slow-branin': () => Promise.resolve({ objective: slowBranin(Number(delayMs)) }) },
  onTrial: ({ number, state }) => process.stdout.write(`${state} ${number}\n`),
  signal: controller.signal,
});
