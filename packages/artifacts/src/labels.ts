import { z } from 'zod';
import { arrowArtifact, jsonArtifact, type ColumnSpec } from './artifact.js';
import { STAGE } from './stages.js';

/**
 * Column names of the label files, per horizon `h` (`label_h5`, `sample_weight_h20`, …). Every
 * reader and writer of `labels-initial/<S>.arrow`, `labels/<S>.arrow` spells them through these.
 */
const perHorizon = (prefix: string) => (horizon: number) => `${prefix}_h${horizon}`;

/** The first column of every label file: the bar's UTC timestamp (the same rows as `features/<S>.arrow`). */
export const LABEL_TIMESTAMP_COLUMN = 'timestamp';

// The triple-barrier kernel's outputs (labels-initial and labels).
/** int8: +1 upper barrier first, −1 lower first, 0 timeout, −99 invalid (`INVALID_LABEL`). */
export const labelColumn = perHorizon('label');
/** int32: bars from entry to the deciding bar. */
export const barsToHitColumn = perHorizon('bars_to_hit');
/** float64: maximum adverse excursion (≤ 0, fraction of the entry). */
export const maeColumn = perHorizon('mae');
/** float64: maximum favourable excursion (≥ 0). */
export const mfeColumn = perHorizon('mfe');
/** int8: 1 upper, −1 lower, 0 none, 2 both on one bar. */
export const touchTypeColumn = perHorizon('touch_type');
/** int32: row of the deciding bar, −1 on −99 rows. */
export const labelEndIndexColumn = perHorizon('label_end_index');
/** timestamp (ms): time of the deciding bar, null on −99 rows. */
export const labelEndTimeColumn = perHorizon('label_end_time');
/** float64: close[end] / close[i] − 1, NaN on −99 rows. */
export const fwdReturnColumn = perHorizon('fwd_return');

// Added by labels-final.
/** float64: quality score in [0, 1], NaN on −99 rows. */
export const qualityColumn = perHorizon('quality');
/** float64: tiered sample weight (low / mid / high weight), 0 on −99 rows. */
export const sampleWeightColumn = perHorizon('sample_weight');
/** float64: raw pain-to-gain ratio. */
export const painToGainColumn = perHorizon('pain_to_gain');
/** float64: raw time-weighted drawdown. */
export const timeWeightedDdColumn = perHorizon('time_weighted_dd');
// Added by labels-final with `labels.afml.enabled` (AFML ch. 4 weights of the per-bar labels).
export const uniquenessColumn = perHorizon('uniqueness');
export const returnWeightColumn = perHorizon('return_weight');
export const decayWeightColumn = perHorizon('decay_weight');

/** The kernel's columns of horizon h, in file order, with their Arrow types. */
export function kernelLabelColumns(horizon: number): ColumnSpec[] {
  return [
    { name: labelColumn(horizon), type: 'int8' },
    { name: barsToHitColumn(horizon), type: 'int32' },
    { name: maeColumn(horizon), type: 'float64' },
    { name: mfeColumn(horizon), type: 'float64' },
    { name: touchTypeColumn(horizon), type: 'int8' },
    { name: labelEndIndexColumn(horizon), type: 'int32' },
    { name: labelEndTimeColumn(horizon), type: 'timestamp' },
    { name: fwdReturnColumn(horizon), type: 'float64' },
  ];
}

/** Every column of horizon h in `labels/<S>.arrow`, in file order. */
export function finalLabelColumns(horizon: number, afml = false): ColumnSpec[] {
  return [
    ...kernelLabelColumns(horizon),
    { name: qualityColumn(horizon), type: 'float64' },
    { name: sampleWeightColumn(horizon), type: 'float64' },
    { name: painToGainColumn(horizon), type: 'float64' },
    { name: timeWeightedDdColumn(horizon), type: 'float64' },
    ...(afml
      ? ([
          { name: uniquenessColumn(horizon), type: 'float64' },
          { name: returnWeightColumn(horizon), type: 'float64' },
          { name: decayWeightColumn(horizon), type: 'float64' },
        ] as const)
      : []),
  ];
}

const TIMESTAMP: ColumnSpec = { name: LABEL_TIMESTAMP_COLUMN, type: 'timestamp' };

/**
 * `labels-initial/<symbol>.arrow` (diagnostics, read by no stage): the kernel's columns per horizon
 * at the configured initial barriers. Given the horizons, the artifact promises each one's columns.
 */
export const initialLabels = (symbol: string, horizons: readonly number[] = []) =>
  arrowArtifact(`labels-initial/${symbol}.arrow`, STAGE.labelsInitial, [TIMESTAMP, ...horizons.flatMap(kernelLabelColumns)]);

/** `labels/<symbol>.arrow`: final labels at the GA's barriers, with quality and sample weights. */
export const labelBars = (symbol: string, horizons: readonly number[] = [], afml = false) =>
  arrowArtifact(`labels/${symbol}.arrow`, STAGE.labelsFinal, [TIMESTAMP, ...horizons.flatMap((h) => finalLabelColumns(h, afml))]);

