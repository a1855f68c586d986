// Benchmark: triple-barrier labeling throughput on the performance-anchors series (1,000,000
// five-minute bars, seeded GBM from 4,500, Wilder ATR(14)) for the three anchor parameter sets,
// beside the original numba kernel's figures. Run with `npm run bench` from packages/labeling.
// The random draws differ from numpy's, so compare the label mix and bars scanned to check the
// work is equivalent (performance-anchors.md quotes both).
import { allocateTripleBarrierResult, INVALID_LABEL, tripleBarrierInto, type TripleBarrierBuffers } from '@tribar/quant';
import { anchorSeries } from './series.js';

const BARS = Number(process.env.BENCH_BARS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const CASES = [
  { kUp: 1.5, kDown: 1.0, maxBars: 12, numba: 39.0, mix: '38.5 / 58.5 / 3.0 %, 4.1 bars' },
  { kUp: 3.0, kDown: 2.1, maxBars: 50, numba: 18.1, mix: '40.0 / 56.9 / 3.1 %, 15.8 bars' },
  { kUp: 2.0, kDown: 1.0, maxBars: 60, numba: 34.5, mix: '33.2 / 66.8 / 0.0 %, 5.5 bars' },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const pct = (x: number) => (100 * x).toFixed(1);

const generated = performance.now();
const bars = anchorSeries(BARS, 42);
const input = {
  open: bars.open,
  high: bars.high,
  low: bars.low,
  close: bars.close,
  atr: bars.columns.atr_14 as Float64Array,
  timestamp: bars.timestamp,
};
console.log(`series: ${BARS.toLocaleString('en-US')} bars generated in ${((performance.now() - generated) / 1000).toFixed(2)} s`);

const full = allocateTripleBarrierResult(BARS);
// The original's outputs only (label, bars_to_hit, mae, mfe, touch_type): the numba kernel's work.
const original: TripleBarrierBuffers = {
  label: full.label,
  barsToHit: full.barsToHit,
  mae: full.mae,
  mfe: full.mfe,
  touchType: full.touchType,
};

function time(params: { kUp: number; kDown: number; maxBars: number }, out: TripleBarrierBuffers): { median: number; best: number } {
  for (let warm = 0; warm < 3; warm++) tripleBarrierInto(input, params, out);
  const seconds: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    tripleBarrierInto(input, params, out);
    seconds.push((performance.now() - started) / 1000);
  }
  return { median: median(seconds), best: Math.min(...seconds) };
}

for (const { kUp, kDown, maxBars, numba, mix } of CASES) {
  const params = { kUp, kDown, maxBars };
  const same = time(params, original);
  const all = time(params, full);
  const out = full;
  let long = 0;
  let short = 0;
  let neutral = 0;
  let scanned = 0;
  for (let i = 0; i < BARS; i++) {
    const label = out.label[i] as number;
    if (label === INVALID_LABEL) continue;
    if (label === 1) long++;
    else if (label === -1) short++;
    else neutral++;
    scanned += out.barsToHit[i] as number;
  }
  const valid = long + short + neutral;
  const rate = (s: number) => BARS / s / 1e6;
  console.log(
    `(${kUp}, ${kDown}, ${maxBars}): numba ${numba} M bars/s (anchor mix ${mix})\n` +
      `  original's 5 outputs: median ${same.median.toFixed(4)} s = ${rate(same.median).toFixed(1)} M bars/s ` +
      `(${(rate(same.median) / numba).toFixed(2)}× numba), best ${rate(same.best).toFixed(1)} M bars/s\n` +
      `  all 8 outputs (+ end index, end time, forward return): median ${all.median.toFixed(4)} s = ${rate(all.median).toFixed(1)} M bars/s ` +
      `(${(rate(all.median) / numba).toFixed(2)}× numba), best ${rate(all.best).toFixed(1)} M bars/s\n` +
      `  mix ${pct(long / valid)} / ${pct(short / valid)} / ${pct(neutral / valid)} %, ${(scanned / valid).toFixed(1)} bars scanned`,
  );
}
