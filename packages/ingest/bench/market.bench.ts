/**
 * Synthetic market, cleaning and resampling throughput, in the units of
 * /work/shared/reference/performance-anchors.md (pandas resample 1 min → 5 min of 1,000,000
 * rows: 0.068 s = 14.8 M rows/s; goal ≥ 15 M rows/s).
 *
 *   node --import tsx bench/market.bench.ts
 *
 * Medians of 5 runs after a warm-up. Plain script: timings belong in a report, not a test gate.
 */
import { defaultConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { generateSyntheticMarket, syntheticOptions } from '../src/internal/synthetic/generate.js';
import { cleanBars, cleanOptionsFromConfig } from '../src/internal/clean/clean.js';
import { resampleBars } from '../src/internal/resample/resample.js';

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time<T>(work: () => T): { seconds: number; result: T } {
  let result = work(); // warm-up
  const seconds: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    result = work();
    seconds.push((performance.now() - started) / 1000);
  }
  return { seconds: median(seconds), result };
}

const config = defaultConfig();
const generation = time(() => generateSyntheticMarket(config, new Rng(42)));
const rows = generation.result.reduce((sum, bars) => sum + bars.timestamp.length, 0);
console.log(`generate  default year, MES + MGC: ${rows.toLocaleString('en-US')} bars in ${generation.seconds.toFixed(3)} s`);

for (const bars of generation.result) {
  const cleaning = time(() => cleanBars(bars, cleanOptionsFromConfig(config, bars.symbol)));
  const n = bars.timestamp.length;
  console.log(
    `clean     ${bars.symbol} ${n.toLocaleString('en-US')} bars: ${cleaning.seconds.toFixed(3)} s = ${(n / cleaning.seconds / 1e6).toFixed(2)} M rows/s` +
      ` (${cleaning.result.report.rolls.length} rolls, ${cleaning.result.report.outliers.flagged} outliers flagged)`,
  );
}

// 1,000,000 one-minute MES bars: about 2.9 years of Globex minutes.
const [million] = generateSyntheticMarket({ ...syntheticOptions({ ...config, symbols: ['MES'] }), days: 1_040 }, new Rng(7));
const input = million!;
const resampling = time(() => resampleBars(input, 5));
const n = input.timestamp.length;
console.log(
  `resample  ${n.toLocaleString('en-US')} one-minute bars → ${resampling.result.timestamp.length.toLocaleString('en-US')} five-minute bars: ` +
    `${resampling.seconds.toFixed(4)} s = ${(n / resampling.seconds / 1e6).toFixed(1)} M rows/s (pandas 14.8)`,
);
