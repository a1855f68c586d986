import { writeArrowFile, writeJsonAtomic } from '@tribar/core';
import {
  Field,
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
