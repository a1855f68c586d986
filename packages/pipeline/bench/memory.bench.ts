// CPU seconds and peak memory per stage of Phase 1 of the default pipeline (ingest … validate; no training, no
// report: two symbols of synthetic one-minute bars) at 60 days, 1, 4 and 10 years, each size in its own child process,
// printed as one table with validate + scale's share of Phase 1 CPU (the goal: under 10 %) and the goals (Phase 1 of
// the default year ≤ 10 s CPU; every run's peak < 2 GiB).
// Run: `npm run bench -w @tribar/pipeline` (all four sizes: several CPU minutes), or
// `node --import tsx bench/memory.bench.ts 60 365` for chosen sizes.
//
// Peak RSS per stage is the kernel's high-water mark (VmHWM in /proc/self/status), reset at each stage start by
// writing 5 to /proc/self/clear_refs (the runner records it in state.json as `peakRssMiB`); the run's peak is the
// largest of them. CPU is user + system time of the whole process (worker threads included), from process.cpuUsage,
// per stage as the runner records it (`cpuMs`); the whole run's figure adds the runner's own work between stages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface StageRow {
  name: string;
  status: string;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}
interface RunRow {
  days: number;
  symbols: string[];
  status: string;
  wallMs: number;
  cpuMs: number;
  stages: StageRow[];
}

const GOAL_PEAK_MIB = 2048;
const GOAL_DEFAULT_CPU_S = 10;
const GOAL_SCALE_VALIDATE_SHARE = 0.1;
const DEFAULT_DAYS = 365;
const sizes = process.argv.slice(2).map(Number);
const cell = (text: string) => text.padStart(9);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const label = (days: number) => (days % 365 === 0 ? `${days / 365} y` : `${days} d`);

const runs: RunRow[] = [];
for (const days of sizes.length > 0 ? sizes : [60, 365, 1460, 3650]) {
  const runsDir = mkdtempSync(join(tmpdir(), 'tribar-memory-bench-'));
  try {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', new URL('./memory-run.ts', import.meta.url).pathname, String(days), runsDir],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{'))
      throw new Error(`run of ${days} days exited ${child.status}: ${child.stdout.slice(-2000)}`);
    const run = JSON.parse(line) as RunRow;
    runs.push(run);
    console.log(`${label(days)}: ${run.status}, ${seconds(run.cpuMs)} s CPU, ${seconds(run.wallMs)} s wall`);
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}

console.log(`\nPhase 1 of the default run (${runs[0]?.symbols.join(' + ')}, one-minute bars): CPU seconds and peak MiB per stage`);
console.log(['stage'.padEnd(16), ...runs.flatMap((run) => [cell(`${label(run.days)} cpu`), cell('peak MiB')])].join(''));
for (const [k, stage] of (runs[0]?.stages ?? []).entries()) {
  const cells = runs.flatMap((run) => {
    const row = run.stages[k] as StageRow;
    return [cell(seconds(row.cpuMs)), cell(String(row.peakRssMiB))];
  });
  console.log([stage.name.padEnd(16), ...cells].join(''));
}
const stageCpu = (run: RunRow) => run.stages.reduce((sum, stage) => sum + stage.cpuMs, 0);
const share = (run: RunRow) =>
  run.stages.filter((stage) => stage.name === 'scale' || stage.name === 'validate').reduce((sum, stage) => sum + stage.cpuMs, 0) /
  stageCpu(run);
const peak = (run: RunRow) => Math.max(...run.stages.map((stage) => stage.peakRssMiB));
console.log(['Phase 1'.padEnd(16), ...runs.flatMap((run) => [cell(seconds(stageCpu(run))), cell(String(peak(run)))])].join(''));
console.log(['scale+validate'.padEnd(16), ...runs.flatMap((run) => [cell(`${(100 * share(run)).toFixed(0)} %`), cell('')])].join(''));
for (const run of runs) {
  const notes = [
    `peak ${peak(run)} MiB = ${(peak(run) / GOAL_PEAK_MIB).toFixed(2)}× the 2 GiB goal`,
    `scale + validate ${(100 * share(run)).toFixed(1)} % of Phase 1 CPU (goal < ${100 * GOAL_SCALE_VALIDATE_SHARE} %)`,
  ];
  if (run.days === DEFAULT_DAYS)
    notes.push(`Phase 1 ${seconds(stageCpu(run))} s CPU = ${(stageCpu(run) / 1000 / GOAL_DEFAULT_CPU_S).toFixed(2)}× the 10 s goal`);
  console.log(`${label(run.days)}: ${notes.join('; ')}`);
}
