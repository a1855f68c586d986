// Benchmark: each opt-in AFML family (entropy, ch. 18; microstructure, ch. 19) alone on 350,000
// five-minute bars of one symbol, with the window defaults of the config. Run with
// `npm run bench:afml` from packages/features (BENCH_BARS to change the size).
import { entropyFamily } from '../src/internal/families/entropy.js';
import { microstructureFamily } from '../src/internal/families/microstructure.js';
import { SharedSeries, type FamilyBuilder } from '../src/internal/registry.js';
import { defaultConfig, randomBars } from '../test/helpers.js';

const BARS = Number(process.env.BENCH_BARS ?? 350_000);
const config = defaultConfig({ features: { entropy: {}, microstructure: {} } });
const bars = randomBars('MES', BARS, 1);

function time(name: string, build: FamilyBuilder, encodings?: readonly ('tick' | 'quantile' | 'sigma')[]): void {
  const features =
    encodings === undefined ? config.features : { ...config.features, entropy: { ...config.features.entropy!, encodings: [...encodings] } };
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
  let columns = 0;
  for (const group of groups) columns += group.compute(input).length;
  console.log(`${name.padEnd(28)} ${columns.toString().padStart(2)} features  ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

console.log(
  `${BARS.toLocaleString('en-US')} bars, entropy window ${config.features.entropy!.window}, microstructure window ${config.features.microstructure!.window} / VPIN ${config.features.microstructure!.vpinWindow}`,
);
for (const encoding of ['tick', 'quantile', 'sigma'] as const) time(`entropy (${encoding})`, entropyFamily, [encoding]);
time('entropy (all three)', entropyFamily);
time('microstructure', microstructureFamily);
