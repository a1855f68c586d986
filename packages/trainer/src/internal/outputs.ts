import {
  BET_SIZE_COLUMN,
  EQUITY_COLUMN,
  PREDICTION_COLUMN,
  TRADE_COLUMN,
  writeArrowArtifact,
  type ArrowArtifact,
  type TradeExit,
  type TrainBacktestEntry,
} from '@tribar/artifacts';
import type { Dataset } from '@tribar/datasets';
import { argmaxClass, type LabeledInput, type Probabilities } from '@tribar/models';
import { UsageError } from '@tribar/core';
import {
  EXIT_DATA_END,
  EXIT_SIGNAL,
  EXIT_STOP,
  EXIT_TAKE_PROFIT,
  EXIT_TIMEOUT,
  summaryToJson,
  type BacktestResult,
  type CostSpec,
} from './backtest/index.js';
import {
  Float32,
  Float64,
  Int32,
  Int8,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  Uint8,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';

export interface PredictionPart {
  split: 'train' | 'val' | 'test';
  dataset: Dataset;
  /** The rows predicted (their count and true classes). */
  input: Pick<LabeledInput, 'rows' | 'y'>;
  proba: Probabilities;
}

const SPLIT_CODE = { train: 0, val: 1, test: 2 } as const;

/**
 * `predictions.arrow`: one row per predicted sample — timestamp, its row in the run's per-symbol
 * tables, split code, true class, the three probabilities and the predicted class (argmax, ties
 * to the lower class, as `predict` does). `artifact` is `trainPredictions(model, symbol, horizon)`.
 */
export async function writePredictions(runDir: string, artifact: ArrowArtifact, parts: readonly PredictionPart[]): Promise<void> {
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
    [PREDICTION_COLUMN.timestamp]: timestampVector(timestamp),
    [PREDICTION_COLUMN.row]: makeVector({ type: new Int32(), data: row }),
    [PREDICTION_COLUMN.split]: makeVector({ type: new Int8(), data: split }),
    [PREDICTION_COLUMN.label]: makeVector({ type: new Uint8(), data: label }),
    [PREDICTION_COLUMN.pShort]: makeVector({ type: new Float32(), data: probs[0] }),
    [PREDICTION_COLUMN.pNeutral]: makeVector({ type: new Float32(), data: probs[1] }),
    [PREDICTION_COLUMN.pLong]: makeVector({ type: new Float32(), data: probs[2] }),
    [PREDICTION_COLUMN.predicted]: makeVector({ type: new Uint8(), data: predicted }),
  });
  await writeArrowArtifact(runDir, artifact, table);
}

/**
 * `equity.arrow`: the backtest's equity in dollars per contract at each test bar's close.
 * `artifact` is `trainEquity(model, symbol, horizon)`.
 */
export async function writeEquity(
  runDir: string,
  artifact: ArrowArtifact,
  timestampMs: Float64Array,
  equityUsd: Float64Array,
): Promise<void> {
  const table = new Table({
    [EQUITY_COLUMN.timestamp]: timestampVector(timestampMs),
    [EQUITY_COLUMN.equityUsd]: makeVector({ type: new Float64(), data: equityUsd }),
  });
  await writeArrowArtifact(runDir, artifact, table);
}

/**
 * Which barrier or rule closed a trade, by price: a long's take-profit and a short's stop are the upper
 * barrier, a long's stop and a short's take-profit the lower one.
 */
export function tradeExit(reason: number, direction: number): TradeExit {
  switch (reason) {
    case EXIT_TAKE_PROFIT:
      return direction > 0 ? 'upper' : 'lower';
    case EXIT_STOP:
      return direction > 0 ? 'lower' : 'upper';
    case EXIT_TIMEOUT:
      return 'timeout';
    case EXIT_SIGNAL:
      return 'signal';
    case EXIT_DATA_END:
      return 'end';
    default:
      throw new UsageError(`unknown exit reason code ${reason}`, { hint: 'one of the EXIT_* codes of the backtest' });
  }
}

