import type { RunConfig } from '@tribar/config';
import { cut, writeJsonArtifact, type CutFile } from '@tribar/artifacts';
import { calendarCuts, type Bars } from '@tribar/market';

/**
 * Write the run's `cut/cut.json` as stage `cut` would: `calendarCuts` over every symbol's clean
 * bars (here: the bars before the features stage's warm-up drop) with the configured split ratios.
 */
export async function writeCutFixture(runDir: string, config: RunConfig, clean: readonly Bars[]): Promise<CutFile> {
  const ratios = { train: config.splits.train, val: config.splits.val, test: config.splits.test };
  const { trainEnd, valEnd } = calendarCuts(
    clean.map((bars) => bars.timestamp),
    ratios,
  );
  const value: CutFile = {
    version: 1,
    trainEndMs: trainEnd,
    trainEnd: new Date(trainEnd).toISOString(),
    valEndMs: valEnd,
    valEnd: new Date(valEnd).toISOString(),
    ratios,
    bars: Object.fromEntries(clean.map((bars) => [bars.symbol, bars.timestamp.length])),
  };
  await writeJsonArtifact(runDir, cut, value);
  return value;
}
