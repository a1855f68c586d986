import { resolve } from 'node:path';
import {
  artifactPath,
  cleanBars as cleanBarsArtifact,
  cleanReport,
  ingestBars,
  ingestReport,
  readArrowArtifact,
  STAGE,
  writeArrowArtifact,
  writeJsonArtifact,
  type BarsSummary,
  type CleanSymbolReportFile,
  type IngestSymbolReportFile,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { defineStage, type StageContext } from '@tribar/core';
import { barsToTable, tableToBars, type Bars } from '@tribar/market';
import { cleanBars, cleanOptionsFromConfig } from './clean/clean.js';
import { longHoleWarning } from './clean/gaps.js';
import { readBars } from './read/read-bars.js';
import type { ReadStats } from './read/types.js';
import { repairBars } from './repair/repair.js';
import { resampleBars } from './resample/resample.js';
import { generateSyntheticMarket } from './synthetic/generate.js';

const dataFile = (config: RunConfig, symbol: string): string => resolve(config.data.files[symbol] as string);

function summary(bars: Bars): BarsSummary {
  const n = bars.timestamp.length;
  return {
    bars: n,
    first: n ? new Date(bars.timestamp[0] as number).toISOString() : null,
    last: n ? new Date(bars.timestamp[n - 1] as number).toISOString() : null,
  };
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
    const { bars, stats } = await readBars(file, { ...config.data, symbol, barMinutes: config.timeframes.sourceMinutes });
    for (const warning of stats.warnings ?? []) context.logger.warn({ symbol, file }, warning);
    loaded.push({ bars, read: stats });
  }
  return loaded;
}

/**
 * Rolls come from `clean.rolls.detect` (a `contract` column's changes, else session-open jumps) or from
 * `clean.rolls.calendar`; with detection off only the calendar speaks (clean.ts), contract column or not.
 * When neither can speak for a symbol, a roll would pass as a price jump: say so once.
 */
function warnIfRollsUnknowable(context: StageContext<RunConfig>, symbol: string, bars: Bars): void {
  const { rolls } = context.config.clean;
  if (rolls.adjust === 'none' || rolls.detect) return;
  if (rolls.calendar.some((entry) => entry.symbol === symbol)) return;
  const contract = bars.columns['contract'] !== undefined ? 'its contract column is not read for rolls' : 'no contract column';
  context.logger.warn(
    { symbol },
    `${symbol}: ${contract}, clean.rolls.detect is off and clean.rolls.calendar has no entry for it, so no roll can be found or adjusted; turn detection on or list its rolls`,
  );
}

/** The promise of `defaultContract`'s description: a symbol missing from `contracts` is warned about. */
function warnUnknownContracts(context: StageContext<RunConfig>): void {
  const { config } = context;
  for (const symbol of config.symbols) {
    if (config.contracts[symbol]) continue;
    const { tickSize } = config.defaultContract;
    context.logger.warn(
      { symbol, ...(config.data.source === 'files' ? { file: dataFile(config, symbol) } : {}) },
      `${symbol} has no entry in contracts: defaultContract is used (tick size ${tickSize}), so the tick-grid check and costs may be wrong`,
    );
  }
}

/**
 * `ingest`: one-minute bars per symbol, from the configured files or the seeded synthetic
 * market, validated and repaired; every repair counted in `ingest/ingest-report.json`.
 */
