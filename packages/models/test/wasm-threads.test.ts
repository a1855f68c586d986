import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_WASM_THREADS, sequenceThreads, wasmThreadCount } from '../src/internal/tfjs/wasm-threads.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Fit and predict in a fresh process (the wasm backend's thread count is fixed once per process). */
function child(threads: number): { threads: number; hash: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'wasm-threads-child.ts')], {
    cwd: join(here, '..'),
    env: { ...process.env, TRIBAR_XNNPACK_THREADS: String(threads), TRIBAR_TFJS_BACKEND: 'wasm' },
    encoding: 'utf8',
    // a pthread that kept the process alive would hang here: fail instead
    timeout: 300_000,
  });
  expect(run.signal, run.stderr).toBeNull();
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { threads: number; hash: string };
}

describe('threaded wasm backend', () => {
  it('reads TRIBAR_XNNPACK_THREADS (default 1) and TRIBAR_SEQUENCE_THREADS (default every core) and rejects what is not a thread count', () => {
    expect(wasmThreadCount('')).toBe(1);
    expect(wasmThreadCount(' 3 ')).toBe(3);
    expect(sequenceThreads('2')).toBe(2);
    expect(sequenceThreads('')).toBe(Math.min(availableParallelism(), MAX_WASM_THREADS));
    for (const bad of ['0', '-2', '1.5', 'two', String(MAX_WASM_THREADS + 1)]) {
      expect(() => wasmThreadCount(bad)).toThrow(/TRIBAR_XNNPACK_THREADS/);
      expect(() => sequenceThreads(bad)).toThrow(/TRIBAR_SEQUENCE_THREADS/);
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
