import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { BAR_COLUMNS } from './bars.js';
import { STAGE } from './stages.js';

/** Label column names of horizon `h` in `labels/<symbol>.arrow`. */
// TODO(contract): every label-derived column's name as a function of h.
export const labelColumn = (horizon: number) => `label_h${horizon}`;

/** `labels-initial/<symbol>.arrow`: labels at the configured initial barriers (diagnostics). */
export const initialLabels = (symbol: string) => arrowArtifact(`labels-initial/${symbol}.arrow`, STAGE.labelsInitial, BAR_COLUMNS);
export const initialLabelsReport = jsonArtifact('labels-initial/report.json', STAGE.labelsInitial, z.looseObject({}));

/** `labels/<symbol>.arrow`: final labels at the GA's barriers, with quality and sample weights. */
export const labelBars = (symbol: string) => arrowArtifact(`labels/${symbol}.arrow`, STAGE.labelsFinal, BAR_COLUMNS);
// TODO(contract): the report's exact shape.
export const labelsReport = jsonArtifact('labels/report.json', STAGE.labelsFinal, z.looseObject({}));
