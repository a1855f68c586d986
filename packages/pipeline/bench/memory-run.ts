// One default synthetic run of `days` calendar days in a fresh runs folder, Phase 1 only (ingest … validate: no
// training, no report); prints the run's state as one JSON line. Started as a child process by memory.bench.ts, so
// each size has its own process and its own peak. Run alone: `node --import tsx bench/memory-run.ts 365 /tmp/runs`;
// further arguments are config overrides (`ga.workers=1`), or `--until <stage>` to stop after that stage.
import { loadConfig } from '@tribar/config';
import { silentLogger } from '@tribar/core';
import { STAGE } from '@tribar/artifacts';
import { registeredStages, runPipeline } from '../src/index.js';

const [daysArgument = '365', runsDir = 'runs', ...rest] = process.argv.slice(2);
const days = Number(daysArgument);
const untilAt = rest.indexOf('--until');
const until = untilAt >= 0 ? rest[untilAt + 1] : STAGE.validate;
const overrides = rest.filter((_, i) => i !== untilAt && i !== untilAt + 1);
const { config } = await loadConfig({ overrides: [`data.synthetic.days=${days}`, 'train.models=[]', 'train.ensembles=[]', ...overrides] });
const all = registeredStages(config);
const last = all.findIndex((stage) => stage.name === until);
if (last < 0) throw new Error(`--until names no stage: ${until}`);
const cpu = process.cpuUsage();
const started = performance.now();
const result = await runPipeline({ stages: all.slice(0, last + 1), config, runsDir, runId: `memory-${days}`, logger: silentLogger() });
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
