import type { RunConfig } from '@tribar/config';
import type { StageDefinition } from '@tribar/core';
import { featuresStage } from '@tribar/features';
import { gaOptimizeStage } from '@tribar/ga-optimizer';
import { cleanStage, ingestStage } from '@tribar/ingest';
import { labelsFinalStage, labelsInitialStage } from '@tribar/labeling';
import { reportStage } from '@tribar/report';
import { scaleStage } from '@tribar/scaling';
import { splitsStage } from '@tribar/splits';
import { validateStage } from '@tribar/validation';

/**
 * The stages `tribar pipeline` runs, in registration order. Each data and ML package exports
 * its own stage; this list grows as those packages land (the ML packages are next).
 */
export function registeredStages(): StageDefinition<RunConfig>[] {
  return [
    ingestStage,
    cleanStage,
    featuresStage,
    labelsInitialStage,
    gaOptimizeStage,
    labelsFinalStage,
    splitsStage,
    scaleStage,
    validateStage,
    reportStage,
  ];
}
