import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_WASM_THREADS, sequenceThreads, sequenceTrainThreads, wasmThreadCount } from '../src/internal/tfjs/wasm-threads.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Fit and predict in a fresh process (the wasm backend's thread count is fixed once per process). */
/**
 * The child: fits a small LSTM and a Transformer on the order task and prints the backend's thread count and
 * a hash of both fitted models' probabilities as one JSON line. The process must end by itself.
 */
const CHILD = (src: (path: string) => string): string => `
import { createHash } from 'node:crypto';
import { SequenceModel } from ${src('../src/internal/sequence/engine.ts')};
import { lstmFamily } from ${src('../src/internal/sequence/lstm.ts')};
import { transformerFamily } from ${src('../src/internal/sequence/transformer.ts')};
import { orderTask } from ${src('./seq-task.ts')};
const train = orderTask(192, 12, 3, 1);
const probe = orderTask(300, 12, 3, 2);
const hash = createHash('sha256');
let threads;
for (const [family, hp] of [
  [lstmFamily, { hiddenSize: 16, layers: 2, maxEpochs: 2, batchSize: 64 }],
  [transformerFamily, { maxEpochs: 1, batchSize: 64 }],
]) {
  const model = new SequenceModel(family, hp);
  const fit = await model.fit(train);
  threads = fit.runtime.threads;
  const { p } = await model.predictProba(probe);
  hash.update(Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  model.dispose();
}
process.stdout.write(JSON.stringify({ threads, hash: hash.digest('hex') }) + '\\n');
`;

function child(threads: number): { threads: number; hash: string } {
  const code = CHILD((path) => JSON.stringify(pathToFileURL(join(here, path)).href));
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: join(here, '..'),
    env: { ...process.env, TRIBAR_XNNPACK_THREADS: String(threads), TRIBAR_TFJS_BACKEND: 'wasm' },
    encoding: 'utf8',
    // a pthread that kept the process alive would hang here (spawnSync blocks the hang limit): fail at that limit instead
    timeout: 600_000,
  });
  expect(run.signal, run.stderr).toBeNull();
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { threads: number; hash: string };
}

describe('threaded wasm backend', () => {
  it('reads TRIBAR_XNNPACK_THREADS (default 1), TRIBAR_SEQUENCE_THREADS (default every core) and TRIBAR_SEQUENCE_TRAIN_THREADS (default 1) and rejects what is not a thread count', () => {
    expect(wasmThreadCount('')).toBe(1);
    expect(wasmThreadCount(' 3 ')).toBe(3);
    expect(sequenceThreads('2')).toBe(2);
    expect(sequenceThreads('')).toBe(Math.min(availableParallelism(), MAX_WASM_THREADS));
    expect(sequenceTrainThreads(undefined)).toBe(1);
    expect(sequenceTrainThreads('2')).toBe(2);
    for (const bad of ['0', '-2', '1.5', 'two', String(MAX_WASM_THREADS + 1)]) {
      expect(() => wasmThreadCount(bad)).toThrow(/TRIBAR_XNNPACK_THREADS/);
      expect(() => sequenceThreads(bad)).toThrow(/TRIBAR_SEQUENCE_THREADS/);
      expect(() => sequenceTrainThreads(bad)).toThrow(/TRIBAR_SEQUENCE_TRAIN_THREADS/);
    }
  });

  it('runs XNNPACK on 2 threads in Node, predicts bit for bit as on 1 thread, and lets the process exit', () => {
    const one = child(1);
    const two = child(2);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.hash).toBe(one.hash);
  });
});
