import { z } from 'zod';
import { fileArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

export const reportHtml = fileArtifact('report/index.html', STAGE.report);
export const reportMarkdown = fileArtifact('report/report.md', STAGE.report);
// TODO(contract): exact shape.
export const reportJson = jsonArtifact('report/report.json', STAGE.report, z.looseObject({}));
