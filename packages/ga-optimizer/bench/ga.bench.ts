// Benchmark: the GA for one symbol and horizon, population 50 × 30 generations, on a 30 %
// contiguous block of 350,000 five-minute bars, beside the original's DEAP + numba GA measured in
// the same run on the same block (ga_reference.py under Debian's python3-deap and python3-numba;
// without them, the performance-anchors constants H20 18.2 s, H5 4.8 s, labelled as such).
// Tribar and DEAP alternate (A B A B). As the stage does, one worker pool is started once and kept
// warm across every search (its start-up is printed apart). Seconds are wall clock and CPU (the
// machine is shared: CPU seconds are the steadier measure; DEAP runs on one core).
// Run with `npm run bench` from packages/ga-optimizer. BENCH_BARS, BENCH_RUNS, BENCH_WORKERS,
// BENCH_HORIZONS, BENCH_PYTHON override.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { WorkerPool } from '../src/internal/parallel/pool.js';
import { chooseBlock, searchBarriers, sliceSeries } from '../src/internal/search.js';
import { randomWalkBars } from '../test/helpers.js';

const BARS = Number(process.env.BENCH_BARS ?? 350_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const HORIZONS = (process.env.BENCH_HORIZONS ?? '20,5').split(',').map(Number);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const ANCHOR_SECONDS: Record<number, number> = { 20: 18.2, 5: 4.8 };
const config = defaultConfig();

const bars = randomWalkBars(BARS, 42);
const block = chooseBlock(BARS, config.ga.subsetFraction, config.ga.minSubsetBars, new Rng(42));
const series = sliceSeries(bars, block.start, block.end);
const blockRows = block.end - block.start;
console.log(
  `GA ${config.ga.populationSize} × ${config.ga.generations} on ${blockRows} bars (30 % of ${BARS}); median of ${RUNS} runs, alternating with the reference`,
);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

interface ReferenceRun {
  wall: number;
  cpu: number;
  evaluations: number;
  fitness: number;
}

/** The DEAP reference as a child process answering one command per line (see ga_reference.py). */
async function startReference(
  dir: string,
): Promise<{ run?: (horizon: number) => Promise<ReferenceRun>; close?: () => void; why?: string }> {
  const script = fileURLToPath(new URL('./ga_reference.py', import.meta.url));
  const child = spawn(PYTHON, [script, dir], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const failed = await new Promise<string | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(`${PYTHON} did not start (${error.message})`));
  });
  if (failed !== undefined) return { why: failed };
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    return line.done === true ? undefined : (JSON.parse(line.value) as Record<string, unknown>);
  };
  const first = await next();
  if (first?.ready !== true) {
    child.kill();
    return { why: String(first?.error ?? `the reference exited: ${stderr.trim().split('\n').at(-1) ?? ''}`) };
  }
  return {
    run: async (horizon) => {
      child.stdin.write(`${JSON.stringify({ horizon, seed: 42 })}\n`);
      const reply = await next();
      if (reply?.wall === undefined) throw new Error(`DEAP reference failed: ${String(reply?.error ?? stderr)}`);
      return reply as unknown as ReferenceRun;
    },
    close: () => child.stdin.end('\n'),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'tribar-ga-bench-'));
const pools = new Map<number, WorkerPool>();
try {
  const columns = new Float64Array(5 * blockRows);
  [series.open, series.high, series.low, series.close, series.atr].forEach((column, c) => columns.set(column, c * blockRows));
  await writeFile(join(dir, 'block.f64'), new Uint8Array(columns.buffer));
  await writeFile(join(dir, 'params.json'), JSON.stringify({ n: blockRows }));
  const reference = await startReference(dir);
  console.log(
    reference.run
      ? `reference: the original GA (DEAP + numba, ${PYTHON}) on the same block bytes, measured in this run`
      : `reference: DEAP NOT measured (${reference.why}); install Debian's python3-deap and python3-numba. ` +
          'Showing the performance-anchors constants instead, LABELLED "anchor"',
  );
  // One warm pool per worker count, started once (the stage starts one per run and keeps it for
  // every symbol × horizon search).
  for (const workers of WORKERS) {
    if (workers <= 1) continue;
    const started = performance.now();
    pools.set(workers, await WorkerPool.start(undefined, workers));
    console.log(`worker pool of ${workers}: started once in ${((performance.now() - started) / 1000).toFixed(2)} s, kept warm`);
  }
  for (const horizon of HORIZONS) {
    const wall = new Map<number, number[]>(WORKERS.map((w) => [w, []]));
    const cpu = new Map<number, number[]>(WORKERS.map((w) => [w, []]));
    const refWall: number[] = [];
    const refCpu: number[] = [];
    let evaluations = 0;
    let refEvaluations = 0;
    let summary = '';
    for (let run = 0; run < RUNS; run++) {
      for (const workers of WORKERS) {
        const pool = pools.get(workers);
        const startedCpu = process.cpuUsage();
        const started = performance.now();
        const result = await searchBarriers({
          config,
          symbol: 'MES',
          horizon,
          block: series,
          rng: new Rng(7),
          workers,
          ...(pool ? { pool } : {}),
        });
        wall.get(workers)?.push((performance.now() - started) / 1000);
        const used = process.cpuUsage(startedCpu);
        cpu.get(workers)?.push((used.user + used.system) / 1e6);
        evaluations = result.evaluations;
        const { kUp, kDown, maxBars } = result.params;
        summary = `best ${kUp.toFixed(2)}/${kDown.toFixed(2)}/${maxBars} fitness ${result.fitness.toFixed(4)} valid ${result.valid}`;
      }
      if (reference.run) {
        const ref = await reference.run(horizon);
        refWall.push(ref.wall);
        refCpu.push(ref.cpu);
        refEvaluations = ref.evaluations;
      }
    }
    const anchor = ANCHOR_SECONDS[horizon] ?? Number.NaN;
    // Measured: wall against DEAP's wall (both under the same load, alternating) and CPU against
    // DEAP's CPU. Without the reference both compare with the anchor constant.
    const refWallSeconds = reference.run ? median(refWall) : anchor;
    const refCpuSeconds = reference.run ? median(refCpu) : anchor;
    const refLabel = reference.run
      ? `DEAP ${median(refWall).toFixed(2)} s wall, ${median(refCpu).toFixed(2)} s CPU (${refEvaluations} evaluations)`
      : `DEAP (anchor constant, not measured) ${anchor} s`;
    console.log(`H${horizon}: ${refLabel}; Tribar ${evaluations} evaluations, ${summary}`);
    for (const workers of WORKERS) {
      const w = median(wall.get(workers) ?? []);
      const c = median(cpu.get(workers) ?? []);
      console.log(
        `  workers ${workers}: ${w.toFixed(2)} s wall, ${c.toFixed(2)} s CPU (all threads; ${((w / evaluations) * 1000).toFixed(2)} ms per evaluation) → ` +
          `${(w / refWallSeconds).toFixed(2)}× DEAP's wall time, ${(c / refCpuSeconds).toFixed(2)}× its CPU time (goal ≤ 0.5× at H5)`,
      );
    }
  }
  reference.close?.();
} finally {
  await Promise.all([...pools.values()].map((pool) => pool.close()));
  await rm(dir, { recursive: true, force: true });
}
