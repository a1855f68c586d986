import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runState, trainSummary, writeJsonArtifact, type ClassificationMetricsEntry, type TrainResultEntry } from '@tribar/artifacts';

const scores = { precision: 0.5, recall: 0.5, f1: 0.5, support: 10 };
const metrics: ClassificationMetricsEntry = {
  rows: 30,
  accuracy: 0.5,
  macroF1: 0.45,
  weightedF1: 0.48,
  macroPrecision: 0.5,
  macroRecall: 0.5,
  logLoss: 1.02,
  perClass: { short: scores, neutral: scores, long: scores },
  confusion: [
    [5, 3, 2],
    [3, 5, 2],
    [2, 3, 5],
  ],
};

/** A completed run folder whose train stage saved one logistic model (no model files: predict is faked). */
export async function writeTrainedRun(runsDir: string, runId: string): Promise<string> {
  const runDir = join(runsDir, runId);
  mkdirSync(runDir, { recursive: true });
  const now = '2026-01-02T03:04:05.000Z';
  await writeJsonArtifact(runDir, runState, {
    stateVersion: 1,
    runId,
    createdAt: now,
    updatedAt: now,
    status: 'completed',
    configHash: 'abc',
    seed: 42,
    order: ['ingest', 'train'],
    stages: {
      ingest: { name: 'ingest', status: 'completed', durationMs: 12, metrics: { rows: 100 } },
      train: { name: 'train', status: 'completed', durationMs: 34 },
    },
  });
  const result: TrainResultEntry = {
    model: 'logistic',
    symbol: 'MES',
    horizon: 20,
    dir: 'train/logistic-MES-h20',
    backend: null,
    fit: { epochs: 10, bestEpoch: 7, stoppedEarly: true },
    rows: { train: 100, val: 30, test: 30 },
    val: metrics,
    test: metrics,
    backtest: {
      trades: 12,
      longTrades: 7,
      shortTrades: 5,
      skippedEntries: 0,
      winRate: 0.5,
      profitFactor: 1.1,
      totalUsd: 42.5,
      totalTicks: 34,
      avgTradeUsd: 3.54,
      costsUsd: 22.5,
      sharpe: 0.8,
      sortino: 1.1,
      calmar: 0.5,
      maxDrawdownUsd: 30,
      exposure: 0.4,
      psr: 0.6,
      dsr: 0.55,
      trials: 1,
      threshold: 0.5,
    },
    cv: null,
    hyperparameters: { l2: 1 },
  };
  await writeJsonArtifact(runDir, trainSummary, { version: 1, results: [result] });
  return runDir;
}
