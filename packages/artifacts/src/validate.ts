import { z } from 'zod';
import { jsonArtifact } from './artifact.js';
import { STAGE } from './stages.js';

/** One issue or warning of a check. */
export const validationFindingSchema = z.object({
  check: z.string(),
  symbol: z.string().optional(),
  horizon: z.number().optional(),
  feature: z.string().optional(),
  message: z.string(),
});
export type ValidationFinding = z.infer<typeof validationFindingSchema>;

/** A correlation group: the kept feature first in `members`, then those removed for correlating with it. */
export const correlationGroupSchema = z.object({
  kept: z.string(),
  members: z.array(z.string()),
  maxAbsCorrelation: z.number(),
});

const ranked = z.array(z.object({ feature: z.string(), score: z.number() }));

/**
 * `validate/report.json`: every check's result, the issues and warnings, the selection and the importance. No
 * time of its own (when the stage ran is in `state.json`), so one config + seed gives one report.
 */
export const validationReportSchema = z.object({
  status: z.enum(['PASSED', 'FAILED']),
  symbols: z.array(z.string()),
  horizons: z.array(z.number()),
  /** The `validation` config section the checks ran with. */
  thresholds: z.record(z.string(), z.number()),
  issues: z.array(validationFindingSchema),
  warnings: z.array(validationFindingSchema),
  /** Per check, per key (`<symbol>`, `<symbol>:h<h>`, `summary`…): that check's numbers. */
  checks: z.record(z.string(), z.record(z.string(), z.unknown())),
  featureSelection: z.object({
    selected: z.array(z.string()),
    removed: z.record(z.string(), z.string()),
    originalCount: z.number().int().nonnegative(),
    finalCount: z.number().int().nonnegative(),
    reductionPct: z.number(),
    lowVarianceFeatures: z.array(z.string()),
    correlationGroups: z.array(correlationGroupSchema),
    correlatedPairs: z.array(z.object({ a: z.string(), b: z.string(), absCorrelation: z.number() })),
    method: z.string(),
  }),
  importance: z.object({
    method: z.string(),
    /** Per `h<h>`, per feature: mean mutual information over symbols. */
    byHorizon: z.record(z.string(), z.record(z.string(), z.number())),
    top: ranked,
  }),
});
export type ValidationReportFile = z.infer<typeof validationReportSchema>;
export const validationReport = jsonArtifact('validate/report.json', STAGE.validate, validationReportSchema);

/** `validate/feature-selection.json`: the train-only feature selection the trainer uses. */
export const featureSelectionSchema = z.object({
  basis: z.string(),
  selectedFeatures: z.array(z.string()),
  removedFeatures: z.record(z.string(), z.string()),
  correlationGroups: z.array(correlationGroupSchema),
  lowVarianceFeatures: z.array(z.string()),
  originalCount: z.number().int().nonnegative(),
  finalCount: z.number().int().nonnegative(),
  reductionPct: z.number(),
  thresholds: z.object({ correlation: z.number(), variance: z.number() }),
  importanceTop: ranked,
  method: z.string(),
});
export type FeatureSelectionFile = z.infer<typeof featureSelectionSchema>;
export const featureSelection = jsonArtifact('validate/feature-selection.json', STAGE.validate, featureSelectionSchema);
