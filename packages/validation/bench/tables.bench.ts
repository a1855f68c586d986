// Benchmark: the validate stage on real run folders (the synthetic default run at 60 days, one and
// four years of bars: `tribar pipeline --set data.synthetic.days=60|365|1460`). (1) The statistics,
// previous version (test/reference.ts: per-pair `pearson` through the train-row index array,
// sort-based mutual-information edges, four-pass `moments` for the NaN and variance screens) against
// today's, alternating in one process. (2) The symbols' checks on one thread and on one per symbol
// (this thread and workers), alternating, CPU (process.cpuUsage: every thread) and wall. (3) The
// whole stage once on a copy of the run, its CPU and its share of the Phase 1 run's CPU (the
// stages up to validate, from the run's state.json, validate's own replaced by today's).
// Run with `npm run bench` from packages/validation. BENCH_RUNS (comma-separated run folders) and
// BENCH_REPEATS override.
import { featureBars, featureManifest, labelColumn, readJsonArtifact, splitBars, splitColumn, SPLIT_TRAIN } from '@tribar/artifacts';
import { runConfigSchema, type RunConfig } from '@tribar/config';
import { createStageContext, float64Columns, readArrowFile } from '@tribar/core';
import { finiteSpread, moments } from '@tribar/quant';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Findings } from '../src/internal/checks.js';
import { linkedPairs, type TrainView } from '../src/internal/correlation.js';
import { labelColumnNames } from '../src/internal/load.js';
import { planValidation } from '../src/internal/symbol-checks.js';
import { checkSymbols } from '../src/internal/threads.js';
import { validateStage } from '../src/internal/stage.js';
import { evenSample, mutualInformation } from '../src/internal/stats.js';
import { referenceLinkedPairs, referenceMutualInformation } from '../test/reference.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

async function runFolders(): Promise<string[]> {
  if (process.env.BENCH_RUNS) return process.env.BENCH_RUNS.split(',').map((p) => resolve(p));
  const runs = join(ROOT, 'runs');
  if (!existsSync(runs)) return [];
  const names = (await readdir(runs)).sort();
  return names
    .map((n) => join(runs, n))
    .filter((dir) => existsSync(join(dir, 'validate/report.json')) && existsSync(join(dir, 'state.json')));
}

interface Inputs {
  config: RunConfig;
  names: string[];
  views: TrainView[];
  /** Per symbol × horizon: the train rows and the label, for mutual information. */
  importance: { columns: Record<string, Float64Array>; label: Float64Array; rows: Int32Array }[];
  /** Every feature column of every symbol (the NaN screen reads the features and the scaled file). */
  all: Float64Array[];
  bars: number;
  /** CPU ms of each Phase 1 stage (up to validate) as the run recorded it. */
  phase1CpuMs: Record<string, number>;
}

