import { float64Column, readArrowFile } from '@tribar/core';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTrainSummary, type ModelResult } from './model-section.js';

/** Where the training stage leaves its summary, run-relative. */
export const TRAIN_SUMMARY = 'train/summary.json';

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
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function readEquity(runDir: string, result: ModelResult, warnings: string[]): Promise<ModelEquity | undefined> {
  const path = `${result.dir}/equity.arrow`;
  const file = join(runDir, path);
  if (!existsSync(file)) {
    warnings.push(`${path} not found: no equity curve for ${result.model} ${result.symbol} H${result.horizon}.`);
    return undefined;
  }
  try {
    const table = await readArrowFile(file);
    const timestamp = float64Column(table, 'timestamp', file);
    const equityUsd = float64Column(table, 'equity_usd', file);
    return { model: result.model, symbol: result.symbol, horizon: result.horizon, timestamp, equityUsd };
  } catch (error) {
    warnings.push(`${path} not readable (${reason(error)}): no equity curve for ${result.model} ${result.symbol} H${result.horizon}.`);
    return undefined;
  }
}

/**
 * Read `train/summary.json` and every result's `equity.arrow`. A run without the summary gives
 * `undefined` (no Models section); a malformed summary or equity file gives warnings, never an error.
 */
export async function loadTrainData(runDir: string): Promise<TrainData | undefined> {
  const file = join(runDir, TRAIN_SUMMARY);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return { results: [], warnings: [`${TRAIN_SUMMARY} is not readable JSON (${reason(error)}); no model results shown. Re-run the train stage.`], equity: [] };
  }
  const { results, warnings } = parseTrainSummary(parsed, TRAIN_SUMMARY);
  const equity: ModelEquity[] = [];
  for (const result of results) {
    const curve = await readEquity(runDir, result, warnings);
    if (curve) equity.push(curve);
    result.equityPoints = curve ? curve.equityUsd.length : null;
  }
  return { results, warnings, equity };
}
