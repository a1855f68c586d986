import { writeArrowFile, writeJsonAtomic } from '@tribar/core';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond } from 'apache-arrow';
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

/** Add a train stage's output to a fixture run: the summary, and equity for the MES results only. */
export async function writeTrainOutputs(
  dir: string,
  summary: unknown = { version: 1, results: [XGB_MES, MLP_MES, XGB_MGC] },
): Promise<void> {
  await writeJsonAtomic(join(dir, 'train/summary.json'), summary);
  await writeArrowFile(join(dir, XGB_MES.dir, 'equity.arrow'), equityTable(2.5));
  await writeArrowFile(join(dir, MLP_MES.dir, 'equity.arrow'), equityTable(-1));
}
