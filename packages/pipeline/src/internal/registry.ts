import type { RunConfig } from '@tribar/config';
import type { StageDefinition } from '@tribar/core';
import { featuresStage } from '@tribar/features';
import { gaOptimizeStage } from '@tribar/ga-optimizer';
import { cleanStage, ingestStage } from '@tribar/ingest';
import { labelsFinalStage, labelsInitialStage } from '@tribar/labeling';
import { reportStage, reportStageWithModels } from '@tribar/report';
import { scaleStage } from '@tribar/scaling';
import { cutStage, splitsStage } from '@tribar/splits';
import { validateStage } from '@tribar/validation';
import { createDefaultRegistry } from '@tribar/models';
import { trainStage } from '@tribar/trainer';

/**
 * The stages `tribar pipeline` runs, in registration order. Each data and ML package exports
 * its own stage. Phase 2 (`train`) joins only when the config names models; the report then waits
 * for it and reads its summary, so one report shows the data and the models.
 */
export function registeredStages(config?: RunConfig): StageDefinition<RunConfig>[] {
  const training = (config?.train.models.length ?? 0) + (config?.train.ensembles.length ?? 0) > 0;
  const phase1: StageDefinition<RunConfig>[] = [
    ingestStage,
    cleanStage,
    cutStage,
    featuresStage,
    labelsInitialStage,
    gaOptimizeStage,
    labelsFinalStage,
    splitsStage,
    scaleStage,
    validateStage,
  ];
  return training ? [...phase1, trainStage(createDefaultRegistry()), reportStageWithModels] : [...phase1, reportStage];
}
