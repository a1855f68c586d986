import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

/** Folder of one fit's results: `train/<model>-<symbol>-h<h>/`. */
export const trainResultDir = (model: string, symbol: string, horizon: number) => `train/${model}-${symbol}-h${horizon}`;

// TODO(contract): exact shapes of metrics, history, predictions, equity and the summary.
export const trainMetrics = (model: string, symbol: string, horizon: number) =>
  jsonArtifact(`${trainResultDir(model, symbol, horizon)}/metrics.json`, STAGE.train, z.looseObject({}));
export const trainHistory = (model: string, symbol: string, horizon: number) =>
  jsonArtifact(`${trainResultDir(model, symbol, horizon)}/history.json`, STAGE.train, z.looseObject({}));
export const trainPredictions = (model: string, symbol: string, horizon: number) =>
  arrowArtifact(`${trainResultDir(model, symbol, horizon)}/predictions.arrow`, STAGE.train, []);
export const trainEquity = (model: string, symbol: string, horizon: number) =>
  arrowArtifact(`${trainResultDir(model, symbol, horizon)}/equity.arrow`, STAGE.train, []);
export const trainModelDir = (model: string, symbol: string, horizon: number) => `${trainResultDir(model, symbol, horizon)}/model`;
export const trainSummarySchema = z.looseObject({ version: z.literal(1) });
export type TrainSummaryFile = z.infer<typeof trainSummarySchema>;
export const trainSummary = jsonArtifact('train/summary.json', STAGE.train, trainSummarySchema);
