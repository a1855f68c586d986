/**
 * Sequence models beside PyTorch, the work of issue 15 and performance-anchors.md: LSTM(64) + dense(3),
 * Adam, batch 256, one epoch of 2,048 sequences of 60 × 32 (PyTorch CPU 1.63 s with 2 threads on the
 * anchor day; goal: the fused layer on the default backend ≤ 2× PyTorch's best thread count, measured
 * side by side here), the same with the stock tfjs-layers LSTM, a fused GRU, a 2-layer causal
 * Transformer, and inference of 10,000 windows (goal < 1 s).
 * Run alone: `node --import tsx bench/sequence.bench.ts` (`BENCH_RUNS=1` for a single timed run).
 */
import { fileURLToPath } from 'node:url';
import { ITEMS, runChild, runTorch, spawnChild, table } from './sequence-harness.js';
import type { ChildResult, Item, TorchResult } from './sequence-harness.js';

const child = process.env['SEQUENCE_BENCH_CHILD'];
if (child !== undefined) {
  await runChild(child.split(',') as Item[], Number(process.env['SEQUENCE_BENCH_RUNS'] ?? 3));
} else {
  const runs = Number(process.env['BENCH_RUNS'] ?? 3);
  const self = fileURLToPath(import.meta.url);
  const torch: TorchResult[] = [];
  for (const threads of [1, 2]) {
    const result = runTorch(threads, runs, 1800);
    if (typeof result === 'string') console.log(result);
    else torch.push(result);
  }
  const children: ChildResult[] = [];
  // the default backend on one thread and on two (wasm: XNNPACK's pool; predictProba: its worker pool), then cpu
  for (const [backend, items, threads] of [
    [undefined, ITEMS, 1],
    [undefined, ITEMS, 2],
    ['cpu', ['fused-lstm'] as Item[], 1],
  ] as const) {
    const result = spawnChild(self, backend, items, runs, 1800, threads);
    if (typeof result === 'string') console.log(`tfjs ${result}`);
    else children.push(result);
  }
  console.log(table(torch, children));
}
