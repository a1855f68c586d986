import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { BAR_COLUMNS } from './bars.js';
import { STAGE } from './stages.js';

/** `ingest/<symbol>.arrow`: one symbol's bars as read and repaired, before cleaning. */
export const ingestBars = (symbol: string) => arrowArtifact(`ingest/${symbol}.arrow`, STAGE.ingest, BAR_COLUMNS);

/** First and last bar of a written bar file (ISO times; `null` when it has no bars). */
export const barsSummarySchema = z.object({
  bars: z.number().int().nonnegative(),
  first: z.string().nullable(),
  last: z.string().nullable(),
});
export type BarsSummary = z.infer<typeof barsSummarySchema>;

/** What the reader saw in one data file (absent for the synthetic market). */
export const readStatsSchema = z.object({
  file: z.string(),
  format: z.enum(['csv', 'csv.gz', 'parquet', 'arrow']),
  /** Data rows seen (excluding header and blank lines). */
  rowsRead: z.number().int().nonnegative(),
  /** Rows turned into bars. */
  rowsParsed: z.number().int().nonnegative(),
  /** Rows skipped with `onBadRow: skip`. */
  badRowsSkipped: z.number().int().nonnegative(),
  /** First few skipped rows: 1-based line (CSV) or row number, field and reason. */
  badRowSamples: z.array(z.object({ row: z.number().int(), field: z.string(), reason: z.string() })),
  blankLines: z.number().int().nonnegative(),
  /** Column names used per bar field. */
  columns: z.record(z.string(), z.string()),
  /** CSV only: the detected delimiter. */
  delimiter: z.string().optional(),
  /** IANA zone that timestamps without one were read in. */
  timezone: z.string(),
  /** Present (true) only when every volume cell was empty, so volume was read as 0 throughout. */
  volumeEmpty: z.boolean().optional(),
  /** What the reader warns about (empty volume, duplicate times with conflicting prices); absent when nothing. */
  warnings: z.array(z.string()).optional(),
});
export type ReadStatsFile = z.infer<typeof readStatsSchema>;

/** Counts per repair rule, in the order the rules run. */
export const repairCountsSchema = z.object({
  nanPriceRowsDropped: z.number().int().nonnegative(),
  nanVolumeSetToZero: z.number().int().nonnegative(),
  /** Rows whose timestamp is earlier than the row before (0 when the input was sorted). */
  outOfOrderRows: z.number().int().nonnegative(),
  duplicateTimestampsDropped: z.number().int().nonnegative(),
  highLowSwapped: z.number().int().nonnegative(),
  highRaisedToOpen: z.number().int().nonnegative(),
  highRaisedToClose: z.number().int().nonnegative(),
  lowLoweredToOpen: z.number().int().nonnegative(),
  lowLoweredToClose: z.number().int().nonnegative(),
  nonPositivePriceRowsDropped: z.number().int().nonnegative(),
  negativeVolumeSetToZero: z.number().int().nonnegative(),
  /** Rows with at least one of O, H, L, C off the tick grid; not changed. */
  offTickRows: z.number().int().nonnegative(),
});
export type RepairCountsFile = z.infer<typeof repairCountsSchema>;

export const repairReportSchema = z.object({
  rowsIn: z.number().int().nonnegative(),
  rowsOut: z.number().int().nonnegative(),
  /** Whether the input had to be sorted. */
  sorted: z.boolean(),
  counts: repairCountsSchema,
  /** Sum of every count except `offTickRows` and `outOfOrderRows`, which change nothing by themselves. */
  totalFixes: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
  /** The tick size the grid check used, or `null` when none was given. */
  tickSize: z.number().nullable(),
});
export type RepairReportFile = z.infer<typeof repairReportSchema>;

export const ingestSymbolReportSchema = z.object({
  symbol: z.string(),
  source: z.enum(['synthetic', 'file']),
  read: readStatsSchema.optional(),
  repair: repairReportSchema,
  output: barsSummarySchema,
});
export type IngestSymbolReportFile = z.infer<typeof ingestSymbolReportSchema>;

/** `ingest/ingest-report.json`: per symbol, what was read, every repair counted, first/last bar. */
export const ingestReportSchema = z.object({
  stage: z.literal(STAGE.ingest),
  symbols: z.array(ingestSymbolReportSchema),
});
export type IngestReportFile = z.infer<typeof ingestReportSchema>;
export const ingestReport = jsonArtifact('ingest/ingest-report.json', STAGE.ingest, ingestReportSchema);

/** `clean/<symbol>.arrow`: one symbol's clean bars at the target bar length. */
export const cleanBars = (symbol: string) => arrowArtifact(`clean/${symbol}.arrow`, STAGE.clean, BAR_COLUMNS);

