// Peak memory of sequence training streamed from a feature matrix of 350,000 bars × 120 features
// with 60-step windows: `node --import tsx bench/sequence-memory.ts [rows] [features] [lookback] [batches]`.
// The source is what @tribar/datasets' buildSequence holds (one float32 matrix, windows cut on
// demand), built inline because models does not depend on datasets.
import { readFileSync } from 'node:fs';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import { lstmFamily } from '../src/internal/sequence/lstm.js';
import type { LabeledSequenceSource } from '../src/internal/types.js';

const [rows, features, lookback, batches] = [350_000, 120, 60, 40].map((d, i) => Number(process.argv[2 + i] ?? d)) as [
  number,
  number,
  number,
  number,
];
const peakMiB = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

const before = peakMiB();
const matrix = new Float32Array(rows * features);
for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) matrix[r * features + f] = Math.sin(r * 0.01 + f);
const windows = rows - lookback + 1;
const afterMatrix = peakMiB();
// `batches` batches of 256 windows spread over the whole set (an epoch's memory is that of one batch).
const picks = Int32Array.from({ length: batches * 256 }, (_, i) => lookback - 1 + Math.floor((i * windows) / (batches * 256)));
const width = lookback * features;
const source: LabeledSequenceSource = {
  rows: picks.length,
  shape: [lookback, features],
  y: Uint8Array.from(picks, (t) => t % 3),
  gather: (positions, out) => {
    for (let i = 0; i < positions.length; i++) {
      const start = (picks[positions[i]!]! - lookback + 1) * features;
      out.set(matrix.subarray(start, start + width), i * width);
    }
  },
};
const model = new SequenceModel(lstmFamily, { maxEpochs: 1 });
const started = performance.now();
await model.fit(source);
console.log(
  JSON.stringify({
    rows,
    features,
    lookback,
    windows,
    materialisedWindowsMiB: Math.round((windows * width * 4) / 2 ** 20),
    peakBeforeMiB: Math.round(before),
    peakWithMatrixMiB: Math.round(afterMatrix),
    peakAfterTrainingMiB: Math.round(peakMiB()),
    batches,
    lstmSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  }),
);
model.dispose();
