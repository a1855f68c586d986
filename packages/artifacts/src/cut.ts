import { z } from 'zod';
import { jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

/**
 * `cut/cut.json`: THE calendar cut into train, validation and test, made once by stage `cut` from
 * the clean bars of every symbol and read by every stage that needs "the train part".
 */
export const cutSchema = z.object({
  version: z.literal(1),
  /** First instant of validation (UTC ms): bars with timestamp < trainEndMs are train. */
  trainEndMs: z.number().finite(),
  trainEnd: z.string(),
  /** First instant of test (UTC ms). */
  valEndMs: z.number().finite(),
  valEnd: z.string(),
  ratios: z.object({ train: z.number(), val: z.number(), test: z.number() }),
  /** Bars per symbol the cut was computed from. */
  bars: z.record(z.string(), z.number().int().nonnegative()),
});
export type CutFile = z.infer<typeof cutSchema>;
export const cut = jsonArtifact('cut/cut.json', STAGE.cut, cutSchema);