/** How a symbol's rolls were adjusted: `clean.rolls.adjust` and `clean.rolls.direction` of the run. */
export const rollAdjustmentSchema = z.object({
  /** `difference` adds each roll's gap, `ratio` multiplies by its ratio, `none` leaves the jumps in. */
  method: z.enum(['difference', 'ratio', 'none']),
  /**
   * `back`: earlier contracts are moved onto the latest one (the last price is a traded price;
   * every roll moves every earlier price). `forward`: later contracts are moved onto the
   * earliest one (causal: nothing before a roll ever changes).
   */
  direction: z.enum(['back', 'forward']),
});
export type RollAdjustmentFile = z.infer<typeof rollAdjustmentSchema>;

/** One contract roll found (and adjusted) in a symbol's bars. */
export const rollEventSchema = z.object({
  symbol: z.string(),
  /** Index of the first bar of the new contract in the bars the roll was detected in. */
  index: z.number().int().nonnegative(),
  /** Bar start of that first bar, UTC ms, and as ISO text for reports. */
  timestamp: z.number(),
  time: z.string(),
  /** New-contract price minus old-contract price, price units (what difference adjustment adds back, subtracts forward). */
  gap: z.number(),
  /** New over old price (what ratio adjustment multiplies by back, divides by forward). */
  ratio: z.number(),
  source: z.enum(['contract', 'calendar', 'jump']),
  method: rollAdjustmentSchema.shape.method,
  /** For jump detections: |gap| over the typical open gap of the 20 session opens before it. */
  multiple: z.number().optional(),
});
export type RollEventFile = z.infer<typeof rollEventSchema>;

export const outlierReportSchema = z.object({
  action: z.enum(['flag', 'drop', 'winsorize']),
  returnOutliers: z.number().int().nonnegative(),
  rangeOutliers: z.number().int().nonnegative(),
  flagged: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  winsorized: z.number().int().nonnegative(),
});
export type OutlierReportFile = z.infer<typeof outlierReportSchema>;

/** A run of consecutive CME sessions without a single bar. */
export const sessionHoleSchema = z.object({
  /** Whole sessions in the run (holidays are no sessions, so never counted). */
  sessions: z.number().int().positive(),
  /** Open of its first session and close (exclusive) of its last, ISO UTC. */
  start: z.string(),
  end: z.string(),
});
export type SessionHoleFile = z.infer<typeof sessionHoleSchema>;

export const gapReportSchema = z.object({
  /** Runs of filled bars (the first maxFillMinutes missing minutes after a bar, inside its session), and the bars added. */
  filledGaps: z.number().int().nonnegative(),
  filledBars: z.number().int().nonnegative(),
  /**
   * Holes between two bars with session minutes left without a bar (beyond the filled ones;
   * across whole missing sessions and a session's start or end too), and those minutes' bars.
   */
  longGaps: z.number().int().nonnegative(),
  longGapBars: z.number().int().nonnegative(),
  /** Steps between bars that are not whole multiples of the bar length. */
  irregularSteps: z.number().int().nonnegative(),
  /** Bars outside every CME session (kept, never filled around). */
  barsOutsideSessions: z.number().int().nonnegative(),
  /** CME sessions between the first and the last bar without any bar. */
  missingSessions: z.number().int().nonnegative().optional(),
  /** The longest run of missing sessions, or null when none is missing. */
  longestHole: sessionHoleSchema.nullable().optional(),
});
export type GapReportFile = z.infer<typeof gapReportSchema>;

export const cleanSymbolReportSchema = z.object({
  symbol: z.string(),
  inputBars: z.number().int().nonnegative(),
  outputBars: z.number().int().nonnegative(),
  rolls: z.array(rollEventSchema),
  /** The adjustment the rolls got (recorded with no rolls too: the run's mode). */
  rollAdjustment: rollAdjustmentSchema,
  /** Prices ≤ 0 produced by difference adjustment (switch to ratio if not 0). */
  nonPositiveAfterAdjustment: z.number().int().nonnegative(),
  outliers: outlierReportSchema,
  gaps: gapReportSchema,
  resample: z.object({
    minutes: z.number().int().positive(),
    inputBars: z.number().int().nonnegative(),
    outputBars: z.number().int().nonnegative(),
  }),
  output: barsSummarySchema,
});
export type CleanSymbolReportFile = z.infer<typeof cleanSymbolReportSchema>;

/** `clean/clean-report.json`: per symbol, rolls, outliers, gaps, resample counts, first/last bar. */
export const cleanReportSchema = z.object({
  stage: z.literal(STAGE.clean),
  symbols: z.array(cleanSymbolReportSchema),
});
export type CleanReportFile = z.infer<typeof cleanReportSchema>;
export const cleanReport = jsonArtifact('clean/clean-report.json', STAGE.clean, cleanReportSchema);
