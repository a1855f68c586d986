import { z } from 'zod';
import { arrowArtifact, jsonArtifact } from './artifact.js';
import { BAR_COLUMNS } from './bars.js';
import { STAGE } from './stages.js';

/** `features/<symbol>.arrow`: bars plus every feature column, warm-up rows dropped. */
export const featureBars = (symbol: string) => arrowArtifact(`features/${symbol}.arrow`, STAGE.features, BAR_COLUMNS);

/**
 * How the scaler treats a feature. The features registry tags each feature with one; the scaler
 * has one transform per category. One list, here, so the two never drift.
 */
export const SCALING_CATEGORIES = [
  'returns',
  'oscillator',
  'price_level',
  'volatility',
  'volume',
  'temporal',
  'binary',
  'unbounded',
] as const;
export type ScalingCategory = (typeof SCALING_CATEGORIES)[number];

/** A number that JSON writes as null when it is NaN (e.g. an ADF statistic on a constant series). */
const maybeNumber = z.union([z.number(), z.nan(), z.null()]);

/** One feature as the registry declares it: the manifest's row and the scaler's guide. */
export const featureSpecSchema = z.object({
  name: z.string().min(1),
  /** The family that computes it (`FEATURE_FAMILIES` of `@tribar/features`). */
  family: z.string().min(1),
  /** 'own' bars only, or a cross-asset pair `[a, b]`. */
  inputs: z.union([z.literal('own'), z.object({ cross: z.tuple([z.string(), z.string()]).readonly() })]),
  /** Leading bars that are NaN on a gap-free series. */
  warmup: z.number().int().nonnegative(),
  category: z.enum(SCALING_CATEGORIES),
  /** A 0/1 indicator (or a −1/0/1 state): never scaled. */
  flag: z.boolean(),
  description: z.string(),
});
export type FeatureSpecEntry = z.infer<typeof featureSpecSchema>;

/** `features/feature-manifest.json`: what each column is, for the scaler and the validation stage. */
export const featureManifestSchema = z.object({
  version: z.literal(1),
  /** Columns carried through from the input bars (timestamp, OHLCV, extras), not features. */
  passthrough: z.array(z.string()),
  /** Every feature of any symbol, in column order; warm-up is the largest over symbols. */
  features: z.array(featureSpecSchema),
  bySymbol: z.record(
    z.string(),
    z.object({
      features: z.array(z.string()),
      warmupRows: z.number().int().nonnegative(),
      fracdiff: z.object({ d: z.number(), width: z.number().int().positive(), chosenBy: z.enum(['config', 'adf']) }),
    }),
  ),
  nanPolicy: z.string(),
});
export type FeatureManifestFile = z.infer<typeof featureManifestSchema>;
export const featureManifest = jsonArtifact('features/feature-manifest.json', STAGE.features, featureManifestSchema);

/** `features/report.json`: rows, warm-up, FFD order, NaN counts per symbol. No timings (they
 * are the stage's metrics in `state.json` and in the log), so one config + seed gives one report. */
export const featuresReportSchema = z.object({
  symbols: z.record(
    z.string(),
    z.object({
      rowsIn: z.number().int().nonnegative(),
      warmupRowsDropped: z.number().int().nonnegative(),
      /** The feature whose first valid row sets the drop (absent when none does). */
      warmupSetBy: z.string().optional(),
      rowsOut: z.number().int().nonnegative(),
      features: z.number().int().nonnegative(),
      fracdiff: z.object({
        d: z.number(),
        width: z.number().int().positive(),
        /** With `fracdiff.d: 'auto'`: every d tried, in order, with its ADF statistic. */
        adfTried: z.array(z.object({ d: z.number(), statistic: maybeNumber })).optional(),
      }),
      /** NaN count per feature after the warm-up drop. */
      nanCounts: z.record(z.string(), z.number().int().nonnegative()),
      /** Features without a single valid value. */
      neverValid: z.array(z.string()),
    }),
  ),
  nanPolicy: z.string(),
});
export type FeaturesReportFile = z.infer<typeof featuresReportSchema>;
export const featuresReport = jsonArtifact('features/report.json', STAGE.features, featuresReportSchema);