/** Columns of `labels/<symbol>.afml-events.arrow` after the timestamp (one row per CUSUM-sampled event). */
export const AFML_EVENT_COLUMNS = [
  { name: 'event_index', type: 'int32' },
  { name: 'label_end_index', type: 'int32' },
  { name: 'label_end_time', type: 'timestamp' },
  { name: 'target', type: 'float64' },
  { name: 'touch', type: 'float64' },
  { name: 'ret', type: 'float64' },
  { name: 'bin', type: 'int8' },
  { name: 'uniqueness', type: 'float64' },
  { name: 'return_weight', type: 'float64' },
  { name: 'decay_weight', type: 'float64' },
] as const satisfies readonly ColumnSpec[];

/** `labels/<symbol>.afml-events.arrow` (with `labels.afml.enabled`): the book's events with bins and weights. */
export const afmlEvents = (symbol: string) =>
  arrowArtifact(`labels/${symbol}.afml-events.arrow`, STAGE.labelsFinal, [TIMESTAMP, ...AFML_EVENT_COLUMNS]);

/** A number that JSON writes as null when it is NaN (a statistic without rows). */
const maybeNumber = z.union([z.number(), z.nan(), z.null()]);
const count = z.number().int().nonnegative();

const barrierParamsSchema = z.object({ kUp: z.number(), kDown: z.number(), maxBars: z.number().int() });

/** Counts of each label and the shares among valid rows (labeling's `labelMix`). */
export const labelMixSchema = z.object({
  rows: count,
  valid: count,
  invalid: count,
  long: count,
  short: count,
  neutral: count,
  longShare: z.number(),
  shortShare: z.number(),
  neutralShare: z.number(),
});
export type LabelMixEntry = z.infer<typeof labelMixSchema>;

const sameBarRuleSchema = z.enum(['nearerOpen', 'invalid']);

/** `labels-initial/report.json`: barriers, cost and label mix per symbol × horizon. */
export const initialLabelsReportSchema = z.object({
  sameBarRule: sameBarRuleSchema,
  costAware: z.boolean(),
  atrFeature: z.string(),
  invalidPolicy: z.string(),
  /** symbol → horizon (as a string) → entry. */
  symbols: z.record(
    z.string(),
    z.record(z.string(), z.object({ params: barrierParamsSchema, costPrice: z.number(), mix: labelMixSchema })),
  ),
});
export type InitialLabelsReportFile = z.infer<typeof initialLabelsReportSchema>;
export const initialLabelsReport = jsonArtifact('labels-initial/report.json', STAGE.labelsInitial, initialLabelsReportSchema);

/** One symbol × horizon of `labels/report.json`: the barriers used, where they came from, the mix and the quality stats. */
export const labelsReportHorizonSchema = z.object({
  params: barrierParamsSchema,
  /** 'ga': the GA's result; 'fallback': `barrierFor(config, S, h)` (then `reason` and `configPath` say why and which). */
  source: z.enum(['ga', 'fallback']),
  reason: z.string().optional(),
  configPath: z.string().optional(),
  costPrice: z.number(),
  mix: z.object({ all: labelMixSchema, train: labelMixSchema }),
  quality: z.object({
    mean: maybeNumber,
    scales: z.object({ mae: maybeNumber, mfe: maybeNumber, painToGain: maybeNumber, timeWeightedDd: maybeNumber }),
    tierCuts: z.object({ low: maybeNumber, high: maybeNumber }),
    weightCounts: z.object({ low: count, mid: count, high: count, zero: count }),
    percentileRows: count,
  }),
});
export type LabelsReportHorizon = z.infer<typeof labelsReportHorizonSchema>;

/** `symbols[S].afml` of `labels/report.json` (with `labels.afml.enabled`). */
export const labelsReportAfmlSchema = z.object({
  events: count,
  /** `labels.afml.eventFilter` when it is not the CUSUM filter (absent = 'cusum', the default). */
  eventFilter: z.enum(['zscore', 'none']).optional(),
  /** The CUSUM threshold used; null with another event filter. */
  cusumThreshold: maybeNumber,
  up: count,
  down: count,
  zero: count,
});
export type LabelsReportAfml = z.infer<typeof labelsReportAfmlSchema>;

/** `labels/report.json`. `symbols[S]` holds one entry per horizon (key `"5"`, `"20"`, …) and, with AFML, `afml`. */
export const labelsReportSchema = z.object({
  /** The run's train cut (ISO), from `cut/cut.json`. */
  trainEnd: z.string(),
  sameBarRule: sameBarRuleSchema,
  costAware: z.boolean(),
  atrFeature: z.string(),
  percentilesFrom: z.enum(['train', 'all']),
  invalidPolicy: z.string(),
  symbols: z.record(z.string(), z.record(z.string(), z.union([labelsReportHorizonSchema, labelsReportAfmlSchema]))),
});
export type LabelsReportFile = z.infer<typeof labelsReportSchema>;
export const labelsReport = jsonArtifact('labels/report.json', STAGE.labelsFinal, labelsReportSchema);

/** The entry of one symbol × horizon of a labels report, or undefined when the report has none. */
export function labelsReportHorizon(report: LabelsReportFile, symbol: string, horizon: number): LabelsReportHorizon | undefined {
  const entry = report.symbols[symbol]?.[String(horizon)];
  return entry !== undefined && 'params' in entry ? entry : undefined;
}
