import type { GaSummaryFile } from '@tribar/artifacts';
import { parseConfig, type RunConfig, type RunConfigInput } from '@tribar/config';
import { Rng, silentLogger, writeArrowFile, createStageContext, type Logger, type StageContext, type StageDefinition } from '@tribar/core';
import { barsToTable } from '@tribar/market';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gaOptimizeStage } from '../src/internal/stage.js';
import { randomWalkBars, writeCutFixture, type SeriesBars } from './helpers.js';

const SMALL_GA: RunConfigInput = {
  horizons: [5],
  ga: { populationSize: 12, generations: 3, workers: 1, minSubsetBars: 500, minTrades: 50 },
};

export function config(overrides: RunConfigInput = {}): RunConfig {
  return parseConfig({ ...SMALL_GA, ...overrides, ga: { ...SMALL_GA.ga, ...overrides.ga } });
}

export const seriesFor = (symbol: string) => randomWalkBars(4000, symbol === 'MES' ? 1 : 2, symbol === 'MES' ? 4500 : 1950);

/**
 * A run folder under `root` with features files for MES and MGC and the run's cut (`cut/cut.json`,
 * computed as stage `cut` does, unless `trainEndMs` overrides it); `edit` may change the bars first.
 */
export async function runFolder(
  root: string,
  name: string,
  edit?: (symbol: string, bars: SeriesBars) => void,
  trainEndMs?: number,
): Promise<string> {
  const runDir = join(root, name);
  await mkdir(join(runDir, 'features'), { recursive: true });
  const timestamps: Record<string, Float64Array> = {};
  for (const symbol of ['MES', 'MGC']) {
    const bars = seriesFor(symbol);
    edit?.(symbol, bars);
    const { atr, ...ohlcv } = bars;
    timestamps[symbol] = bars.timestamp;
    await writeArrowFile(join(runDir, 'features', `${symbol}.arrow`), barsToTable({ symbol, ...ohlcv, columns: { atr_14: atr } }));
  }
  await writeCutFixture(runDir, timestamps, config().splits, trainEndMs);
  return runDir;
}

/** Run the stage on a run folder (stage rng `new Rng(seed)`) and read its outputs back. */
export async function run(
  runDir: string,
  runConfig: RunConfig,
  options: { seed?: number; logger?: Logger; stage?: StageDefinition<RunConfig> } = {},
) {
  const context: StageContext<RunConfig> = createStageContext({
    runId: 'test',
    runDir,
    config: runConfig,
    logger: options.logger ?? silentLogger(),
    rng: new Rng(options.seed ?? 1),
  });
  const outcome = (await (options.stage ?? gaOptimizeStage).run(context)) ?? {};
  const summary = JSON.parse(await readFile(join(runDir, 'ga-optimize', 'summary.json'), 'utf8')) as GaSummaryFile;
  const report = async (symbol: string, horizon: number) =>
    JSON.parse(await readFile(join(runDir, 'ga-optimize', `${symbol}_h${horizon}.json`), 'utf8')) as Record<string, unknown>;
  return { outcome, summary, report };
}
