import { artifactPath, EQUITY_COLUMN, readJsonArtifact, trainEquity, trainSummary, type TrainSummaryFile } from '@tribar/artifacts';
import { ArtifactError, float64Column, readArrowFile } from '@tribar/core';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { readResultFiles, type ResultFiles } from './ml-data.js';
import { modelResults, type ModelResult } from './model-section.js';
import { readTrades, type ModelTrades } from './tearsheet-data.js';

/** One result's equity curve on the test bars (`<dir>/equity.arrow`). */
export interface ModelEquity {
  model: string;
  symbol: string;
  horizon: number;
  /** UTC milliseconds. */
  timestamp: Float64Array;
  equityUsd: Float64Array;
}

/** What the report read of the training stage; `undefined` in `RunData` when the run has no `train/summary.json`. */
export interface TrainData {
  results: ModelResult[];
  warnings: string[];
  equity: ModelEquity[];
  /** Each result's `trades.arrow` (for the tearsheets); problems with it are in `tradeWarnings`, not the Models warnings. */
  trades: ModelTrades[];
  tradeWarnings: string[];
  /** Each result's predictions, metrics, importance and OOF files (for the ML views); problems in `fileWarnings`. */
  files: ResultFiles[];
  fileWarnings: string[];
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function readEquity(runDir: string, result: ModelResult, warnings: string[]): Promise<ModelEquity | undefined> {
  // The summary names each result's folder; the file in it is the trainer's equity artifact.
  const path = posix.join(result.dir, posix.basename(trainEquity(result.model, result.symbol, result.horizon).path));
  const file = artifactPath(runDir, path);
  if (!existsSync(file)) {
    warnings.push(`${path} not found: no equity curve for ${result.model} ${result.symbol} H${result.horizon}.`);
    return undefined;
  }
  try {
    const table = await readArrowFile(file);
    const timestamp = float64Column(table, EQUITY_COLUMN.timestamp, file);
    const equityUsd = float64Column(table, EQUITY_COLUMN.equityUsd, file);
    return { model: result.model, symbol: result.symbol, horizon: result.horizon, timestamp, equityUsd };
  } catch (error) {
    warnings.push(`${path} not readable (${reason(error)}): no equity curve for ${result.model} ${result.symbol} H${result.horizon}.`);
    return undefined;
  }
}

/**
 * Read `train/summary.json` and every result's `equity.arrow` and `trades.arrow`. A run without the summary gives
 * `undefined` (no Models section); a malformed summary or equity file gives warnings, never an error.
 */
export async function loadTrainData(runDir: string): Promise<TrainData | undefined> {
  if (!existsSync(artifactPath(runDir, trainSummary))) return undefined;
  let summary: TrainSummaryFile;
  try {
    summary = await readJsonArtifact(runDir, trainSummary);
  } catch (error) {
    // The contract's message without the absolute file name (the warning names the run-relative one).
    const problem = error instanceof ArtifactError ? error.message.slice(error.path.length + 2) : reason(error);
    const what = problem.startsWith('not valid JSON') ? 'is not readable JSON' : "does not match the trainer's contract";
    return {
      results: [],
      warnings: [`${trainSummary.path} ${what} (${problem}); no model results shown. Re-run the train stage.`],
      equity: [],
      trades: [],
      tradeWarnings: [],
      files: [],
      fileWarnings: [],
    };
  }
  const { results, warnings } = modelResults(summary, trainSummary.path);
  const equity: ModelEquity[] = [];
  for (const result of results) {
    const curve = await readEquity(runDir, result, warnings);
    if (curve) equity.push(curve);
    result.equityPoints = curve ? curve.equityUsd.length : null;
  }
  const trades: ModelTrades[] = [];
  const tradeWarnings: string[] = [];
  for (const result of results) {
    const list = await readTrades(runDir, result, tradeWarnings);
    if (list) trades.push(list);
  }
  const files: ResultFiles[] = [];
  const fileWarnings: string[] = [];
  for (const [i, result] of results.entries())
    files.push(await readResultFiles(runDir, result, summary.results[i]?.cv ?? null, fileWarnings));
  return { results, warnings, equity, trades, tradeWarnings, files, fileWarnings };
}
