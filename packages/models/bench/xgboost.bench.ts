// Benchmark: XGBoost hist on the performance-anchor matrix (350,000 × 100 standard-normal float32,
// z = Σ_{j<10} w_j·x_j + N(0, 1) with w evenly 1.0 → 0.1, classes by terciles), 3 classes, depth 6,
// eta 0.1, 200 rounds, 2 threads, no subsampling, no early stopping. Anchor: Python xgboost 1.7.4
// 70.2 s, final train mlogloss 0.553379; goal: our FFI training within 1.3× of Python run side by side.
// Run with `npm run bench -- xgboost` from packages/models. BENCH_ROWS / BENCH_ROUNDS shrink it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XGBoostModel } from '../src/internal/xgboost/index.js';
import { ANCHOR_COLS, anchorMatrix } from './anchor-data.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 350_000);
const COLS = ANCHOR_COLS;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const THREADS = 2;
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

const { x, y } = anchorMatrix(ROWS);
console.log(`XGBoost hist, ${ROWS} × ${COLS} float32, 3 classes, depth 6, eta 0.1, ${ROUNDS} rounds, ${THREADS} threads`);

const model = new XGBoostModel({
  nEstimators: ROUNDS,
  maxDepth: 6,
  learningRate: 0.1,
  threads: THREADS,
  // XGBoost's own defaults, as the anchor ran: no sampling, no extra regularisation, no class weights.
  subsample: 1,
  colsampleBytree: 1,
  minChildWeight: 1,
  gamma: 0,
  regAlpha: 0,
  regLambda: 1,
  classWeights: 'none',
  earlyStoppingRounds: 0,
});
const started = performance.now();
const result = await model.fit({ x, rows: ROWS, shape: [COLS], y });
const oursSeconds = (performance.now() - started) / 1000;
const oursLoss = result.history.at(-1)?.trainLoss ?? Number.NaN;
const firstRoundMs = result.history[0]?.elapsedMs ?? 0;
const lastRoundMs = result.history.at(-1)?.elapsedMs ?? 0;
model.dispose();
console.log(
  `tribar (koffi FFI, worker thread): ${oursSeconds.toFixed(2)} s total, ${((lastRoundMs - firstRoundMs) / 1000).toFixed(2)} s rounds 2..${ROUNDS}, ` +
    `final train mlogloss ${oursLoss.toFixed(6)} (xgboost ${result.runtime.xgboostVersion})`,
);

const check = spawnSync(PYTHON, ['-c', 'import xgboost, numpy'], { encoding: 'utf8' });
if (check.status !== 0) {
  console.log(`python reference skipped: ${PYTHON} lacks xgboost/numpy (bash tools/scripts/setup-system.sh installs python3-xgboost)`);
} else {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-xgb-bench-'));
  try {
    await writeFile(join(dir, 'x.f32'), x);
    await writeFile(join(dir, 'y.u8'), y);
    const script = fileURLToPath(new URL('./xgboost_reference.py', import.meta.url));
    const args = [script, join(dir, 'x.f32'), join(dir, 'y.u8'), String(ROWS), String(COLS), String(ROUNDS), String(THREADS)];
    const run = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (run.status !== 0) throw new Error(`python reference failed:\n${run.stderr}`);
    const reference = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as {
      xgboost: string;
      seconds: number;
      train_seconds: number;
      final_train_mlogloss: number;
    };
    console.log(
      `python xgboost ${reference.xgboost}: ${reference.seconds.toFixed(2)} s total (DMatrix + train), ${reference.train_seconds.toFixed(2)} s train, ` +
        `final train mlogloss ${reference.final_train_mlogloss.toFixed(6)}`,
    );
    console.log(
      `ratio tribar / python: ${(oursSeconds / reference.seconds).toFixed(3)}× (goal ≤ 1.3×); anchor 70.2 s, mlogloss 0.553379 at full size`,
    );
    console.log(`|Δ final mlogloss|: ${Math.abs(oursLoss - reference.final_train_mlogloss).toExponential(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
