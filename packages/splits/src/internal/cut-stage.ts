import type { RunConfig } from '@tribar/config';
import { artifactPath, cleanBars, cut, cutFileOf, readArrowArtifact, STAGE, writeJsonArtifact, TIMESTAMP_COLUMN } from '@tribar/artifacts';
import { DataError, defineStage, type StageContext, type StageDefinition } from '@tribar/core';
import { tableToBars } from '@tribar/market';

/** The clean bar times of one symbol, checked: at least one bar, every time finite. */
async function cleanTimes(runDir: string, symbol: string): Promise<Float64Array> {
  const artifact = cleanBars(symbol);
  const file = artifactPath(runDir, artifact);
  const { timestamp } = tableToBars(await readArrowArtifact(runDir, artifact), file);
  if (timestamp.length === 0)
    throw new DataError('no bars', { file }, { hint: `Check the ${STAGE.clean} stage's report for symbol ${symbol}.` });
  for (let i = 0; i < timestamp.length; i++) {
    if (!Number.isFinite(timestamp[i] as number)) {
      throw new DataError(
        'timestamp is missing or not finite',
        { file, row: i + 1, field: TIMESTAMP_COLUMN },
        { hint: `Re-run the ${STAGE.clean} stage.` },
      );
    }
  }
  return timestamp;
}

/**
 * Pipeline stage `cut`: THE calendar cut into train, validation and test, made once from every
 * symbol's clean bars and written to `cut/cut.json`. Every stage that needs "the train part"
 * (features, ga-optimize, labels-final, splits, scale, validate) reads it instead of cutting itself.
 */
export const cutStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.cut,
  description: 'One calendar cut into train/val/test for all symbols and all stages, from the clean bars.',
  dependsOn: [STAGE.clean],
  version: 1,
  configKeys: ['symbols', 'splits.train', 'splits.val', 'splits.test'],
  inputs: (config) => config.symbols.map((symbol) => cleanBars(symbol).path),
  outputs: () => [cut.path],
  async run(context: StageContext<RunConfig>) {
    const { config, logger } = context;
    const times: Record<string, Float64Array> = {};
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      times[symbol] = await cleanTimes(context.runDir, symbol);
    }
    const file = cutFileOf(times, config.splits);
    await writeJsonArtifact(context.runDir, cut, file);
    logger.info({ trainEnd: file.trainEnd, valEnd: file.valEnd, bars: file.bars }, 'calendar cut');
    return { metrics: { symbols: config.symbols.length, trainEnd: file.trainEnd, valEnd: file.valEnd } };
  },
});
