import { z } from 'zod';
import { jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

// TODO(contract): exact shapes.
export const validationReport = jsonArtifact('validate/report.json', STAGE.validate, z.looseObject({}));
export const featureSelection = jsonArtifact('validate/feature-selection.json', STAGE.validate, z.looseObject({}));
