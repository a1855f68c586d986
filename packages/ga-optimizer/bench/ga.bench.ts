// Benchmark: the GA for one symbol and horizon, population 50 × 30 generations, on a 30 %
// contiguous block of 350,000 five-minute bars, as the original's DEAP + numba GA was measured
// (performance-anchors.md: H20 18.2 s, H5 4.8 s; goal ≤ 9 s / ≤ 2.4 s on both cores).
// Run with `npm run bench` from packages/ga-optimizer. BENCH_BARS, BENCH_RUNS, BENCH_WORKERS override.
import { defaultConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { WorkerPool } from '../src/internal/parallel/pool.js';
import { chooseBlock, searchBarriers, sliceSeries } from '../src/internal/search.js';
import { randomWalkBars } from '../test/helpers.js';

const BARS = Number(process.env.BENCH_BARS ?? 350_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const ORIGINAL_SECONDS: Record<number, number> = { 20: 18.2, 5: 4.8 };
const config = defaultConfig();

const bars = randomWalkBars(BARS, 42);
const block = chooseBlock(BARS, config.ga.subsetFraction, config.ga.minSubsetBars, new Rng(42));
const series = sliceSeries(bars, block.start, block.end);
console.log(
  `GA ${config.ga.populationSize} × ${config.ga.generations} on ${block.end - block.start} bars (30 % of ${BARS}); median of ${RUNS} runs`,
);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

for (const horizon of [20, 5]) {
  for (const workers of WORKERS) {
    const seconds: number[] = [];
    const startSeconds: number[] = [];
    let evaluations = 0;
    let summary = '';
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      // As the stage does: one pool per run (its start-up counted here, shared by all searches there).
      const pool = workers > 1 ? await WorkerPool.start(undefined, workers) : undefined;
      startSeconds.push((performance.now() - started) / 1000);
      try {
        const result = await searchBarriers({
          config,
          symbol: 'MES',
          horizon,
          block: series,
          rng: new Rng(7),
          workers,
          ...(pool ? { pool } : {}),
        });
        evaluations = result.evaluations;
        const { kUp, kDown, maxBars } = result.params;
        summary = `best ${kUp.toFixed(2)}/${kDown.toFixed(2)}/${maxBars} fitness ${result.fitness.toFixed(4)} valid ${result.valid}`;
      } finally {
        await pool?.close();
      }
      seconds.push((performance.now() - started) / 1000);
    }
    const wall = median(seconds);
    const original = ORIGINAL_SECONDS[horizon] as number;
    console.log(
      `H${horizon} workers ${workers}: ${wall.toFixed(2)} s (thread start ${median(startSeconds).toFixed(2)} s; ${evaluations} evaluations, ` +
        `${(((wall - median(startSeconds)) / evaluations) * 1000).toFixed(2)} ms each) vs original ${original} s → ${(original / wall).toFixed(1)}× faster; ` +
        `goal ≤ ${(original / 2).toFixed(1)} s; ${summary}`,
    );
  }
}
