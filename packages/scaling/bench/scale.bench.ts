// Benchmark: the scale stage's fit, leakage check and transform on real run folders (the synthetic
// default run at one and at four years of bars: `tribar pipeline` and `tribar pipeline --set
// data.synthetic.days=1460 --run-id bench-4y`), the previous version (test/reference.ts: every train
// column sorted with Float64Array.prototype.sort, a second sort-based refit as the leakage check, a
// second transform of the train rows) against today's, alternating in one process, then the whole
// stage once on a copy of the run, and its share of the run's stage total (from the run's
// state.json, with the stage's own time replaced by today's). Run with `npm run bench` from
// packages/scaling. BENCH_RUNS (comma-separated run folders) and BENCH_REPEATS override.
import { featureBars, featureManifest, readJsonArtifact, cut as cutArtifact } from '@tribar/artifacts';
import { runConfigSchema, type RunConfig } from '@tribar/config';
import { createStageContext, float64Columns, readArrowFile } from '@tribar/core';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkLeakage } from '../src/internal/leakage.js';
import { fitParameters, trainRows, transformColumn, type FeatureScaleSpec } from '../src/internal/scaler.js';
import { finiteMoments } from '../src/internal/stats.js';
import { scaleStage } from '../src/internal/stage.js';
import { referenceFitFeature, referenceLeakageMismatches, referenceTransform } from '../test/reference.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

async function runFolders(): Promise<string[]> {
  if (process.env.BENCH_RUNS) return process.env.BENCH_RUNS.split(',').map((p) => resolve(p));
  const runs = join(ROOT, 'runs');
  if (!existsSync(runs)) return [];
  const names = (await readdir(runs)).sort();
  return names.map((n) => join(runs, n)).filter((dir) => existsSync(join(dir, 'scale/scaler.json')) && existsSync(join(dir, 'state.json')));
}

interface Symbol {
  specs: FeatureScaleSpec[];
  columns: Map<string, Float64Array>;
  train: Map<string, Float64Array>;
}

async function load(runDir: string) {
  const config = runConfigSchema.parse(JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')));
  const manifest = await readJsonArtifact(runDir, featureManifest);
  const { trainEndMs } = await readJsonArtifact(runDir, cutArtifact);
  const specs = manifest.features.map(({ name, category, flag }) => ({ name, category, flag }));
  const symbols: Symbol[] = [];
  let bars = 0;
  for (const symbol of config.symbols) {
    const all = float64Columns(await readArrowFile(join(runDir, featureBars(symbol).path)));
    const timestamp = all['timestamp'] as Float64Array;
    bars += timestamp.length;
    const columns = new Map(specs.map((s) => [s.name, all[s.name] as Float64Array]));
    // Copies, as the previous version took them (today's stage takes views of time-ordered columns).
    const train = new Map([...trainRows(timestamp, columns, [...columns.keys()], trainEndMs)].map(([k, v]) => [k, Float64Array.from(v)]));
    symbols.push({ specs, columns, train });
  }
  const state = JSON.parse(await readFile(join(runDir, 'state.json'), 'utf8')) as {
    stages: Record<string, { durationMs?: number; cpuMs?: number }>;
  };
  // CPU, where the run recorded it (a shared machine's wall time says more about the neighbours than the stage).
  const stageMs = Object.fromEntries(Object.entries(state.stages).map(([k, v]) => [k, v.cpuMs ?? v.durationMs ?? 0]));
  return { config, symbols, bars, stageMs };
}

/** Fit, leakage check and transform of every symbol, by the previous or today's route; a checksum so nothing is optimised away. */
function fitCheckTransform(config: RunConfig, symbols: readonly Symbol[], previous: boolean): number {
  const options = config.scaling;
  let check = 0;
  for (const { specs, columns, train } of symbols) {
    if (previous) {
      const features = specs.map((spec) => referenceFitFeature(train.get(spec.name) as Float64Array, spec, options));
      check += referenceLeakageMismatches(
        features,
        specs.map((s) => train.get(s.name) as Float64Array),
        options,
      ).length;
      for (const f of features) check += referenceTransform(f, columns.get(f.name) as Float64Array, options)[0] as number;
    } else {
      // The stage's route: the fit without its own scaled-train pass, the check, then one transform per column
      // (into a buffer here, in place in the stage) whose train rows give scaledTrain.
      const state = fitParameters(train, specs, options);
      check += checkLeakage(state, train).mismatches.length;
      const rows = columns.values().next().value?.length ?? 0;
      const flags = new Uint8Array(rows);
      const into = new Float64Array(rows);
      const trainCount = train.values().next().value?.length ?? 0;
      for (const f of state.features) {
        const values = transformColumn(f, columns.get(f.name) as Float64Array, options, flags, into).values;
        f.scaledTrain = finiteMoments(values.subarray(0, trainCount));
        check += values[0] as number;
      }
    }
  }
  return check;
}

/** CPU seconds (user + system, every thread of the process) since `started`. */
const cpuSeconds = (started: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1e6;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function wholeStage(runDir: string, config: RunConfig): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-scale-bench-'));
  try {
    for (const part of ['features', 'cut']) await cp(join(runDir, part), join(dir, part), { recursive: true });
    const started = process.cpuUsage();
    await scaleStage.run(createStageContext({ runDir: dir, config, stage: scaleStage.name }));
    return cpuSeconds(started);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const folders = await runFolders();
if (folders.length === 0)
  console.log('no run folder: run `tribar pipeline` first (and --set data.synthetic.days=1460 --run-id bench-4y for 4 years)');
console.log(
  'scale — previous (full sorts, sort-based refit as leakage check) vs today, CPU seconds, median of',
  REPEATS,
  'alternating runs',
);
console.log(
  'bars (all symbols) | fit+check+transform previous s | today s | ratio | whole stage today s | share of run (stage total, scale today)',
);
for (const runDir of folders) {
  const { config, symbols, bars, stageMs } = await load(runDir);
  const previous: number[] = [];
  const today: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    for (const isPrevious of [true, false]) {
      const started = process.cpuUsage();
      const check = fitCheckTransform(config, symbols, isPrevious);
      (isPrevious ? previous : today).push(cpuSeconds(started));
      if (Number.isNaN(check)) throw new Error('checksum is NaN');
    }
  }
  const stage = await wholeStage(runDir, config);
  const total = Object.values(stageMs).reduce((a, b) => a + b, 0) / 1000 - (stageMs['scale'] ?? 0) / 1000 + stage;
  const p = median(previous);
  const t = median(today);
  console.log(
    `${bars} | ${p.toFixed(2)} | ${t.toFixed(2)} | ${(p / t).toFixed(2)}× | ${stage.toFixed(2)} | ${((100 * stage) / total).toFixed(1)} % of ${total.toFixed(1)} s`,
  );
}