export const ingestStage = defineStage<RunConfig>({
  name: STAGE.ingest,
  description: 'read or generate one-minute bars, validate and repair them',
  dependsOn: [],
  version: 1,
  // `seed` reaches the synthetic market through `context.rng`; the fingerprint holds it already.
  configKeys: ['symbols', 'data', 'contracts', 'defaultContract', 'timeframes.sourceMinutes'],
  inputs: () => [],
  externalInputs: (config) => (config.data.source === 'files' ? config.symbols.map((symbol) => dataFile(config, symbol)) : []),
  outputs: (config) => [...config.symbols.map((symbol) => ingestBars(symbol).path), ingestReport.path],
  async run(context) {
    const { config } = context;
    warnUnknownContracts(context);
    // Every file is read and repaired before anything is written: a bad second file leaves no first one behind.
    const loaded = await loadSymbols(context);
    const repairedAll = loaded.map(({ bars }) => {
      const tickSize = (config.contracts[bars.symbol] ?? config.defaultContract).tickSize;
      return repairBars(bars, { tickSize });
    });
    context.progress.start(loaded.length, { unit: 'symbols' });
    const reports: IngestSymbolReportFile[] = [];
    for (const [k, { bars, read }] of loaded.entries()) {
      const { bars: repaired, report } = repairedAll[k] as (typeof repairedAll)[number];
      for (const warning of report.warnings) context.logger.warn({ symbol: bars.symbol }, warning);
      await writeArrowArtifact(context.runDir, ingestBars(bars.symbol), barsToTable(repaired));
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
    await writeJsonArtifact(context.runDir, ingestReport, { stage: STAGE.ingest, symbols: reports });
    return {
      metrics: Object.fromEntries(reports.map((report) => [`${report.symbol}.bars`, report.output.bars])),
      artifactMetadata: Object.fromEntries(
        reports.map((report) => [ingestBars(report.symbol).path, { symbol: report.symbol, timeframeMinutes: 1, ...report.output }]),
      ),
    };
  },
});

/**
 * One symbol's bars cleaned, resampled and written; returns its report. A function of its own, so that when it
 * returns nothing of its one-minute bars is reachable: a loop body's variables stay referenced into the next turn
 * (the interpreter keeps them in its registers), which held one symbol's bars while the next was cleaned.
 */
async function cleanSymbol(context: StageContext<RunConfig>, symbol: string): Promise<CleanSymbolReportFile> {
  const { config } = context;
  const minutes = config.timeframes.targetMinutes;
  const source = ingestBars(symbol);
  const oneMinute = tableToBars(await readArrowArtifact(context.runDir, source), artifactPath(context.runDir, source));
  warnIfRollsUnknowable(context, symbol, oneMinute);
  // Handed over: the one-minute bars are adjusted where they lie, not copied (one copy of them less at the peak).
  const { bars: cleaned, report } = cleanBars(oneMinute, cleanOptionsFromConfig(config, symbol), { owned: true });
  const hole = longHoleWarning(symbol, report.gaps);
  if (hole) context.logger.warn(hole.fields, hole.message);
  for (const roll of report.rolls) {
    context.logger.info(
      {
        symbol,
        at: new Date(roll.timestamp).toISOString(),
        gap: roll.gap,
        source: roll.source,
        direction: report.rollAdjustment.direction,
      },
      'contract roll adjusted',
    );
  }
  const resampled = resampleBars(cleaned, minutes);
  await writeArrowArtifact(context.runDir, cleanBarsArtifact(symbol), barsToTable(resampled));
  return {
    ...report,
    resample: { minutes, inputBars: cleaned.timestamp.length, outputBars: resampled.timestamp.length },
    output: summary(resampled),
  };
}

/**
 * `clean`: calendar-aware gap filling, outliers, contract-roll adjustment (back, or causal forward), then resampling
 * to `timeframes.targetMinutes` without spanning a session break.
 */
export const cleanStage = defineStage<RunConfig>({
  name: STAGE.clean,
  description: 'fill session gaps, handle outliers, adjust rolls, resample',
  dependsOn: [STAGE.ingest],
  version: 1,
  configKeys: ['symbols', 'clean', 'timeframes.targetMinutes', 'contracts', 'defaultContract'],
  inputs: (config) => config.symbols.map((symbol) => ingestBars(symbol).path),
  outputs: (config) => [...config.symbols.map((symbol) => cleanBarsArtifact(symbol).path), cleanReport.path],
  async run(context) {
    const { config } = context;
    const minutes = config.timeframes.targetMinutes;
    context.progress.start(config.symbols.length, { unit: 'symbols' });
    const reports: CleanSymbolReportFile[] = [];
    for (const symbol of config.symbols) {
      reports.push(await cleanSymbol(context, symbol));
      context.progress.advance();
    }
    await writeJsonArtifact(context.runDir, cleanReport, { stage: STAGE.clean, symbols: reports });
    return {
      metrics: Object.fromEntries(
        reports.flatMap((report) => [
          [`${report.symbol}.bars`, report.output.bars],
          [`${report.symbol}.rolls`, report.rolls.length],
        ]),
      ),
      artifactMetadata: Object.fromEntries(
        reports.map((report) => [
          cleanBarsArtifact(report.symbol).path,
          { symbol: report.symbol, timeframeMinutes: minutes, ...report.output },
        ]),
      ),
    };
  },
});