async function load(runDir: string): Promise<Inputs> {
  const config = runConfigSchema.parse(JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')));
  const manifest = await readJsonArtifact(runDir, featureManifest);
  const names = manifest.features.map((f) => f.name);
  const views: TrainView[] = [];
  const importance: Inputs['importance'] = [];
  const all: Float64Array[] = [];
  let bars = 0;
  for (const symbol of config.symbols) {
    const columns = float64Columns(await readArrowFile(join(runDir, featureBars(symbol).path)));
    const splits = float64Columns(await readArrowFile(join(runDir, splitBars(symbol).path)));
    const labels = float64Columns(await readArrowFile(join(runDir, 'labels', `${symbol}.arrow`)));
    bars += columns['timestamp']?.length ?? 0;
    const codes = config.horizons.map((h) => splits[splitColumn(h)] as Float64Array);
    const train: number[] = [];
    for (let i = 0; i < (codes[0]?.length ?? 0); i++) if (codes.every((c) => c[i] === SPLIT_TRAIN)) train.push(i);
    views.push({ symbol, columns, trainRows: evenSample(Int32Array.from(train), config.validation.sampleRows) });
    for (const [k, h] of config.horizons.entries()) {
      const rows: number[] = [];
      codes[k]!.forEach((c, i) => c === SPLIT_TRAIN && rows.push(i));
      importance.push({
        columns,
        label: labels[labelColumn(h)] as Float64Array,
        rows: evenSample(Int32Array.from(rows), config.validation.sampleRows),
      });
    }
    for (const name of names) if (columns[name]) all.push(columns[name], columns[name]);
  }
  const state = JSON.parse(await readFile(join(runDir, 'state.json'), 'utf8')) as {
    order: string[];
    stages: Record<string, { cpuMs?: number; durationMs?: number }>;
  };
  const phase1 = state.order.slice(0, state.order.indexOf('validate') + 1);
  const phase1CpuMs = Object.fromEntries(phase1.map((k) => [k, state.stages[k]?.cpuMs ?? state.stages[k]?.durationMs ?? 0]));
  return { config, names, views, importance, all, bars, phase1CpuMs };
}

/** The statistics the stage computes, by the previous or today's route; returns a checksum so nothing is optimised away. */
function statistics(inputs: Inputs, previous: boolean): number {
  const v = inputs.config.validation;
  let check = 0;
  for (const column of inputs.all) check += previous ? moments(column).nan : finiteSpread(column).nan;
  for (const view of inputs.views)
    for (const name of inputs.names) {
      const column = view.columns[name];
      if (column) check += previous ? moments(column, view.trainRows).variance : finiteSpread(column, view.trainRows).sumSquares;
    }
  const pairs = (previous ? referenceLinkedPairs : linkedPairs)(inputs.names, inputs.views, v.correlationThreshold);
  check += pairs.length;
  const mi = previous ? referenceMutualInformation : mutualInformation;
  for (const { columns, label, rows } of inputs.importance)
    for (const name of inputs.names) if (columns[name]) check += mi(columns[name], label, rows, v.importanceBins);
  return check;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/** The whole stage on a copy of the run: CPU (every thread) and wall seconds. */
async function wholeStage(runDir: string, config: RunConfig): Promise<{ cpu: number; wall: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-validate-bench-'));
  try {
    for (const part of ['features', 'labels', 'splits', 'scale', 'cut']) await cp(join(runDir, part), join(dir, part), { recursive: true });
    const cpu = cpuMs();
    const started = performance.now();
    await validateStage.run(createStageContext({ runDir: dir, config, stage: validateStage.name }));
    return { cpu: (cpuMs() - cpu) / 1000, wall: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The symbols' checks (files read, every per-symbol check) on `threads` threads: CPU and wall seconds. */
async function symbolChecks(runDir: string, config: RunConfig, threads: number): Promise<{ cpu: number; wall: number }> {
  const manifest = await readJsonArtifact(runDir, featureManifest);
  const labelNames = await Promise.all(config.symbols.map((s) => labelColumnNames(runDir, s)));
  const { trainEndMs, valEndMs } = JSON.parse(await readFile(join(runDir, 'cut/cut.json'), 'utf8')) as {
    trainEndMs: number;
    valEndMs: number;
  };
  const plan = planValidation(new Findings(), manifest, labelNames, { trainEnd: trainEndMs, valEnd: valEndMs }, config);
  const cpu = cpuMs();
  const started = performance.now();
  await checkSymbols(runDir, config.symbols, plan, threads);
  return { cpu: (cpuMs() - cpu) / 1000, wall: (performance.now() - started) / 1000 };
}

const folders = await runFolders();
if (folders.length === 0)
  console.log('no run folder: run `tribar pipeline` first (and --set data.synthetic.days=1460 --run-id bench-4y for 4 years)');
console.log('validate — previous (per-pair pearson, sorted MI edges, four-pass moments) vs today, median of', REPEATS, 'alternating runs');
console.log(
  'bars (all symbols) | statistics previous s | today s | ratio | symbols 1 thread CPU / wall s | one per symbol CPU / wall s | whole stage CPU / wall s | Phase 1 CPU s | validate share',
);
for (const runDir of folders) {
  const inputs = await load(runDir);
  const previous: number[] = [];
  const today: number[] = [];
  const single: { cpu: number; wall: number }[] = [];
  const parallel: { cpu: number; wall: number }[] = [];
  for (let r = 0; r < REPEATS; r++) {
    for (const isPrevious of [true, false]) {
      const started = performance.now();
      const check = statistics(inputs, isPrevious);
      (isPrevious ? previous : today).push((performance.now() - started) / 1000);
      if (!Number.isFinite(check)) throw new Error('checksum is not finite');
    }
    single.push(await symbolChecks(runDir, inputs.config, 1));
    parallel.push(await symbolChecks(runDir, inputs.config, inputs.config.symbols.length));
  }
  const stage = await wholeStage(runDir, inputs.config);
  const others = Object.entries(inputs.phase1CpuMs)
    .filter(([name]) => name !== 'validate')
    .reduce((sum, [, ms]) => sum + ms / 1000, 0);
  const total = others + stage.cpu;
  const p = median(previous);
  const t = median(today);
  const pair = (runs: { cpu: number; wall: number }[]) =>
    `${median(runs.map((x) => x.cpu)).toFixed(2)} / ${median(runs.map((x) => x.wall)).toFixed(2)}`;
  console.log(
    `${inputs.bars} | ${p.toFixed(2)} | ${t.toFixed(2)} | ${(p / t).toFixed(2)}× | ${pair(single)} | ${pair(parallel)} | ${stage.cpu.toFixed(2)} / ${stage.wall.toFixed(2)} | ${total.toFixed(1)} | ${((100 * stage.cpu) / total).toFixed(1)} %`,
  );
}
