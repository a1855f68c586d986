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
export const SCALING_CATEGORIES = ['returns', 'oscillator', 'price_level', 'volatility', 'volume', 'temporal', 'binary', 'unbounded'] as const;
export type ScalingCategory = (typeof SCALING_CATEGORIES)[number];

// TODO(contract): the manifest's exact shape (version 1).
export const featureManifestSchema = z.looseObject({ version: z.literal(1) });
export type FeatureManifestFile = z.infer<typeof featureManifestSchema>;
export const featureManifest = jsonArtifact('features/feature-manifest.json', STAGE.features, featureManifestSchema);

// TODO(contract): the report's exact shape.
export const featuresReportSchema = z.looseObject({});
export const featuresReport = jsonArtifact('features/report.json', STAGE.features, featuresReportSchema);
