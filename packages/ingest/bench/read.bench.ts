/**
 * CSV read + repair throughput, in the units of /work/shared/reference/performance-anchors.md
 * (pandas read_csv, 1M one-minute rows: 1.08 s = 0.93 M rows/s; goal ≥ 2 M rows/s).
 *
 *   npm run bench -w @tribar/ingest            # 1M and 5.7M rows
 *   npm run bench -w @tribar/ingest -- 200000  # other sizes
 *
 * Each measurement runs in a fresh child process so its peak RSS (`maxRSS`) is its own.
 * Plain script, not a vitest timed test: timings belong in a report, not a pass/fail gate.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@tribar/core';
import { readBars } from '../src/read/read-bars.js';
import { repairBars } from '../src/repair/repair.js';

const PANDAS_1M_SECONDS = 1.08;
const RUNS = 3;

/** A seeded one-minute MES-like random walk, ISO UTC timestamps, prices on the 0.25 tick. */
async function writeCsv(path: string, rows: number, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const write = (text: string): Promise<void> =>
    out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', () => resolve()));
  await write('timestamp,open,high,low,close,volume\n');
  let time = Date.UTC(2015, 0, 4, 23, 0);
  let close = 4500;
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const open = close;
    close = Math.max(1, Math.round((open * (1 + rng.normal() * 0.0004)) * 4) / 4);
    const high = Math.max(open, close) + Math.round(Math.abs(rng.normal()) * 2) / 4;
    const low = Math.min(open, close) - Math.round(Math.abs(rng.normal()) * 2) / 4;
    const volume = 1 + Math.floor(rng.next() * 2000);
    lines.push(`${new Date(time).toISOString().slice(0, 19)}Z,${open},${high},${low},${close},${volume}`);
    time += 60_000;
    if (lines.length === 10_000) {
      await write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length > 0) await write(lines.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function measureChild(path: string): Promise<void> {
  const times: number[] = [];
  let rows = 0;
  let readSeconds = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const start = performance.now();
    const { bars } = await readBars(path, { symbol: 'MES' });
    const afterRead = performance.now();
    const { report } = repairBars(bars, { tickSize: 0.25 });
    const seconds = (performance.now() - start) / 1000;
    rows = report.rowsOut;
    // Run 0 warms the JIT and is not counted, as the pandas anchors exclude warm-up.
    if (run > 0) {
      times.push(seconds);
      readSeconds += (afterRead - start) / 1000;
    }
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ rows, median, readOnly: readSeconds / RUNS, maxRssMiB }));
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--child' && arg) return measureChild(arg);

  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rowsList = sizes.length > 0 ? sizes : [1_000_000, 5_700_000];
  const dir = await mkdtemp(join(tmpdir(), 'tribar-read-bench-'));
  const self = fileURLToPath(import.meta.url);
  try {
    console.log(`CSV read + repair (hand-written byte parser), median of ${RUNS} runs after a warm-up, each size in its own process`);
    console.log('rows       | MB     | read+repair s | M rows/s | read only s | peak RSS MiB | vs pandas read_csv (0.93 M rows/s)');
    for (const rows of rowsList) {
      const path = join(dir, `MES_${rows}.csv`);
      await writeCsv(path, rows, 42);
      const megabytes = (await stat(path)).size / 1e6;
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`benchmark child failed with status ${child.status}`);
      const result = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { rows: number; median: number; readOnly: number; maxRssMiB: number };
      const rate = result.rows / result.median / 1e6;
      const pandasRate = 1_000_000 / PANDAS_1M_SECONDS / 1e6;
      console.log(
        [
          String(rows).padEnd(10),
          megabytes.toFixed(1).padStart(6),
          result.median.toFixed(3).padStart(13),
          rate.toFixed(2).padStart(8),
          result.readOnly.toFixed(3).padStart(11),
          result.maxRssMiB.toFixed(0).padStart(12),
          `${(rate / pandasRate).toFixed(1)}×`.padStart(8),
        ].join(' | '),
      );
      await rm(path, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
