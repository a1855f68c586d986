import { resolve } from 'node:path';
import type { RunConfig } from '@tribar/config';
import { defineStage, readArrowFile, writeArrowFile, writeJsonAtomic, type StageContext } from '@tribar/core';
import { barsToTable, tableToBars, type Bars } from '@tribar/market';
import { cleanBars, cleanOptionsFromConfig, type CleanReport } from './clean/clean.js';
import { readBars } from './read/read-bars.js';
import type { ReadStats } from './read/types.js';
import { repairBars, type RepairReport } from './repair/repair.js';
import { resampleBars } from './resample/resample.js';
import { generateSyntheticMarket } from './synthetic/generate.js';

/** Run-relative artifact paths, shared with downstream stages. */
export const ingestArtifacts = {
  bars: (symbol: string) => `ingest/${symbol}.arrow`,
  report: 'ingest/ingest-report.json',
};
export const cleanArtifacts = {
  bars: (symbol: string) => `clean/${symbol}.arrow`,
  report: 'clean/clean-report.json',
};

const dataFile = (config: RunConfig, symbol: string): string => resolve(config.data.files[symbol] as string);

function summary(bars: Bars) {
  const n = bars.timestamp.length;
  return {
    bars: n,
    first: n ? new Date(bars.timestamp[0] as number).toISOString() : null,
    last: n ? new Date(bars.timestamp[n - 1] as number).toISOString() : null,
  };
}

export interface IngestSymbolReport {
  symbol: string;
  source: 'synthetic' | 'file';
  read?: ReadStats;
  repair: RepairReport;
  output: ReturnType<typeof summary>;
}

async function loadSymbols(context: StageContext<RunConfig>): Promise<{ bars: Bars; read?: ReadStats }[]> {
  const { config } = context;
  if (config.data.source === 'synthetic') {
    context.logger.info({ days: config.data.synthetic.days, symbols: config.symbols }, 'generating the synthetic market');
    return generateSyntheticMarket(config, context.rng.fork('synthetic')).map((bars) => ({ bars }));
  }
  const loaded: { bars: Bars; read?: ReadStats }[] = [];
  for (const symbol of config.symbols) {
    const file = dataFile(config, symbol);
    context.logger.info({ symbol, file }, 'reading bars');
    const { bars, stats } = await readBars(file, { ...config.data, symbol });
    loaded.push({ bars, read: stats });
  }
  return loaded;
}

/**
 * `ingest`: one-minute bars per symbol, from the configured files or the seeded synthetic
 * market, validated and repaired; every repair counted in `ingest/ingest-report.json`.
 */
export const ingestStage = defineStage<RunConfig>({
  name: 'ingest',
  description: 'read or generate one-minute bars, validate and repair them',
  dependsOn: [],
  version: 1,
  configKeys: ['symbols', 'data', 'contracts', 'defaultContract'],
  inputs: () => [],
  externalInputs: (config) => (config.data.source === 'files' ? config.symbols.map((symbol) => dataFile(config, symbol)) : []),
  outputs: (config) => [...config.symbols.map(ingestArtifacts.bars), ingestArtifacts.report],
  async run(context) {
    const { config } = context;
    const loaded = await loadSymbols(context);
    context.progress.start(loaded.length, { unit: 'symbols' });
    const reports: IngestSymbolReport[] = [];
    for (const { bars, read } of loaded) {
      const tickSize = (config.contracts[bars.symbol] ?? config.defaultContract).tickSize;
      const { bars: repaired, report } = repairBars(bars, { tickSize });
      for (const warning of report.warnings) context.logger.warn({ symbol: bars.symbol }, warning);
      await writeArrowFile(context.path(ingestArtifacts.bars(bars.symbol)), barsToTable(repaired));
      reports.push({
        symbol: bars.symbol,
        source: read ? 'file' : 'synthetic',
        ...(read ? { read } : {}),
        repair: report,
        output: summary(repaired),
      });
      context.logger.info({ symbol: bars.symbol, bars: repaired.timestamp.length, fixes: report.totalFixes }, 'bars ingested');
      context.progress.advance();
    }
    await writeJsonAtomic(context.path(ingestArtifacts.report), { stage: 'ingest', symbols: reports });
    return {
      metrics: Object.fromEntries(reports.map((report) => [`${report.symbol}.bars`, report.output.bars])),
      artifactMetadata: Object.fromEntries(
        reports.map((report) => [ingestArtifacts.bars(report.symbol), { symbol: report.symbol, timeframeMinutes: 1, ...report.output }]),
      ),
    };
  },
});

export interface CleanSymbolReport extends CleanReport {
  resample: { minutes: number; inputBars: number; outputBars: number };
  output: ReturnType<typeof summary>;
}

/**
 * `clean`: calendar-aware gap filling, outliers, contract-roll back-adjustment, then resampling
 * to `timeframes.targetMinutes` without spanning a session break.
 */
export const cleanStage = defineStage<RunConfig>({
  name: 'clean',
  description: 'fill session gaps, handle outliers, back-adjust rolls, resample',
  dependsOn: ['ingest'],
  version: 1,
  configKeys: ['symbols', 'clean', 'timeframes', 'contracts', 'defaultContract'],
  inputs: (config) => config.symbols.map(ingestArtifacts.bars),
  outputs: (config) => [...config.symbols.map(cleanArtifacts.bars), cleanArtifacts.report],
  async run(context) {
    const { config } = context;
    const minutes = config.timeframes.targetMinutes;
    context.progress.start(config.symbols.length, { unit: 'symbols' });
    const reports: CleanSymbolReport[] = [];
    for (const symbol of config.symbols) {
      const path = context.path(ingestArtifacts.bars(symbol));
      const oneMinute = tableToBars(await readArrowFile(path), path);
      const { bars: cleaned, report } = cleanBars(oneMinute, cleanOptionsFromConfig(config, symbol));
      for (const roll of report.rolls) {
        context.logger.info({ symbol, at: new Date(roll.timestamp).toISOString(), gap: roll.gap, source: roll.source }, 'contract roll back-adjusted');
      }
      const resampled = resampleBars(cleaned, minutes);
      await writeArrowFile(context.path(cleanArtifacts.bars(symbol)), barsToTable(resampled));
      reports.push({
        ...report,
        resample: { minutes, inputBars: cleaned.timestamp.length, outputBars: resampled.timestamp.length },
        output: summary(resampled),
      });
      context.progress.advance();
    }
    await writeJsonAtomic(context.path(cleanArtifacts.report), { stage: 'clean', symbols: reports });
    return {
      metrics: Object.fromEntries(reports.flatMap((report) => [
        [`${report.symbol}.bars`, report.output.bars],
        [`${report.symbol}.rolls`, report.rolls.length],
      ])),
      artifactMetadata: Object.fromEntries(
        reports.map((report) => [cleanArtifacts.bars(report.symbol), { symbol: report.symbol, timeframeMinutes: minutes, ...report.output }]),
      ),
    };
  },
});
