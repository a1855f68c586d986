import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

export const scaledBars = (symbol: string) => arrowArtifact(`scale/${symbol}.arrow`, STAGE.scale, [{ name: 'timestamp', type: 'timestamp' }]);
// TODO(contract): the fitted scaler's exact shape.
export const scalerStateSchema = z.looseObject({});
export const scalerState = jsonArtifact('scale/scaler.json', STAGE.scale, scalerStateSchema);
export const scaleReport = jsonArtifact('scale/report.json', STAGE.scale, z.looseObject({}));
