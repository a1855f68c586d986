import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

/** Split codes of `splits/<S>.arrow` (`split_h{h}`, int8), one per bar and horizon. */
export const SPLIT_TRAIN = 0;
export const SPLIT_VAL = 1;
export const SPLIT_TEST = 2;
/** The label window reaches into the next split, or the bar sits within `purgeBars` before a boundary. */
export const SPLIT_PURGED = -1;
/** Within the embargo after a boundary. */
export const SPLIT_EMBARGOED = -2;
/** Label −99 (no full look-ahead window, or an invalid double touch): never used by any split. */
export const SPLIT_INVALID = -3;

/** Each split code's name, as `split.json` → `codes` lists them. */
export const SPLIT_CODE_NAMES: Readonly<Record<number, string>> = {
  [SPLIT_TRAIN]: 'train',
  [SPLIT_VAL]: 'val',
  [SPLIT_TEST]: 'test',
  [SPLIT_PURGED]: 'purged',
  [SPLIT_EMBARGOED]: 'embargoed',
  [SPLIT_INVALID]: 'invalid',
};

/** Split column of horizon `h` in `splits/<S>.arrow`: int8 split codes. */
export const splitColumn = (horizon: number) => `split_h${horizon}`;

/** `splits/<S>.arrow`: `timestamp` then one int8 `split_h{h}` per horizon, symbol in the schema metadata. */
export const splitBars = (symbol: string) =>
  arrowArtifact(`splits/${symbol}.arrow`, STAGE.splits, [{ name: 'timestamp', type: 'timestamp' }]);

const count = z.number().int().nonnegative();
const isoOrNull = z.string().nullable();
const byPart = z.object({ train: z.number(), val: z.number(), test: z.number() });

/** One symbol and horizon in `split.json` → `symbols`: counts per code and first/last kept bar per split. */
export const horizonSplitSummarySchema = z.object({
  train: count,
  val: count,
  test: count,
  purged: count,
  embargoed: count,
  invalid: count,
  trainStart: isoOrNull,
  trainEndActual: isoOrNull,
  valStart: isoOrNull,
  valEndActual: isoOrNull,
  testStart: isoOrNull,
  testEndActual: isoOrNull,
  /** Latest label end among train (val) bars: before trainEnd (valEnd) by construction, recorded as proof. */
  maxTrainLabelEnd: isoOrNull,
  maxValLabelEnd: isoOrNull,
});
export type HorizonSplitSummary = z.infer<typeof horizonSplitSummarySchema>;

/** Each symbol's share of every split's usable rows, per symbol then horizon. */
export const splitSharesSchema = z.record(z.string(), z.record(z.string(), byPart));
export type SplitShares = z.infer<typeof splitSharesSchema>;

/** `splits/split.json`: the cut the codes were made with, the purge/embargo rules, counts and shares. */
export const splitSummarySchema = z.object({
  trainEnd: z.string(),
  trainEndMs: z.number().finite(),
  valEnd: z.string(),
  valEndMs: z.number().finite(),
  ratios: byPart,
  purgeBars: count,
  embargoBars: count,
  horizons: z.array(z.number().int().positive()),
  codes: z.record(z.string(), z.string()),
  purgeRule: z.string(),
  embargoRule: z.string(),
  /** Per symbol, per horizon (as a string key). */
  symbols: z.record(z.string(), z.record(z.string(), horizonSplitSummarySchema)),
  checks: z.object({ minSymbolShare: z.number(), shares: splitSharesSchema, passed: z.literal(true) }),
});
export type SplitSummaryFile = z.infer<typeof splitSummarySchema>;
export const splitSummary = jsonArtifact('splits/split.json', STAGE.splits, splitSummarySchema);
