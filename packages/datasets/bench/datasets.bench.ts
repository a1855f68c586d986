// Datasets throughput on the anchors' scale: 350,000 five-minute bars × 100 float features, lookback 60.
// Run: npm run bench -w @tribar/datasets
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@tribar/core';
import { forEachBatch } from '../src/internal/batches.js';
import { buildSequence, buildTabular } from '../src/internal/build.js';

const ROWS = 350_000;
const FEATURES = 100;
const BAR_MS = 5 * 60_000;
const rng = new Rng(1);

// 23 h sessions of 276 bars separated by a 1 h halt; 70 / 15 / 15 % split with 60-bar purges.
const timestampMs = new Float64Array(ROWS);
for (let i = 1; i < ROWS; i++) timestampMs[i] = (timestampMs[i - 1] as number) + (i % 276 === 0 ? 13 : 1) * BAR_MS;
const split = new Int8Array(ROWS);
for (let i = 0; i < ROWS; i++)
  split[i] = i < 0.7 * ROWS - 60 ? 0 : i < 0.7 * ROWS ? -1 : i < 0.85 * ROWS - 60 ? 1 : i < 0.85 * ROWS ? -1 : 2;
const label = Float64Array.from({ length: ROWS }, () => rng.int(-1, 1));
const weight = Float64Array.from({ length: ROWS }, () => rng.uniform(0.5, 1.5));
const features = Array.from({ length: FEATURES }, () => Float64Array.from({ length: ROWS }, () => rng.normal()));
const featureNames = features.map((_, f) => `f${f}`);
const input = { features, featureNames, label, weight, split, timestampMs, which: 'train' as const, symbol: 'X', horizon: 20 };

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}
function time(fn: () => void | Promise<void>): Promise<number> {
  return (async () => {
    const start = performance.now();
    await fn();
    return (performance.now() - start) / 1000;
  })();
}

const seqTimes: number[] = [];
const tabTimes: number[] = [];
let seq = buildSequence({ ...input, lookback: 60, barMs: BAR_MS });
let tab = buildTabular(input);
for (let r = 0; r < 3; r++) {
  seqTimes.push(await time(() => void (seq = buildSequence({ ...input, lookback: 60, barMs: BAR_MS }))));
  tabTimes.push(await time(() => void (tab = buildTabular(input))));
}
console.log(
  `buildTabular train, ${ROWS} rows × ${FEATURES}: ${median(tabTimes).toFixed(3)} s (${(tab.rows / median(tabTimes) / 1e6).toFixed(2)} M rows/s), ${tab.rows} rows`,
);
console.log(
  `buildSequence train, lookback 60: ${median(seqTimes).toFixed(3)} s, ${seq.rows} windows (sessions of 276 bars drop ${tab.rows - seq.rows})`,
);

// One epoch of shuffled batches of 256 windows (60 × 100 float32 each) into tfjs tensors, 2,048 windows as in the LSTM anchor.
const small = { ...seq, rows: 2048 };
const epochTimes: number[] = [];
for (let r = 0; r < 3; r++)
  epochTimes.push(await time(() => forEachBatch(tf, small, { batchSize: 256, shuffle: true, seed: r }, () => undefined)));
console.log(
  `batches: 2,048 windows of 60 × 100, batch 256, shuffled → tensors: ${median(epochTimes).toFixed(4)} s (${Math.round(2048 / median(epochTimes)).toLocaleString('en')} samples/s)`,
);
const fullTimes: number[] = [];
for (let r = 0; r < 3; r++)
  fullTimes.push(await time(() => forEachBatch(tf, seq, { batchSize: 256, shuffle: true, seed: r }, () => undefined)));
console.log(
  `batches: full train epoch, ${seq.rows} windows: ${median(fullTimes).toFixed(2)} s (${Math.round(seq.rows / median(fullTimes)).toLocaleString('en')} samples/s), tensors left ${tf.memory().numTensors}`,
);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
console.log(
  `memory: rss ${mb(process.memoryUsage().rss)} MiB (feature columns as float64 ${mb(ROWS * FEATURES * 8)} MiB; one split's float32 span ${mb(0.7 * ROWS * FEATURES * 4)} MiB)`,
);
