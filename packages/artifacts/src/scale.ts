import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { SCALING_CATEGORIES } from './features.js';
import { STAGE } from './stages.js';

/** `scale/<S>.arrow`: `timestamp` then one float64 column per scaled feature, symbol in the metadata. */
export const scaledBars = (symbol: string) =>
  arrowArtifact(`scale/${symbol}.arrow`, STAGE.scale, [{ name: 'timestamp', type: 'timestamp' }]);

/** The transform a feature gets; `none` leaves it as it is (flags, returns, temporal, binary). */
export const SCALER_KINDS = ['robust', 'standard', 'minmax', 'none'] as const;
export type ScalerKind = (typeof SCALER_KINDS)[number];

const finite = z.number().finite();
const count = z.number().int().nonnegative();
const finiteOrNull = finite.nullable();

/** The `scaling` section of the config, as the state and the report record it. */
export const scalingOptionsSchema = z.object({
  defaultScaler: z.enum(['robust', 'standard', 'minmax']),
  robustQuantiles: z.tuple([finite, finite]).readonly(),
  logPriceAndVolume: z.boolean(),
  clip: z.object({ enabled: z.boolean(), min: finite, max: finite }),
});
export type ScalingOptionsState = z.infer<typeof scalingOptionsSchema>;

/** Summary of a column's finite values; `null` where no finite value exists (JSON has no NaN). */
export const columnStatsSchema = z.object({
  rows: count,
  finite: count,
  nanCount: count,
  infCount: count,
  mean: finiteOrNull,
  std: finiteOrNull,
  min: finiteOrNull,
  max: finiteOrNull,
  median: finiteOrNull,
  q25: finiteOrNull,
  q75: finiteOrNull,
});
export type ScalerColumnStats = z.infer<typeof columnStatsSchema>;

/** One fitted feature of one symbol. */
export const featureScalerSchema = z.object({
  name: z.string().min(1),
  category: z.enum(SCALING_CATEGORIES),
  flag: z.boolean(),
  scaler: z.enum(SCALER_KINDS),
  log: z.boolean(),
  logShift: finite,
  fill: finite,
  center: finite,
  scale: finite.refine((value) => value !== 0, 'must not be 0'),
  clip: z.boolean(),
  train: columnStatsSchema,
  scaledTrain: z.object({ mean: finiteOrNull, std: finiteOrNull, min: finiteOrNull, max: finiteOrNull }),
  warnings: z.array(z.string()),
});
export type FeatureScalerState = z.infer<typeof featureScalerSchema>;

/** One symbol's fitted scaler (version 1). */
export const symbolScalerSchema = z.object({
  version: z.literal(1),
  options: scalingOptionsSchema,
  trainRows: count,
  features: z.array(featureScalerSchema),
});
export type SymbolScalerState = z.infer<typeof symbolScalerSchema>;

/** `scale/scaler.json`: every symbol's fitted scaler and the cut it was fitted before. */
export const scalerStateSchema = z.object({
  format: z.literal('tribar-scaler'),
  version: z.literal(1),
  /** Rows with timestamp < trainEnd (UTC ms) were the train rows of every symbol. */
  trainEnd: finite,
  trainEndIso: z.string(),
  symbols: z.record(z.string(), symbolScalerSchema),
});
export type ScalerStateFile = z.infer<typeof scalerStateSchema>;
export const scalerState = jsonArtifact('scale/scaler.json', STAGE.scale, scalerStateSchema);

const leakageCheckSchema = z.object({
  ok: z.boolean(),
  checked: count,
  mismatches: z.array(
    z.object({
      feature: z.string(),
      field: z.string(),
      stored: z.union([z.number(), z.string(), z.boolean(), z.null()]),
      recomputed: z.union([z.number(), z.string(), z.boolean(), z.null()]),
    }),
  ),
});

/** One feature of one symbol in `scale/report.json`. */
export const scaleFeatureReportSchema = z.object({
  category: z.enum(SCALING_CATEGORIES),
  flag: z.boolean(),
  scaler: z.enum(SCALER_KINDS),
  log: z.boolean(),
  logShift: finite,
  clip: z.boolean(),
  fill: finite,
  center: finite,
  scale: finite,
  train: columnStatsSchema.omit({ rows: true, finite: true }),
  /** Per split (`train`, `val`, `test`) that has rows. */
  bySplit: z.record(
    z.string(),
    z.object({ rows: count, imputed: count, clipped: count, belowLogFloor: count, scaledMean: finiteOrNull, scaledStd: finiteOrNull }),
  ),
});

/** `scale/report.json`. */
export const scaleReportSchema = z.object({
  trainEnd: finite,
  trainEndIso: z.string(),
  valEnd: finite,
  options: scalingOptionsSchema,
  clipPolicy: z.string(),
  featuresByCategory: z.record(z.string(), z.array(z.string())),
  featuresByScaler: z.record(z.string(), z.array(z.string())),
  logFeatures: z.array(z.string()),
  leakageCheck: z.object({ ok: z.boolean(), bySymbol: z.record(z.string(), leakageCheckSchema) }),
  warnings: z.array(z.object({ symbol: z.string(), feature: z.string(), message: z.string() })),
  symbols: z.record(
    z.string(),
    z.object({ rows: count, rowsBySplit: z.record(z.string(), count), features: z.record(z.string(), scaleFeatureReportSchema) }),
  ),
});
export type ScaleReportFile = z.infer<typeof scaleReportSchema>;
export const scaleReport = jsonArtifact('scale/report.json', STAGE.scale, scaleReportSchema);
