import { DEFAULT_SCALING_OPTIONS } from '../src/internal/scaler.js';
import { Rng, writeArrowFile } from '@tribar/core';
import { barsToTable, type Bars } from '@tribar/market';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaleSymbols, symbolWorkers } from '../src/internal/symbol-pool.js';
import type { SymbolJob } from '../src/internal/symbol.js';

const N = 500;
const T0 = Date.UTC(2024, 0, 2);
const STEP = 60_000;
const SPECS = [
  { name: 'atr_14', category: 'volatility', flag: false },
  { name: 'obv', category: 'volume', flag: false },
  { name: 'rsi_14', category: 'oscillator', flag: false },
  { name: 'return_1', category: 'returns', flag: false },
] as const;

function bars(symbol: string, seed: number): Bars {
  const rng = new Rng(seed);
  const column = (f: (i: number) => number) => Float64Array.from({ length: N }, (_, i) => f(i));
  const close = column(() => 4500 + rng.normal(0, 10));
  return {
    symbol,
    timestamp: column((i) => T0 + i * STEP),
    open: close,
    high: close,
    low: close,
    close,
    volume: column(() => rng.int(1, 100)),
    columns: {
      atr_14: column((i) => (i % 97 === 0 ? Number.NaN : rng.exponential(1))),
      obv: column((i) => -500 + i * rng.uniform(0, 3)),
      rsi_14: column(() => rng.uniform(0, 100)),
      return_1: column(() => rng.normal(0, 0.001)),
    },
  };
}

describe('symbols on worker threads', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  const folder = async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'tribar-scale-pool-'));
    dirs.push(runDir);
    await mkdir(join(runDir, 'features'), { recursive: true });
    for (const [symbol, seed] of [
      ['MES', 1],
      ['MGC', 2],
      ['M2K', 3],
    ] as const) {
      await writeArrowFile(join(runDir, `features/${symbol}.arrow`), barsToTable(bars(symbol, seed)));
    }
    return runDir;
  };
  const jobs = (runDir: string, trainEnd = T0 + 350 * STEP): SymbolJob[] =>
    ['MES', 'MGC', 'M2K'].map((symbol) => ({
      runDir,
      symbol,
      specs: SPECS.map((spec) => ({ ...spec })),
      cuts: { trainEnd, valEnd: T0 + 430 * STEP },
      options: DEFAULT_SCALING_OPTIONS,
    }));

  it('gives the same results and the same files for 0 (main thread), 1 and 3 workers', async () => {
    const outputs: string[] = [];
    for (const workers of [0, 1, 3]) {
      const runDir = await folder();
      const finished: string[] = [];
      const results = await scaleSymbols(jobs(runDir), workers, { done: (job) => finished.push(job.symbol) });
      expect(finished.sort()).toEqual(['M2K', 'MES', 'MGC']);
      expect(results.map((r) => r.report.rows)).toEqual([N, N, N]);
      expect(results.every((r) => r.leakage.ok && r.trainRows === 350)).toBe(true);
      const files = await Promise.all(['MES', 'MGC', 'M2K'].map((s) => readFile(join(runDir, `scale/${s}.arrow`))));
      outputs.push(JSON.stringify(results) + files.map((bytes) => bytes.toString('base64')).join());
    }
    expect(outputs[0]).toContain('"scaledTrain":{"mean":');
    expect(new Set(outputs).size).toBe(1);
  });

  it("a worker's error comes back with its code, message and hint", async () => {
    const runDir = await folder();
    const failing = scaleSymbols(jobs(runDir, T0 - 1), 2);
    await expect(failing).rejects.toThrow(/features\/M(ES|GC)\.arrow, field 'timestamp': no row before trainEnd/);
    await expect(failing).rejects.toMatchObject({ code: 'DATA_INVALID', name: 'DataError', hint: expect.stringMatching(/cut\.json/) });
  });

  it('uses the main thread for one symbol or small files, and bounds the threads by the files at once', async () => {
    const runDir = await folder();
    expect(await symbolWorkers(jobs(runDir))).toBe(0); // a few kB
    expect(await symbolWorkers(jobs(runDir).slice(0, 1))).toBe(0);
  });
});
