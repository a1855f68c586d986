/**
 * MLP throughput per available tfjs backend, the work of performance-anchors.md:
 *  - MLP 1920 → 128 → 3 (a 60 × 32 sequence flattened), 3 epochs on 2,048 rows, batch 256
 *    (PyTorch CPU 0.24 s; goal ≤ 1 s);
 *  - a 100-feature tabular MLP [128, 64], samples/s.
 * Run alone: `node --import tsx bench/mlp.bench.ts` (or `npm run bench -w @tribar/models`).
 * Each backend runs in a child process, because tfjs keeps one active backend per process.
 */
import { Rng, UsageError } from '@tribar/core';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mlpFactory } from '../src/internal/mlp/index.js';
import { selectTfjsBackend } from '../src/internal/tfjs/index.js';
import type { LabeledInput } from '../src/internal/types.js';

function data(rows: number, shape: number[], seed: number): LabeledInput {
  const rng = new Rng(seed);
  const width = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(rows * width);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < width; j++) {
      const v = rng.normal();
      x[i * width + j] = v;
      if (j < 10) z += v;
    }
    y[i] = z < -1.4 ? 0 : z > 1.4 ? 2 : 1;
  }
  return { x, rows, shape, y };
}

async function median(runs: number, work: () => Promise<number>): Promise<number> {
  await work(); // warm-up: kernel compilation, wasm instantiation
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push(await work());
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

async function runBackend(): Promise<void> {
  const { backend } = await selectTfjsBackend();
  const sequence = data(2048, [60, 32], 1);
  const seconds = await median(3, async () => {
    const model = mlpFactory.create({ hiddenUnits: [128], maxEpochs: 3, batchSize: 256, dropout: 0.2 });
    const result = await model.fit(sequence);
    model.dispose();
    return result.seconds;
  });
  console.log(
    `${backend.padEnd(10)} MLP 1920 → 128 → 3, 3 epochs × 2,048 rows: ${seconds.toFixed(3)} s (${Math.round((3 * 2048) / seconds).toLocaleString('en-US')} samples/s; PyTorch 0.24 s, goal ≤ 1 s)`,
  );
  const tabular = data(20_000, [100], 2);
  const tabSeconds = await median(3, async () => {
    const model = mlpFactory.create({ hiddenUnits: [128, 64], maxEpochs: 1 });
    const result = await model.fit(tabular);
    model.dispose();
    return result.seconds;
  });
  console.log(
    `${backend.padEnd(10)} MLP 100 → 128 → 64 → 3, 1 epoch × 20,000 rows: ${tabSeconds.toFixed(3)} s (${Math.round(20_000 / tabSeconds).toLocaleString('en-US')} samples/s)`,
  );
}

if (process.env['TRIBAR_TFJS_BACKEND'] !== undefined) {
  try {
    await runBackend();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.log(`${process.env['TRIBAR_TFJS_BACKEND'].padEnd(10)} skipped: ${error.message.split('\n')[0]}`);
  }
} else {
  const self = fileURLToPath(import.meta.url);
  for (const backend of ['tensorflow', 'wasm', 'cpu']) {
    const env = { ...process.env, TRIBAR_TFJS_BACKEND: backend };
    process.stdout.write(
      execFileSync(process.execPath, [...process.execArgv, self], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
    );
  }
}