/**
 * `trades.arrow`: the backtest's closed trades in exit order — fill times (UTC ms, from the symbol's full
 * `timestampMs`), side, size (one contract), fill prices, net PnL in ticks and dollars, the round-trip costs,
 * duration and the barrier or rule that closed each. `artifact` is `trainTrades(model, symbol, horizon)`.
 */
export async function writeTrades(
  runDir: string,
  artifact: ArrowArtifact,
  result: BacktestResult,
  timestampMs: Float64Array,
  cost: CostSpec,
): Promise<void> {
  const log = result.trades;
  const n = log.count;
  const entryTime = new Float64Array(n);
  const exitTime = new Float64Array(n);
  const duration = new Float64Array(n);
  const costs = new Float64Array(n);
  for (let i = 0; i < n; i++) costs[i] = log.contracts[i]! * cost.roundTripTicks * cost.tickValue;
  const exits: TradeExit[] = [];
  for (let i = 0; i < n; i++) {
    entryTime[i] = timestampMs[log.entryRow[i]!]!;
    exitTime[i] = timestampMs[log.exitRow[i]!]!;
    duration[i] = exitTime[i]! - entryTime[i]!;
    exits.push(tradeExit(log.reason[i]!, log.direction[i]!));
  }
  const table = new Table({
    [TRADE_COLUMN.entryTime]: timestampVector(entryTime),
    [TRADE_COLUMN.exitTime]: timestampVector(exitTime),
    [TRADE_COLUMN.side]: makeVector({ type: new Int8(), data: log.direction }),
    [TRADE_COLUMN.size]: makeVector({ type: new Int32(), data: log.contracts }),
    [TRADE_COLUMN.entryPrice]: makeVector({ type: new Float64(), data: log.entryPrice }),
    [TRADE_COLUMN.exitPrice]: makeVector({ type: new Float64(), data: log.exitPrice }),
    [TRADE_COLUMN.pnlTicks]: makeVector({ type: new Float64(), data: log.ticks }),
    [TRADE_COLUMN.pnlUsd]: makeVector({ type: new Float64(), data: log.usd }),
    [TRADE_COLUMN.costsUsd]: makeVector({ type: new Float64(), data: costs }),
    [TRADE_COLUMN.durationMs]: makeVector({ type: new Float64(), data: duration }),
    [TRADE_COLUMN.barsHeld]: makeVector({ type: new Int32(), data: log.barsHeld }),
    [TRADE_COLUMN.exit]: vectorFromArray(exits, new Utf8()),
  });
  await writeArrowArtifact(runDir, artifact, table);
}

function timestampVector(ms: Float64Array) {
  const type = new TimestampMillisecond('UTC');
  const values = new BigInt64Array(ms.length);
  for (let i = 0; i < ms.length; i++) values[i] = BigInt(Math.round(ms[i]!));
  return makeVector(makeData({ type, length: ms.length, data: values }));
}

/** The backtest figures a training result records (`train/summary.json`): non-finite numbers (no trades, no losses) become null. */
export type TrainBacktest = TrainBacktestEntry;

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

/** `bet-sizes.arrow`: the signed contracts of each test row (see `trainBetSizes`). */
export async function writeBetSizes(
  runDir: string,
  artifact: ArrowArtifact,
  dataset: { timestampMs: Float64Array; rowIndex: Int32Array },
  contracts: Int32Array,
): Promise<void> {
  const table = new Table({
    [BET_SIZE_COLUMN.timestamp]: timestampVector(dataset.timestampMs),
    [BET_SIZE_COLUMN.row]: makeVector({ type: new Int32(), data: dataset.rowIndex }),
    [BET_SIZE_COLUMN.contracts]: makeVector({ type: new Int32(), data: contracts }),
  });
  await writeArrowArtifact(runDir, artifact, table);
}
