import { writeArrowFile } from '@tribar/core';
import type { Dataset } from '@tribar/datasets';
import { argmaxClass, type LabeledInput, type Probabilities } from '@tribar/models';
import { summaryToJson, type BacktestResult } from './backtest/index.js';
import { Float32, Float64, Int32, Int8, makeData, makeVector, Table, TimestampMillisecond, Uint8 } from 'apache-arrow';

export interface PredictionPart {
  split: 'train' | 'val' | 'test';
  dataset: Dataset;
  input: LabeledInput;
  proba: Probabilities;
}

const SPLIT_CODE = { train: 0, val: 1, test: 2 } as const;

/**
 * `predictions.arrow`: one row per predicted sample — timestamp, its row in the run's per-symbol
 * tables, split code, true class, the three probabilities and the predicted class (argmax, ties
 * to the lower class, as `predict` does).
 */
export async function writePredictions(path: string, parts: readonly PredictionPart[]): Promise<void> {
  const n = parts.reduce((a, p) => a + p.input.rows, 0);
  const timestamp = new Float64Array(n);
  const row = new Int32Array(n);
  const split = new Int8Array(n);
  const label = new Uint8Array(n);
  const probs = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
  const predicted = new Uint8Array(n);
  let at = 0;
  for (const part of parts) {
    const { p } = part.proba;
    for (let i = 0; i < part.input.rows; i++, at++) {
      timestamp[at] = part.dataset.timestampMs[i]!;
      row[at] = part.dataset.rowIndex[i]!;
      split[at] = SPLIT_CODE[part.split];
      label[at] = part.input.y[i]!;
      for (let c = 0; c < 3; c++) probs[c]![at] = p[i * 3 + c]!;
      predicted[at] = argmaxClass(p, i);
    }
  }
  const table = new Table({
    timestamp: timestampVector(timestamp),
    row: makeVector({ type: new Int32(), data: row }),
    split: makeVector({ type: new Int8(), data: split }),
    label: makeVector({ type: new Uint8(), data: label }),
    p_short: makeVector({ type: new Float32(), data: probs[0] }),
    p_neutral: makeVector({ type: new Float32(), data: probs[1] }),
    p_long: makeVector({ type: new Float32(), data: probs[2] }),
    predicted: makeVector({ type: new Uint8(), data: predicted }),
  });
  await writeArrowFile(path, table);
}

/** `equity.arrow`: the backtest's equity in dollars per contract at each test bar's close. */
export async function writeEquity(path: string, timestampMs: Float64Array, equityUsd: Float64Array): Promise<void> {
  const table = new Table({
    timestamp: timestampVector(timestampMs),
    equity_usd: makeVector({ type: new Float64(), data: equityUsd }),
  });
  await writeArrowFile(path, table);
}

function timestampVector(ms: Float64Array) {
  const type = new TimestampMillisecond('UTC');
  const values = new BigInt64Array(ms.length);
  for (let i = 0; i < ms.length; i++) values[i] = BigInt(Math.round(ms[i]!));
  return makeVector(makeData({ type, length: ms.length, data: values }));
}

/** The backtest figures a training result records: non-finite numbers (no trades, no losses) become null. */
export interface TrainBacktest {
  trades: number;
  longTrades: number;
  shortTrades: number;
  skippedEntries: number;
  winRate: number | null;
  /** null when there was no losing trade. */
  profitFactor: number | null;
  totalUsd: number;
  totalTicks: number;
  avgTradeUsd: number | null;
  costsUsd: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdownUsd: number;
  exposure: number;
  psr: number | null;
  dsr: number | null;
  trials: number;
  threshold: number;
}

export function backtestSummary(result: BacktestResult, threshold: number): TrainBacktest {
  const s = summaryToJson(result.summary);
  const num = (key: keyof BacktestResult['summary']) => s[key] ?? 0;
  return {
    trades: num('trades'),
    longTrades: num('longTrades'),
    shortTrades: num('shortTrades'),
    skippedEntries: num('skippedEntries'),
    winRate: s['winRate'] ?? null,
    profitFactor: s['profitFactor'] ?? null,
    totalUsd: num('totalUsd'),
    totalTicks: num('totalTicks'),
    avgTradeUsd: s['avgTradeUsd'] ?? null,
    costsUsd: num('costsUsd'),
    sharpe: s['sharpe'] ?? null,
    sortino: s['sortino'] ?? null,
    calmar: s['calmar'] ?? null,
    maxDrawdownUsd: num('maxDrawdownUsd'),
    exposure: num('exposure'),
    psr: s['psr'] ?? null,
    dsr: s['dsr'] ?? null,
    trials: num('trials'),
    threshold,
  };
}
