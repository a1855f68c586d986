import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { BAR_COLUMNS } from './bars.js';
import { STAGE } from './stages.js';

/** `ingest/<symbol>.arrow`: one symbol's bars as read and repaired, before cleaning. */
export const ingestBars = (symbol: string) => arrowArtifact(`ingest/${symbol}.arrow`, STAGE.ingest, BAR_COLUMNS);

// TODO(contract): the report's exact shape.
export const ingestReportSchema = z.looseObject({});
export type IngestReportFile = z.infer<typeof ingestReportSchema>;
export const ingestReport = jsonArtifact('ingest/ingest-report.json', STAGE.ingest, ingestReportSchema);

/** `clean/<symbol>.arrow`: one symbol's clean bars at the target bar length. */
export const cleanBars = (symbol: string) => arrowArtifact(`clean/${symbol}.arrow`, STAGE.clean, BAR_COLUMNS);

// TODO(contract): the report's exact shape.
export const cleanReportSchema = z.looseObject({});
export type CleanReportFile = z.infer<typeof cleanReportSchema>;
export const cleanReport = jsonArtifact('clean/clean-report.json', STAGE.clean, cleanReportSchema);
