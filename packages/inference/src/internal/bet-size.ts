import { existsSync } from 'node:fs';
import { artifactPath, readJsonArtifact, trainMetaSecondaryDir, trainServing, type TrainServingFile } from '@tribar/artifacts';
import { actProbabilities, applyCalibrator, metaContracts, primarySides, probabilityContracts, type Calibrator } from '@tribar/ensembles';
import type { BaseModel, ModelInput, ModelRegistry, ModelRows } from '@tribar/models';
import { isSequenceSource } from '@tribar/models';

/** How a predictor turns probabilities into the run's bet sizes, or why it cannot. */
export type BetSizer =
  { served: true; size(proba: Float32Array, input: ModelRows): Promise<Float32Array>; dispose(): void } | { served: false; reason: string };

/**
 * The bet sizer of a saved model: reads `model/serving.json` (and the meta-labeling secondary) that
 * the train stage writes when the run sizes bets, and applies the trainer's own row rules
 * (`@tribar/ensembles`' sizing) so a served size equals the pipeline's for the same bar:
 * meta-labeling (secondary's p(act) on the raw probabilities) first, else `probability` sizing of
 * the calibrated probabilities, else one contract on the calibrated argmax side. Sizes that need
 * other bets' label ends (averaging over active bets, `budget`) are not served: the reason says so.
 */
export async function loadBetSizer(
  runDir: string,
  model: string,
  symbol: string,
  horizon: number,
  registry: ModelRegistry,
): Promise<BetSizer> {
  const artifact = trainServing(model, symbol, horizon);
  if (!existsSync(artifactPath(runDir, artifact))) return { served: false, reason: 'the run does not size bets' };
  const serving: TrainServingFile = await readJsonArtifact(runDir, artifact);
  const { betSizing, metaLabeling, threshold } = serving;
  const calibrate = (proba: Float32Array) =>
    serving.calibration ? applyCalibrator(serving.calibration.calibrator as Calibrator, proba) : proba;
  if (metaLabeling) {
    const secondary: BaseModel | null = metaLabeling.fitted
      ? await registry.load(artifactPath(runDir, trainMetaSecondaryDir(model, symbol, horizon)))
      : null;
    return {
      served: true,
      async size(proba, input) {
        const rows = input.rows;
        const side = primarySides(proba, rows, threshold);
        let contracts: Int32Array;
        if (secondary && !isSequenceSource(input)) {
          const act = await actProbabilities(secondary, input as ModelInput, proba);
          contracts = metaContracts(act, side, metaLabeling.threshold, betSizing);
        } else {
          contracts = metaLabeling.actOnAll ? Int32Array.from(side) : new Int32Array(rows);
        }
        return Float32Array.from(contracts);
      },
      dispose: () => secondary?.dispose(),
    };
  }
  if (betSizing.method === 'budget' || (betSizing.method === 'probability' && betSizing.averageActive)) {
    return {
      served: false,
      reason: `train.betSizing ${betSizing.method === 'budget' ? 'budget' : 'probability with averageActive'} needs the label ends of other bets, which fresh bars do not have`,
    };
  }
  return {
    served: true,
    async size(proba, input) {
      const traded = calibrate(proba);
      const contracts =
        betSizing.method === 'probability'
          ? probabilityContracts(traded, input.rows, { threshold, step: betSizing.step, maxContracts: betSizing.maxContracts })
          : primarySides(traded, input.rows, threshold);
      return Float32Array.from(contracts);
    },
    dispose() {},
  };
}
