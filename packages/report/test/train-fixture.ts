import { readFile } from 'node:fs/promises';
import { writeArrowFile, writeJsonAtomic } from '@tribar/core';
import {
  Field,
  Float32,
  Float64,
  Int32,
  Int8,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Uint8,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { join } from 'node:path';

/** The fixture run's bars: 5-minute bars from 2026-01-05 14:00 UTC (see fixture.ts). */
const START = Date.UTC(2026, 0, 5, 14, 0);
const STEP = 5 * 60_000;
/** Test rows of the fixture at H20: 245–291 (47 bars). */
const TEST_FROM = 245;
export const TEST_BARS = 47;

const perClass = (precision: number, recall: number, f1: number, support: number) => ({ precision, recall, f1, support });

/** The brief's example result: xgboost on MES at H20. Test confusion rows sum to 500 + 1,200 + 1,100 = 2,800. */
export const XGB_MES = {
  model: 'xgboost',
  symbol: 'MES',
  horizon: 20,
  dir: 'train/xgboost-MES-h20',
  backend: null,
  fit: { epochs: 120, bestEpoch: 70, stoppedEarly: true },
  rows: { train: 9000, val: 1600, test: 2800 },
  val: {
    rows: 1600,
    accuracy: 0.43,
    macroF1: 0.41,
    weightedF1: 0.42,
    macroPrecision: 0.42,
    macroRecall: 0.41,
    logLoss: 1.05,
    perClass: { short: perClass(0.4, 0.5, 0.44, 300), neutral: perClass(0.5, 0.6, 0.55, 700), long: perClass(0.45, 0.4, 0.42, 600) },
    confusion: [
      [150, 100, 50],
      [140, 420, 140],
      [120, 240, 240],
    ],
  },
  test: {
    rows: 2800,
    accuracy: 0.41,
    macroF1: 0.39,
    weightedF1: 0.4,
    macroPrecision: 0.4,
    macroRecall: 0.4,
    logLoss: 1.07,
    perClass: { short: perClass(0.4, 0.5, 0.44, 500), neutral: perClass(0.45, 0.75, 0.56, 1200), long: perClass(0.78, 0.73, 0.75, 1100) },
    confusion: [
      [300, 120, 80],
      [150, 900, 150],
      [100, 200, 800],
    ],
  },
  backtest: {
    trades: 150,
    longTrades: 80,
    shortTrades: 70,
    skippedEntries: 4,
    winRate: 0.52,
    profitFactor: 1.1,
    totalUsd: 420.5,
    totalTicks: 336.4,
    avgTradeUsd: 2.8,
    costsUsd: 281.25,
    sharpe: 0.9,
    sortino: 1.3,
    calmar: 2.1,
    maxDrawdownUsd: 210.0,
    exposure: 0.35,
    psr: 0.71,
    dsr: 0.55,
    trials: 3,
    threshold: 0.5,
  },
  cv: null,
  hyperparameters: { nEstimators: 120, maxDepth: 4 },
};

/** A neural model on the same series: wasm backend, no losing trade (profit factor null). */
export const MLP_MES = {
  ...XGB_MES,
  model: 'mlp',
  dir: 'train/mlp-MES-h20',
  backend: 'wasm',
  fit: { epochs: 40, bestEpoch: 40, stoppedEarly: false },
  backtest: { ...XGB_MES.backtest, trades: 12, winRate: 1, profitFactor: null, totalUsd: 96.25, maxDrawdownUsd: 0 },
};

/** A result whose equity file the test leaves out. */
const XGB_MGC = { ...XGB_MES, symbol: 'MGC', horizon: 5, dir: 'train/xgboost-MGC-h5' };

/** Equity `i × step` USD on the test bars (the trainer's layout: UTC ms timestamp + float64). */
function equityTable(step: number, bars = TEST_BARS): Table {
  const millis = new BigInt64Array(bars);
  const equity = new Float64Array(bars);
  for (let i = 0; i < bars; i++) {
    millis[i] = BigInt(START + (TEST_FROM + i) * STEP);
    equity[i] = i * step;
  }
  const fields = [new Field('timestamp', new TimestampMillisecond('UTC'), false), new Field('equity_usd', new Float64(), false)];
  const children = [
    makeData({ type: new TimestampMillisecond('UTC'), length: bars, data: millis }),
    makeData({ type: new Float64(), length: bars, data: equity }),
  ];
  const data = makeData({ type: new Struct(fields), length: bars, nullCount: 0, children: children as never });
  return new Table([new RecordBatch(new Schema(fields), data)]);
}

/** One fixture trade as `trades.arrow` holds it (the fixture's MES: tick 0.25, $1.25 a tick, 1.5 ticks round trip). */
export interface FixtureTrade {
  entryBar: number;
  exitBar: number;
  side: 1 | -1;
  entryPrice: number;
  exitPrice: number;
  exit: string;
}

/** Test bar `i`'s time (UTC ms). */
export const testBarTime = (i: number) => START + (TEST_FROM + i) * STEP;

/** `count` trades of one bar each on test bars 2k → 2k + 1, alternating long and short, moving −1, 0, +1 points. */
export function fixtureTrades(count: number): FixtureTrade[] {
  const exits = ['upper', 'lower', 'timeout', 'signal', 'end'];
  return Array.from({ length: count }, (_, k) => {
    const entryPrice = 5000 + k;
    return {
      entryBar: 2 * k,
      exitBar: 2 * k + 1,
      side: k % 2 === 0 ? 1 : -1,
      entryPrice,
      exitPrice: entryPrice + ((k % 3) - 1),
      exit: exits[k % exits.length] as string,
    };
  });
}

/** The trainer's `trades.arrow` layout for `trades`. */
function tradesTable(trades: readonly FixtureTrade[]): Table {
  const n = trades.length;
  const time = (bars: number[]) =>
    makeVector(
      makeData({ type: new TimestampMillisecond('UTC'), length: n, data: BigInt64Array.from(bars, (b) => BigInt(testBarTime(b))) }),
    );
  const f64 = (values: number[]) => makeVector({ type: new Float64(), data: Float64Array.from(values) });
  const ticks = trades.map((t) => (t.side * (t.exitPrice - t.entryPrice)) / 0.25 - 1.5);
  return new Table({
    entry_time: time(trades.map((t) => t.entryBar)),
    exit_time: time(trades.map((t) => t.exitBar)),
    side: makeVector({ type: new Int8(), data: Int8Array.from(trades, (t) => t.side) }),
    size: makeVector({ type: new Int32(), data: new Int32Array(n).fill(1) }),
    entry_price: f64(trades.map((t) => t.entryPrice)),
    exit_price: f64(trades.map((t) => t.exitPrice)),
    pnl_ticks: f64(ticks),
    pnl_usd: f64(ticks.map((t) => t * 1.25)),
    costs_usd: f64(trades.map(() => 1.875)),
    duration_ms: f64(trades.map((t) => (t.exitBar - t.entryBar) * STEP)),
    bars_held: makeVector({ type: new Int32(), data: Int32Array.from(trades, (t) => t.exitBar - t.entryBar) }),
    exit: vectorFromArray(
      trades.map((t) => t.exit),
      new Utf8(),
    ),
  });
}

/** Add a train stage's output to a fixture run: the summary, and equity for the MES results only. */
export async function writeTrainOutputs(
  dir: string,
  summary: unknown = { version: 1, results: [XGB_MES, MLP_MES, XGB_MGC] },
): Promise<void> {
  await writeJsonAtomic(join(dir, 'train/summary.json'), summary);
  await writeArrowFile(join(dir, XGB_MES.dir, 'equity.arrow'), equityTable(2.5));
  await writeArrowFile(join(dir, MLP_MES.dir, 'equity.arrow'), equityTable(-1));
  // Trade lists for the tearsheets: xgboost 20 trades, mlp 3 (MGC has no equity curve, so no tearsheet either).
  await writeArrowFile(join(dir, XGB_MES.dir, 'trades.arrow'), tradesTable(fixtureTrades(20)));
  await writeArrowFile(join(dir, MLP_MES.dir, 'trades.arrow'), tradesTable(fixtureTrades(3)));
}

/**
 * XGB_MES's test predictions: test bar i has true class i % 3; the true class gets 0.5 + 0.01·(i % 5), the
 * next class the rest but 0.1, the third 0.1 — except every 4th bar, where the next class wins (0.6). Two val
 * rows (split 1) come first: the ML views must skip them.
 */
export function fixturePredictions(): { label: number[]; proba: number[][]; predicted: number[]; split: number[] } {
  const label: number[] = [];
  const proba: number[][] = [];
  const predicted: number[] = [];
  const split: number[] = [];
  for (let i = -2; i < TEST_BARS; i++) {
    const t = ((i % 3) + 3) % 3;
    const p = [0.1, 0.1, 0.1];
    if (i % 4 === 0) {
      p[t] = 0.3;
      p[(t + 1) % 3] = 0.6;
    } else {
      p[t] = 0.5 + 0.01 * (((i % 5) + 5) % 5);
      p[(t + 1) % 3] = 0.9 - (p[t] as number);
    }
    label.push(t);
    proba.push(p);
    predicted.push(p.indexOf(Math.max(...p)));
    split.push(i < 0 ? 1 : 2);
  }
  return { label, proba, predicted, split };
}

function predictionsTable(): Table {
  const { label, proba, predicted, split } = fixturePredictions();
  const n = label.length;
  const time = makeVector(
    makeData({
      type: new TimestampMillisecond('UTC'),
      length: n,
      data: BigInt64Array.from(split, (_, k) => BigInt(testBarTime(k - 2))),
    }),
  );
  const f32 = (c: number) => makeVector({ type: new Float32(), data: Float32Array.from(proba, (p) => p[c] as number) });
  return new Table({
    timestamp: time,
    row: makeVector({ type: new Int32(), data: Int32Array.from(split, (_, k) => TEST_FROM - 2 + k) }),
    split: makeVector({ type: new Int8(), data: Int8Array.from(split) }),
    label: makeVector({ type: new Uint8(), data: Uint8Array.from(label) }),
    p_short: f32(0),
    p_neutral: f32(1),
    p_long: f32(2),
    predicted: makeVector({ type: new Uint8(), data: Uint8Array.from(predicted) }),
  });
}

const bins = (accuracy: number) =>
  Array.from({ length: 10 }, (_, b) => ({
    lower: b / 10,
    upper: (b + 1) / 10,
    rows: b >= 4 && b <= 6 ? 10 : 0,
    confidence: b >= 4 && b <= 6 ? b / 10 + 0.05 : null,
    accuracy: b >= 4 && b <= 6 ? accuracy + b / 100 : null,
  }));
const report = (brier: number, ece: number, accuracy: number) => ({ rows: TEST_BARS, brier, ece, reliability: bins(accuracy) });

/** XGB_MES's metrics.json: calibrated (isotonic), sized and meta-labeled, with the family's own importance. */
const XGB_MES_METRICS = {
  ...XGB_MES,
  runtime: { backend: 'cpu' },
  featureImportance: { rsi_14: 0.4, sma_10: 0.35, atr_14: 0.25 },
  calibration: {
    method: 'isotonic',
    calibrator: {},
    val: { before: report(0.61, 0.08, 0.4), after: report(0.58, 0.03, 0.45) },
    test: { before: report(0.62, 0.09, 0.38), after: report(0.6, 0.04, 0.43) },
  },
  betSizing: { method: 'probability', maxContracts: 3, step: 0.25, averageActive: true, signals: 30, meanContracts: 1.6 },
  metaLabeling: { secondary: 'logistic', threshold: 0.55, valSamples: 400, valProfitableShare: 0.46, testSides: 40, testActed: 25 },
};

/** XGB_MES's importance.json: MDA and SFI under purged folds (no MDI). */
const XGB_MES_IMPORTANCE = {
  folds: 5,
  embargo: 5,
  mda: [
    { feature: 'sma_10', mean: 0.02, stdError: 0.005 },
    { feature: 'rsi_14', mean: 0.05, stdError: 0.01 },
    { feature: 'atr_14', mean: -0.01, stdError: 0.004 },
  ],
  sfi: [
    { feature: 'rsi_14', mean: 0.52, stdError: 0.02 },
    { feature: 'sma_10', mean: 0.5, stdError: 0.02 },
  ],
  mdi: null,
};

/**
 * The ML views' files of XGB_MES (predictions, metrics, importance) and a labels report entry for MES H20
 * (kUp 2, kDown 1.5, maxBars 24) so the tearsheet's week chart draws barriers.
 */
export async function writeDiagnosticOutputs(dir: string): Promise<void> {
  await writeArrowFile(join(dir, XGB_MES.dir, 'predictions.arrow'), predictionsTable());
  await writeJsonAtomic(join(dir, XGB_MES.dir, 'metrics.json'), XGB_MES_METRICS);
  await writeJsonAtomic(join(dir, XGB_MES.dir, 'importance.json'), XGB_MES_IMPORTANCE);
  const labels = JSON.parse(await readFile(join(dir, 'labels/report.json'), 'utf8')) as {
    symbols: Record<string, Record<string, unknown>>;
  };
  const mix = {
    rows: 300,
    valid: 290,
    invalid: 10,
    long: 100,
    short: 90,
    neutral: 100,
    longShare: 0.345,
    shortShare: 0.31,
    neutralShare: 0.345,
  };
  labels.symbols['MES'] = {
    ...labels.symbols['MES'],
    '20': {
      params: { kUp: 2, kDown: 1.5, maxBars: 24 },
      source: 'ga',
      costPrice: 0.375,
      mix: { all: mix, train: mix },
      quality: {
        mean: 0.5,
        scales: { mae: 1, mfe: 1, painToGain: 1, timeWeightedDd: 1 },
        tierCuts: { low: 0.3, high: 0.7 },
        weightCounts: { low: 90, mid: 100, high: 100, zero: 10 },
        percentileRows: 180,
      },
    },
  };
  await writeJsonAtomic(join(dir, 'labels/report.json'), labels);
}
