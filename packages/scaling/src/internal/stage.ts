import {
  artifactPath,
  cut,
  featureBars,
  featureManifest,
  readJsonArtifact,
  scaledBars,
  scaleReport,
  scalerState,
  STAGE,
  writeJsonArtifact,
  type ScaleReportFile,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { ArtifactError, defineStage, type StageDefinition } from '@tribar/core';
import { readManifest } from './inputs.js';
import type { LeakageCheck } from './leakage.js';
import type { FeatureScaleSpec } from './scaler.js';
import type { ScalerFile } from './state-io.js';
import type { Cuts, ScaleWarning, SymbolJob } from './symbol.js';
import { scaleSymbols, symbolWorkers } from './symbol-pool.js';

/** `scale/report.json` (the contract's shape). */
export type ScaleReport = ScaleReportFile;

function groupBy(specs: readonly FeatureScaleSpec[], key: (spec: FeatureScaleSpec) => string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const spec of specs) (out[key(spec)] ??= []).push(spec.name);
  return out;
}

/**
 * Pipeline stage `scale`: per symbol, fit one scaler per manifest feature on the rows before the
 * calendar cut's `trainEnd` (`cut/cut.json`), scale every row, write `scale/<S>.arrow` (timestamp + scaled features only),
 * `scale/scaler.json` (JSON state) and `scale/report.json`. Each state is read back from its JSON
 * and checked against statistics recomputed from the train rows; a mismatch fails the stage.
 */
export const scaleStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.scale,
  description: 'Per-feature scalers chosen by the registry category, fitted on train only; JSON state, leakage check.',
  dependsOn: [STAGE.features, STAGE.cut],
  version: 1,
  configKeys: ['scaling', 'symbols'],
  inputs: (config) => [...config.symbols.map((symbol) => featureBars(symbol).path), featureManifest.path, cut.path],
  outputs: (config) => [...config.symbols.map((symbol) => scaledBars(symbol).path), scalerState.path, scaleReport.path],
  async run(context) {
    const { config, logger } = context;
    const manifest = await readManifest(artifactPath(context.runDir, featureManifest));
    const theCut = await readJsonArtifact(context.runDir, cut);
    const cuts: Cuts = { trainEnd: theCut.trainEndMs, valEnd: theCut.valEndMs };
    const options = config.scaling;
    const file: ScalerFile = {
      format: 'tribar-scaler',
      version: 1,
      trainEnd: cuts.trainEnd,
      trainEndIso: new Date(cuts.trainEnd).toISOString(),
      symbols: {},
    };
    const leakage: Record<string, LeakageCheck> = {};
    const symbols: ScaleReport['symbols'] = {};
    const warnings: ScaleWarning[] = [];
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    context.progress.start(config.symbols.length, { unit: 'symbols', label: 'scale' });
    const jobs: SymbolJob[] = config.symbols.map((symbol) => {
      const listed = manifest.bySymbol[symbol];
      const specs = listed === undefined ? manifest.features : manifest.features.filter((spec) => listed.includes(spec.name));
      return { runDir: context.runDir, symbol, specs, cuts, options };
    });
    const results = await scaleSymbols(jobs, await symbolWorkers(jobs), {
      signal: context.signal,
      done: (job, result) => {
        const features = result.state.features.length;
        logger.info({ symbol: job.symbol, rows: result.report.rows, trainRows: result.trainRows, features }, 'scaler fitted on train');
        context.progress.advance();
      },
    });
    results.forEach((result, k) => {
      const { symbol } = jobs[k] as SymbolJob;
      file.symbols[symbol] = result.state;
      leakage[symbol] = result.leakage;
      symbols[symbol] = result.report;
      warnings.push(...result.warnings);
      const features = result.state.features.length;
      artifactMetadata[scaledBars(symbol).path] = { rows: result.report.rows, trainRows: result.trainRows, features };
    });
    context.progress.done();
    // Checked against the contract's schema, then written as given (what is written reads back).
    const scalerFile = await writeJsonArtifact(context.runDir, scalerState, file);
    const leakageOk = Object.values(leakage).every((check) => check.ok);
    const specs = manifest.features;
    const scalerOf = (spec: FeatureScaleSpec) =>
      Object.values(file.symbols)
        .map((state) => state.features.find((f) => f.name === spec.name))
        .find((f) => f !== undefined);
    const report: ScaleReport = {
      trainEnd: file.trainEnd,
      trainEndIso: file.trainEndIso,
      valEnd: cuts.valEnd,
      options,
      clipPolicy:
        'only scaled features (robust/standard/minmax) are clipped; unscaled returns, temporal and binary features keep their values',
      featuresByCategory: groupBy(specs, (spec) => spec.category),
      featuresByScaler: groupBy(specs, (spec) => scalerOf(spec)?.scaler ?? 'absent'),
      logFeatures: specs.filter((spec) => scalerOf(spec)?.log === true).map((spec) => spec.name),
      leakageCheck: { ok: leakageOk, bySymbol: leakage },
      warnings,
      symbols,
    };
    await writeJsonArtifact(context.runDir, scaleReport, report);
    if (!leakageOk) {
      throw new ArtifactError('leakage check failed: stored scaler statistics differ from the train statistics', scalerFile, {
        hint: `See ${scaleReport.path} → leakageCheck.`,
      });
    }
    return {
      metrics: { symbols: config.symbols.length, features: specs.length, leakageOk, warnings: warnings.length },
      artifactMetadata,
    };
  },
});
