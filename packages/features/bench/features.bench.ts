// Benchmark: the whole feature set on 350,000 five-minute bars × 2 symbols, as the original's
// pandas/numba stage was measured (performance-anchors.md: 241 s, peak RSS 1.48 GiB, 101 features).
// Run with `npm run bench` from packages/features.
import { writeArrowFile } from '@tribar/core';
import { barsToTable, type Bars } from '@tribar/market';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeFeatures, featureTable } from '../src/index.js';
import { defaultConfig, randomBars } from '../test/helpers.js';

const BARS = Number(process.env.BENCH_BARS ?? 350_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ORIGINAL_SECONDS = 241;
const config = defaultConfig();

function run(mes: Bars, mgc: Bars): { seconds: number; features: number; rowsOut: number } {
  const all = new Map([
    ['MES', mes],
    ['MGC', mgc],
  ]);
  const started = performance.now();
  let features = 0;
  let rowsOut = 0;
  for (const [symbol, bars] of all) {
    const result = computeFeatures(bars, {
      config: config.features,
      symbols: config.symbols,
      barMinutes: config.timeframes.targetMinutes,
      trainFraction: config.splits.train,
      partners: new Map([...all].filter(([other]) => other !== symbol)),
    });
    const table = featureTable(bars, result);
    features = result.specs.length;
    rowsOut += table.timestamp.length;
  }
  return { seconds: (performance.now() - started) / 1000, features, rowsOut };
}

const generated = performance.now();
const mes = randomBars('MES', BARS, 1);
const mgc = randomBars('MGC', BARS, 2, { startPrice: 1950 });
console.log(`generated 2 × ${BARS.toLocaleString('en-US')} five-minute bars in ${((performance.now() - generated) / 1000).toFixed(2)} s`);

run(randomBars('MES', 20_000, 3), randomBars('MGC', 20_000, 4, { startPrice: 1950 })); // JIT warm-up
const times: number[] = [];
let last = { seconds: 0, features: 0, rowsOut: 0 };
for (let r = 0; r < RUNS; r++) {
  last = run(mes, mgc);
  times.push(last.seconds);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] as number;
const computePeakMiB = process.resourceUsage().maxRSS / 1024;

// Arrow output of one symbol, for scale (not part of the compute figure).
const dir = await mkdtemp(join(tmpdir(), 'tribar-features-bench-'));
const mesFeatures = computeFeatures(mes, {
  config: config.features,
  symbols: config.symbols,
  barMinutes: 5,
  trainFraction: config.splits.train,
  partners: new Map([['MGC', mgc]]),
});
const writeStarted = performance.now();
await writeArrowFile(join(dir, 'MES.arrow'), barsToTable(featureTable(mes, mesFeatures)));
const writeSeconds = (performance.now() - writeStarted) / 1000;
await rm(dir, { recursive: true, force: true });

const writePeakMiB = process.resourceUsage().maxRSS / 1024;
const rows = 2 * BARS;
console.log(`features per symbol:   ${last.features}`);
console.log(`compute, 2 symbols:    ${median.toFixed(2)} s median of ${RUNS} (min ${times[0]!.toFixed(2)} s)`);
console.log(
  `throughput:            ${Math.round(rows / median).toLocaleString('en-US')} rows/s (${Math.round((rows * last.features) / median / 1e6)} M values/s)`,
);
console.log(`rows out after warm-up: ${last.rowsOut.toLocaleString('en-US')}`);
console.log(`Arrow write, 1 symbol: ${writeSeconds.toFixed(2)} s`);
console.log(`peak RSS:              ${computePeakMiB.toFixed(0)} MiB computing; ${writePeakMiB.toFixed(0)} MiB after the Arrow write`);
console.log(
  `original (pandas/numba, 101 features): ${ORIGINAL_SECONDS} s, peak RSS 1,516 MiB → ${(ORIGINAL_SECONDS / median).toFixed(0)}× faster`,
);
