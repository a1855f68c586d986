/**
 * Ingest throughput, read → repair → clean → resample to five minutes, in the units of
 * /work/shared/reference/performance-anchors.md (pandas read_csv, 1M one-minute rows: 1.08 s =
 * 0.93 M rows/s; pandas 1 → 5 min resample 14.8 M rows/s; goal ≥ 2 M rows/s for the whole chain).
 *
 *   npm run bench -w @tribar/ingest            # 1M and 5.7M rows
 *   npm run bench -w @tribar/ingest -- 200000  # other sizes
 *
 * Each measurement runs in a fresh child process so its peak RSS (`maxRSS`) is its own.
 * Plain script, not a vitest timed test: timings belong in a report, not a pass/fail gate.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '@tribar/config';
import { Rng } from '@tribar/core';
import { calendarForSymbol } from '@tribar/market';
import { cleanBars, cleanOptionsFromConfig } from '../src/internal/clean/clean.js';
import { readBars } from '../src/internal/read/read-bars.js';
import { repairBars } from '../src/internal/repair/repair.js';
import { resampleBars } from '../src/internal/resample/resample.js';

const PANDAS_1M_SECONDS = 1.08;
const RUNS = 5;

/**
 * A seeded one-minute MES-like random walk on the minutes the CME calendar has open (so cleaning
 * and resampling see real sessions, halts and weekends), ISO UTC timestamps, 0.25 tick.
 */
async function writeCsv(path: string, rows: number, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const write = (text: string): Promise<void> =>
    out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', () => resolve()));
  await write('timestamp,open,high,low,close,volume\n');
  const calendar = calendarForSymbol('MES');
  let time = Date.UTC(2010, 0, 3, 23, 0);
  let close = 4500;
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const open = close;
    close = Math.max(1, Math.round(open * (1 + rng.normal() * 0.0004) * 4) / 4);
    const high = Math.max(open, close) + Math.round(Math.abs(rng.normal()) * 2) / 4;
    const low = Math.min(open, close) - Math.round(Math.abs(rng.normal()) * 2) / 4;
    const volume = 1 + Math.floor(rng.next() * 2000);
    lines.push(`${new Date(time).toISOString().slice(0, 19)}Z,${open},${high},${low},${close},${volume}`);
    do time += 60_000;
    while (!calendar.isOpen(time));
    if (lines.length === 10_000) {
      await write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length > 0) await write(lines.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

const PHASES = ['read', 'repair', 'clean', 'resample'] as const;
type Phase = (typeof PHASES)[number];

async function measureChild(path: string): Promise<void> {
  const options = cleanOptionsFromConfig(defaultConfig(), 'MES');
  const totals: number[] = [];
  const phases: Record<Phase, number[]> = { read: [], repair: [], clean: [], resample: [] };
  let rows = 0;
  let outputBars = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const marks = [performance.now()];
    const { bars } = await readBars(path, { symbol: 'MES' });
    marks.push(performance.now());
    const { bars: repaired, report } = repairBars(bars, { tickSize: 0.25 });
    marks.push(performance.now());
    const { bars: cleaned } = cleanBars(repaired, options);
    marks.push(performance.now());
    outputBars = resampleBars(cleaned, 5).timestamp.length;
    marks.push(performance.now());
    rows = report.rowsIn;
    // Run 0 warms the JIT and is not counted, as the pandas anchors exclude warm-up.
    if (run === 0) continue;
    PHASES.forEach((phase, i) => phases[phase].push(((marks[i + 1] as number) - (marks[i] as number)) / 1000));
    totals.push(((marks[4] as number) - (marks[0] as number)) / 1000);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  const phaseMedians = Object.fromEntries(PHASES.map((phase) => [phase, median(phases[phase])]));
  console.log(JSON.stringify({ rows, outputBars, median: median(totals), best: Math.min(...totals), phases: phaseMedians, maxRssMiB }));
}

interface ChildResult {
  rows: number;
  outputBars: number;
  median: number;
  best: number;
  phases: Record<Phase, number>;
  maxRssMiB: number;
}

function measure(path: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', path], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`benchmark child failed with status ${child.status}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as ChildResult;
}

function report(label: string, megabytes: number, result: ChildResult): void {
  const rate = result.rows / result.median / 1e6;
  const pandasRate = 1_000_000 / PANDAS_1M_SECONDS / 1e6;
  const phase = (name: Phase) => result.phases[name].toFixed(3).padStart(7);
  console.log(
    [
      label.padEnd(11),
      megabytes.toFixed(1).padStart(6),
      phase('read'),
      phase('repair'),
      phase('clean'),
      phase('resample'),
      result.median.toFixed(3).padStart(8),
      rate.toFixed(2).padStart(8),
      (result.rows / result.best / 1e6).toFixed(2).padStart(9),
      result.maxRssMiB.toFixed(0).padStart(8),
      `${(rate / pandasRate).toFixed(1)}×`.padStart(8),
    ].join(' | '),
  );
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--child' && arg) return measureChild(arg);

  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const rowsList = sizes.length > 0 ? sizes : [1_000_000, 5_700_000];
  const dir = await mkdtemp(join(tmpdir(), 'tribar-read-bench-'));
  try {
    console.log(`CSV → repair → clean → 5-min bars, seconds (median of ${RUNS} runs after a warm-up), each size in its own process`);
    console.log('Machines are noisy: the median is the figure to quote, the best run shows the cost without contention.');
    console.log(
      'rows        | MB     | read    | repair  | clean   | resample| total s  | M rows/s | best M/s  | RSS MiB  | vs pandas read_csv alone (0.93 M rows/s)',
    );
    for (const rows of rowsList) {
      const path = join(dir, `MES_${rows}.csv`);
      await writeCsv(path, rows, 42);
      const megabytes = (await stat(path)).size / 1e6;
      report(String(rows), megabytes, measure(path));
      if (rows === rowsList[0]) {
        // The same rows gzip-compressed: decompression runs on the thread pool beside parsing.
        await pipeline(createReadStream(path), createGzip(), createWriteStream(`${path}.gz`));
        report(`${rows} .gz`, (await stat(`${path}.gz`)).size / 1e6, measure(`${path}.gz`));
        await rm(`${path}.gz`, { force: true });
      }
      await rm(path, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
