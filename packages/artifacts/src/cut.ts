import { calendarCuts, type SplitRatios } from '@tribar/market';
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

/**
 * The value of `cut/cut.json` for these clean bar times (one array per symbol, in the run's
 * symbol order): `calendarCuts` over all of them, pooled. Stage `cut` writes exactly this; tests
 * that run a later stage alone write it as their fixture, so the two can never drift apart.
 */
export function cutFileOf(timesBySymbol: Readonly<Record<string, Float64Array>>, ratios: SplitRatios): CutFile {
  const cuts = calendarCuts(Object.values(timesBySymbol), ratios);
  return {
    version: 1,
    trainEndMs: cuts.trainEnd,
    trainEnd: new Date(cuts.trainEnd).toISOString(),
    valEndMs: cuts.valEnd,
    valEnd: new Date(cuts.valEnd).toISOString(),
    ratios: { train: ratios.train, val: ratios.val, test: ratios.test },
    bars: Object.fromEntries(Object.entries(timesBySymbol).map(([symbol, times]) => [symbol, times.length])),
  };
}
