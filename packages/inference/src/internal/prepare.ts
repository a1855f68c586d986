import type { FeatureManifestFile } from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { ArtifactError, DataError } from '@tribar/core';
import { computeFeatures } from '@tribar/features';
import { cleanBars, cleanOptionsFromConfig, repairBars, resampleBars } from '@tribar/ingest';
import type { Bars } from '@tribar/market';
import { transform, type ScalerState } from '@tribar/scaling';

/**
 * Raw one-minute bars of one symbol made into the run's target-timeframe bars by the steps the
 * `ingest` and `clean` stages ran, with the run's settings: repair (sort, de-duplicate, OHLC
 * order, tick grid), clean (gaps, outliers, contract rolls), resample.
 */
export function prepareBars(raw: Bars, config: RunConfig): Bars {
  const { tickSize } = config.contracts[raw.symbol] ?? config.defaultContract;
  const { bars: repaired } = repairBars(raw, { tickSize });
  const { bars: cleaned } = cleanBars(repaired, cleanOptionsFromConfig(config, raw.symbol));
  return resampleBars(cleaned, config.timeframes.targetMinutes);
}

export interface ModelFeatures {
  /** First row of the target bars that has a prediction (the features' warm-up). */
  start: number;
  timestampMs: Float64Array;
  /** Scaled model input columns from `start` on, in the model's column order. */
  columns: Float64Array[];
}

/**
 * The model's input columns for target bars: every feature computed as the `features` stage did
 * (its FFD order is the one the run chose on train, never re-chosen on these bars), the warm-up
 * rows dropped, then the run's fitted scaler applied.
 */
export function computeModelFeatures(
  target: Bars,
  partners: ReadonlyMap<string, Bars>,
  config: RunConfig,
  manifest: FeatureManifestFile,
  state: ScalerState,
  modelDir: string,
): ModelFeatures {
  const entry = manifest.bySymbol[target.symbol] as FeatureManifestFile['bySymbol'][string];
  const fracdiff = { ...config.features.fracdiff, d: entry.fracdiff.d };
  const features = computeFeatures(target, {
    config: { ...config.features, fracdiff },
    symbols: config.symbols,
    barMinutes: config.timeframes.targetMinutes,
    // Unused: the FFD order is fixed above, and nothing else is fitted here.
    trainFraction: 1,
    partners,
  });
  if (features.fracdiff.width !== entry.fracdiff.width) {
    throw new ArtifactError(
      `FFD window of d = ${entry.fracdiff.d} is ${features.fracdiff.width} bars here but ${entry.fracdiff.width} in the run`,
      modelDir,
      { hint: 'The run was made by another version of @tribar/features; re-run the pipeline.' },
    );
  }
  const byName = new Map(features.specs.map((spec, j) => [spec.name, features.columns[j] as Float64Array]));
  const start = Math.max(features.warmupRows, entry.warmupRows);
  const raw: Record<string, Float64Array> = {};
  for (const feature of state.features) {
    const column = byName.get(feature.name);
    if (column === undefined) {
      throw new DataError(
        `the model reads feature '${feature.name}', which these bars do not produce`,
        { field: feature.name },
        { hint: 'Volume features need a volume column that is not all zero; send the bars with their volume.' },
      );
    }
    raw[feature.name] = column.subarray(start);
  }
  const scaled = transform(state, raw);
  return {
    start,
    timestampMs: target.timestamp.subarray(start),
    columns: state.features.map((feature) => scaled[feature.name] as Float64Array),
  };
}
