import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

/** Split column of horizon `h` in `splits/<symbol>.arrow`. */
// TODO(contract): split codes and column names.
export const splitColumn = (horizon: number) => `split_h${horizon}`;
export const splitBars = (symbol: string) => arrowArtifact(`splits/${symbol}.arrow`, STAGE.splits, [{ name: 'timestamp', type: 'timestamp' }]);
// TODO(contract): split.json's exact shape (one parser: this one).
export const splitSummarySchema = z.looseObject({});
export type SplitSummaryFile = z.infer<typeof splitSummarySchema>;
export const splitSummary = jsonArtifact('splits/split.json', STAGE.splits, splitSummarySchema);
