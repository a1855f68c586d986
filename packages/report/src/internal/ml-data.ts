import {
  artifactPath,
  checkArrowColumns,
  PREDICTION_COLUMN,
  readJsonArtifactFile,
  trainImportance,
  trainMetrics,
  trainOof,
  trainPredictions,
  type ArrowArtifact,
  type CvSummaryEntry,
  type JsonArtifact,
  type TrainImportanceFile,
  type TrainMetricsFile,
} from '@tribar/artifacts';
import { float64Column, readArrowFile } from '@tribar/core';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { ModelResult } from './model-section.js';

/** A split's rows of `predictions.arrow` (or `oof.arrow`): true class, the three probabilities, the argmax. */
export interface SplitPredictions {
  label: Float64Array;
  proba: [Float64Array, Float64Array, Float64Array];
  predicted: Float64Array;
}

/** What the ML views read of one fit's folder; each part absent when its file is (with a warning when unreadable). */
export interface ResultFiles {
  model: string;
  symbol: string;
  horizon: number;
  /** Test rows (split 2) of `predictions.arrow`. */
  test?: SplitPredictions;
  metrics?: TrainMetricsFile;
  importance?: TrainImportanceFile;
  /** Every row of `oof.arrow` (train rows, out of fold). */
  oof?: SplitPredictions;
  /** The summary's purged k-fold CV of the fit, summarised; null without CV. */
  cv: { folds: number; macroF1Mean: number; macroF1Std: number; stability: string } | null;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** A fit's file in the folder the summary names (the artifact's own name). */
const inDir = (result: ModelResult, path: string) => posix.join(result.dir, posix.basename(path));

async function readPredictions(
  runDir: string,
  result: ModelResult,
  artifact: ArrowArtifact,
  split: number | undefined,
  warnings: string[],
): Promise<SplitPredictions | undefined> {
  const path = inDir(result, artifact.path);
  const file = artifactPath(runDir, path);
  if (!existsSync(file)) return undefined;
  try {
    const table = checkArrowColumns(artifact, await readArrowFile(file), file);
    const col = (name: string) => float64Column(table, name, file);
    const splits = col(PREDICTION_COLUMN.split);
    const keep: number[] = [];
    for (let i = 0; i < splits.length; i++) if (split === undefined || splits[i] === split) keep.push(i);
    const pick = (values: Float64Array) => Float64Array.from(keep, (i) => values[i] as number);
    return {
      label: pick(col(PREDICTION_COLUMN.label)),
      proba: [pick(col(PREDICTION_COLUMN.pShort)), pick(col(PREDICTION_COLUMN.pNeutral)), pick(col(PREDICTION_COLUMN.pLong))],
      predicted: pick(col(PREDICTION_COLUMN.predicted)),
    };
  } catch (error) {
    warnings.push(`${path} not readable (${reason(error)}).`);
    return undefined;
  }
}

async function readJson<T>(runDir: string, result: ModelResult, artifact: JsonArtifact<T>, warnings: string[]): Promise<T | undefined> {
  const path = inDir(result, artifact.path);
  const file = artifactPath(runDir, path);
  if (!existsSync(file)) return undefined;
  try {
    return await readJsonArtifactFile(file, artifact);
  } catch (error) {
    warnings.push(`${path} not readable (${reason(error)}).`);
    return undefined;
  }
}

/** Read one fit's predictions, metrics, importance and OOF files; problems are warnings. */
export async function readResultFiles(
  runDir: string,
  result: ModelResult,
  cv: CvSummaryEntry | null,
  warnings: string[],
): Promise<ResultFiles> {
  const { model, symbol, horizon } = result;
  const out: ResultFiles = {
    model,
    symbol,
    horizon,
    cv: cv ? { folds: cv.folds.length, macroF1Mean: cv.macroF1Mean, macroF1Std: cv.macroF1Std, stability: cv.stability } : null,
  };
  const test = await readPredictions(runDir, result, trainPredictions(model, symbol, horizon), 2, warnings);
  if (test) out.test = test;
  const metrics = await readJson(runDir, result, trainMetrics(model, symbol, horizon), warnings);
  if (metrics) out.metrics = metrics;
  const importance = await readJson(runDir, result, trainImportance(model, symbol, horizon), warnings);
  if (importance) out.importance = importance;
  const oof = await readPredictions(runDir, result, trainOof(model, symbol, horizon), undefined, warnings);
  if (oof) out.oof = oof;
  return out;
}
