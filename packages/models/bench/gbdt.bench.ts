// Benchmark: Tribar's TypeScript GBDT beside libxgboost (hist, through the FFI) on the performance
// anchor's matrix — 350,000 × 100 standard-normal float32 train rows (z = Σ_{j<10} w_j·x_j + N(0, 1),
// w evenly 1.0 → 0.1, classes by terciles) plus 70,000 validation rows from the same draw; depth 6,
// eta 0.1, 200 rounds, 2 threads, no subsampling, no early stopping, no class weights. Goal (issue 16):
// gbdt within 1.5× of libxgboost's time at an equal or lower final validation log loss, on both
// growth policies, peak memory no more than libxgboost's. Each side runs in its own process (so
// its peak RSS is its own). `npm run bench -- gbdt`; BENCH_ROWS / BENCH_ROUNDS shrink it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaseModel } from '../src/internal/types.js';
import { GbdtModel } from '../src/internal/gbdt/index.js';
import { hasXGBoost, XGBoostModel } from '../src/internal/xgboost/index.js';
import { ANCHOR_COLS, anchorMatrix } from './anchor-data.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 350_000);
const VALIDATION = Math.floor(ROWS / 5);
const COLS = ANCHOR_COLS;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const THREADS = 2;

interface SideResult {
  side: string;
  seconds: number;
  /** CPU seconds of the fit, every thread: steadier than wall time on a busy machine. */
  cpuSeconds: number;
  valLoss: number;
  trainLoss: number;
  peakRssMb: number;
}

const SIDES: Record<string, () => BaseModel> = {
  xgboost: () =>
    new XGBoostModel({
      nEstimators: ROUNDS,
      maxDepth: 6,
      learningRate: 0.1,
      threads: THREADS,
      subsample: 1,
      colsampleBytree: 1,
      minChildWeight: 1,
      gamma: 0,
      regAlpha: 0,
      regLambda: 1,
      classWeights: 'none',
      earlyStoppingRounds: 0,
    }),
  'gbdt depthwise': () => new GbdtModel({ ...gbdtCommon(), growPolicy: 'depthwise', maxDepth: 6 }),
  'gbdt leafwise': () => new GbdtModel({ ...gbdtCommon(), growPolicy: 'leafwise', numLeaves: 63, maxDepth: 0, minDataInLeaf: 20 }),
  'gbdt symmetric': () => new GbdtModel({ ...gbdtCommon(), growPolicy: 'symmetric', maxDepth: 6 }),
};

function gbdtCommon(): Record<string, unknown> {
  // XGBoost's settings: min_child_weight 1, λ 1, no minimum row count, margins starting equal.
  return {
    nEstimators: ROUNDS,
    learningRate: 0.1,
    workers: THREADS,
    minDataInLeaf: 0,
    minSumHessianInLeaf: 1,
    regLambda: 1,
    classWeights: 'none',
    boostFromAverage: false,
    earlyStoppingRounds: 0,
  };
}

/** One side, in this (child) process: read the data, fit, report one JSON line. */
async function runSide(side: string, dir: string): Promise<void> {
  const x = new Float32Array((await readFile(join(dir, 'x.f32'))).buffer.slice(0));
  const y = new Uint8Array(await readFile(join(dir, 'y.u8')));
  const total = ROWS + VALIDATION;
  if (x.length !== total * COLS) throw new Error(`bench data has ${x.length} values, expected ${total * COLS}`);
  const train = { x: x.subarray(0, ROWS * COLS), rows: ROWS, shape: [COLS], y: y.subarray(0, ROWS) };
  const validation = { x: x.subarray(ROWS * COLS), rows: VALIDATION, shape: [COLS], y: y.subarray(ROWS) };
  const model = (SIDES[side] as () => BaseModel)();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const fit = await model.fit(train, { validation, restoreBest: false });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const last = fit.history.at(-1);
  const result: SideResult = {
    side,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    valLoss: last?.valLoss ?? Number.NaN,
    trainLoss: last?.trainLoss ?? Number.NaN,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  model.dispose();
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const sides = (process.env.BENCH_SIDES ?? 'xgboost,gbdt depthwise,gbdt leafwise').split(',').filter((s) => s in SIDES);
  if (!hasXGBoost()) {
    console.log('libxgboost not found: only the gbdt sides run (bash tools/scripts/setup-system.sh installs it)');
    sides.splice(sides.indexOf('xgboost'), 1);
  }
  console.log(
    `gbdt vs libxgboost hist: ${ROWS} × ${COLS} float32 train + ${VALIDATION} validation, 3 classes, depth 6, eta 0.1, ${ROUNDS} rounds, ${THREADS} threads`,
  );
  console.log(
    `load average (1, 5, 15 min) before the runs: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'tribar-gbdt-bench-'));
  const results: SideResult[] = [];
  try {
    const { x, y } = anchorMatrix(ROWS + VALIDATION);
    await writeFile(join(dir, 'x.f32'), x);
    await writeFile(join(dir, 'y.u8'), y);
    const self = fileURLToPath(import.meta.url);
    for (const side of sides) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--side', side, dir], {
        encoding: 'utf8',
        env: process.env,
        maxBuffer: 16 << 20,
      });
      if (run.status !== 0) throw new Error(`${side} failed:\n${run.stderr}`);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as SideResult;
      results.push(result);
      console.log(
        `${side}: ${result.seconds.toFixed(2)} s (${result.cpuSeconds.toFixed(2)} s CPU), final validation mlogloss ${result.valLoss.toFixed(6)}, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const reference = results.find((r) => r.side === 'xgboost');
  // Sides run one after another: a busy machine (other jobs) skews the ratio; the load says how busy it was.
  console.log(
    `\nload average (1, 5, 15 min) after the runs: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );
  console.log(
    '\n| side | seconds | ratio to libxgboost (goal ≤ 1.5×) | CPU seconds | CPU ratio | final val mlogloss | Δ loss vs libxgboost | peak RSS MB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const ratio = reference ? `${(r.seconds / reference.seconds).toFixed(2)}×` : '—';
    const cpuRatio = reference ? `${(r.cpuSeconds / reference.cpuSeconds).toFixed(2)}×` : '—';
    const delta = reference ? (r.valLoss - reference.valLoss).toFixed(6) : '—';
    console.log(
      `| ${r.side} | ${r.seconds.toFixed(2)} | ${ratio} | ${r.cpuSeconds.toFixed(2)} | ${cpuRatio} | ${r.valLoss.toFixed(6)} | ${delta} | ${r.peakRssMb.toFixed(0)} |`,
    );
  }
}

const sideAt = process.argv.indexOf('--side');
if (sideAt >= 0) await runSide(process.argv[sideAt + 1] as string, process.argv[sideAt + 2] as string);
else await main();
