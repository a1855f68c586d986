// One default synthetic run (Phase 1, no training) of `days` calendar days in a fresh runs folder; prints the
// run's state as one JSON line. Started as a child process by memory.bench.ts, so each size has its own process
// and its own peak. Run alone: `node --import tsx bench/memory-run.ts 365 /tmp/runs`.
import { loadConfig } from '@tribar/config';
import { silentLogger } from '@tribar/core';
import { registeredStages, runPipeline } from '../src/index.js';

const days = Number(process.argv[2] ?? 365);
const runsDir = process.argv[3] ?? 'runs';
const { config } = await loadConfig({ overrides: [`data.synthetic.days=${days}`] });
const cpu = process.cpuUsage();
const started = performance.now();
const result = await runPipeline({ stages: registeredStages(config), config, runsDir, runId: `memory-${days}`, logger: silentLogger() });
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    days,
    symbols: config.symbols,
    status: result.status,
    wallMs: Math.round(performance.now() - started),
    cpuMs: Math.round((used.user + used.system) / 1000),
    stages: result.state.order.map((name) => {
      const record = result.state.stages[name];
      return { name, status: record?.status, wallMs: record?.durationMs, cpuMs: record?.cpuMs, peakRssMiB: record?.peakRssMiB };
    }),
  }),
);
