// Benchmark: each opt-in AFML family (entropy, ch. 18; microstructure, ch. 19; structural breaks, ch. 17) alone on 350,000
// five-minute bars of one symbol, with the window defaults of the config. Run with
// `npm run bench:afml` from packages/features (BENCH_BARS to change the size).
import { entropyFamily } from '../src/internal/families/entropy.js';
import { microstructureFamily } from '../src/internal/families/microstructure.js';
import { structuralBreaksFamily } from '../src/internal/families/structural-breaks.js';
import { SharedSeries, type FamilyBuilder } from '../src/internal/registry.js';
import { readFileSync } from 'node:fs';
import type { Bars } from '@tribar/market';
import { defaultConfig, randomBars } from '../test/helpers.js';

const BARS = Number(process.env.BENCH_BARS ?? 350_000);
const config = defaultConfig({ features: { entropy: {}, microstructure: {}, structuralBreaks: {} } });
// BENCH_FILE: a CSV of bars (timestamp,open,high,low,close,volume, e.g. the real MES one-minute
// file) instead of the seeded random walk; BENCH_BARS then caps its rows.
const bars = process.env.BENCH_FILE === undefined ? randomBars('MES', BARS, 1) : csvBars(process.env.BENCH_FILE, BARS);

function csvBars(file: string, limit: number): Bars {
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1, limit + 1);
  const column = (k: number) =>
    Float64Array.from(lines, (line) => (k === 0 ? Date.parse(line.split(',')[0]!) : Number(line.split(',')[k])));
  const [timestamp, open, high, low, close, volume] = [0, 1, 2, 3, 4, 5].map(column) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { symbol: 'MES', timestamp, open, high, low, close, volume, columns: {} };
}

type FeaturesConfig = typeof config.features;

function time(name: string, build: FamilyBuilder, encodings?: readonly ('tick' | 'quantile' | 'sigma')[], only?: FeaturesConfig): void {
  const features =
    only ??
    (encodings === undefined
      ? config.features
      : { ...config.features, entropy: { ...config.features.entropy!, encodings: [...encodings] } });
  const groups = build({
    config: features,
    symbol: 'MES',
    symbols: ['MES'],
    barMinutes: 5,
    fracdiff: { d: 0.4, width: 100 },
    hasVolume: true,
  });
  const input = { bars, config: features, barMinutes: 5, partners: new Map(), calendar: undefined, shared: new SharedSeries() };
  const started = performance.now();
  const cpu = process.cpuUsage();
  let columns = 0;
  for (const group of groups) columns += group.compute(input).length;
  const { user, system } = process.cpuUsage(cpu);
  // CPU seconds beside wall seconds: on a shared machine the wall time counts other jobs' turns.
  console.log(
    `${name.padEnd(28)} ${columns.toString().padStart(2)} features  ${((performance.now() - started) / 1000).toFixed(2)} s  (CPU ${((user + system) / 1e6).toFixed(2)} s)`,
  );
}

console.log(
  `${bars.close.length.toLocaleString('en-US')} bars${process.env.BENCH_FILE === undefined ? '' : ` of ${process.env.BENCH_FILE}`}, entropy window ${config.features.entropy!.window}, microstructure window ${config.features.microstructure!.window} / VPIN ${config.features.microstructure!.vpinWindow}`,
);
for (const encoding of ['tick', 'quantile', 'sigma'] as const) time(`entropy (${encoding})`, entropyFamily, [encoding]);
time('entropy (all three)', entropyFamily);
time('microstructure', microstructureFamily);
const breaks = config.features.structuralBreaks!;
const none = { ...breaks, adf: [], martingale: [], chow: false, cusum: false };
console.log(`structural breaks: window ${breaks.window}, minLength ${breaks.minLength}, lags ${breaks.lags}`);
time('breaks: Chow-type DF', structuralBreaksFamily, undefined, { ...config.features, structuralBreaks: { ...none, chow: true } });
time('breaks: CSW CUSUM (1 + 2)', structuralBreaksFamily, undefined, { ...config.features, structuralBreaks: { ...none, cusum: true } });
for (const adf of breaks.adf) {
  time(`breaks: SADF ${adf}`, structuralBreaksFamily, undefined, { ...config.features, structuralBreaks: { ...none, adf: [adf] } });
}
for (const martingale of breaks.martingale) {
  time(`breaks: SMT ${martingale}`, structuralBreaksFamily, undefined, {
    ...config.features,
    structuralBreaks: { ...none, martingale: [martingale] },
  });
}
time('breaks: all (defaults)', structuralBreaksFamily);
