// Peak memory and seconds per stage of the whole default pipeline (Phase 1, no training: two symbols of
// synthetic one-minute bars) at 1, 4 and 10 years, each size in its own child process.
// Run: `npm run bench -w @tribar/pipeline` (365 and 1460 days), or `node --import tsx bench/memory.bench.ts 365 1460 3650`.
//
// Peak RSS per stage is the kernel's high-water mark (VmHWM in /proc/self/status), reset at each stage start by
// writing 5 to /proc/self/clear_refs (the runner records it in state.json as `peakRssMiB`); the run's peak is the
// largest of them. CPU is user + system time of the whole process (worker threads included), from process.cpuUsage.
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
const sizes = process.argv.slice(2).map(Number);
const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(7);

for (const days of sizes.length > 0 ? sizes : [365, 1460]) {
  const runsDir = mkdtempSync(join(tmpdir(), 'tribar-memory-bench-'));
  try {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', new URL('./memory-run.ts', import.meta.url).pathname, String(days), runsDir],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{'))
      throw new Error(`run of ${days} days exited ${child.status}: ${child.stdout.slice(-2000)}`);
    const run = JSON.parse(line) as RunRow;
    const peak = Math.max(...run.stages.map((stage) => stage.peakRssMiB));
    console.log(`\n${days} days, ${run.symbols.join(' + ')}, one-minute bars: ${run.status}`);
    console.log(`${'stage'.padEnd(14)} ${'wall s'.padStart(7)} ${'cpu s'.padStart(7)} ${'peak MiB'.padStart(9)}`);
    for (const stage of run.stages)
      console.log(`${stage.name.padEnd(14)} ${seconds(stage.wallMs)} ${seconds(stage.cpuMs)} ${String(stage.peakRssMiB).padStart(9)}`);
    console.log(`${'whole run'.padEnd(14)} ${seconds(run.wallMs)} ${seconds(run.cpuMs)} ${String(peak).padStart(9)}`);
    console.log(
      `peak ${peak} MiB = ${(peak / GOAL_PEAK_MIB).toFixed(2)}× the 2 GiB goal` +
        (days === 365
          ? `; CPU ${(run.cpuMs / 1000).toFixed(1)} s = ${(run.cpuMs / 1000 / GOAL_DEFAULT_CPU_S).toFixed(2)}× the 10 s goal`
          : ''),
    );
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}
