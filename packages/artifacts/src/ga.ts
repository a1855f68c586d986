import { z } from 'zod';
import { fileArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

// TODO(contract): exact shapes of one search's result and of the summary.
export const gaResultSchema = z.looseObject({});
export const gaResult = (symbol: string, horizon: number) => jsonArtifact(`ga-optimize/${symbol}_h${horizon}.json`, STAGE.gaOptimize, gaResultSchema);
export const gaChart = (symbol: string, horizon: number) => fileArtifact(`ga-optimize/${symbol}_h${horizon}.svg`, STAGE.gaOptimize);
export const gaSummarySchema = z.looseObject({});
export type GaSummaryFile = z.infer<typeof gaSummarySchema>;
export const gaSummary = jsonArtifact('ga-optimize/summary.json', STAGE.gaOptimize, gaSummarySchema);
