import type { RunConfig } from '@tribar/config';
import { cut, cutFileOf, writeJsonArtifact, type CutFile } from '@tribar/artifacts';
import type { Bars } from '@tribar/market';

/** Write the run's `cut/cut.json` as stage `cut` would, over these clean bars (here: the bars before the features stage's warm-up drop). */
export async function writeCutFixture(runDir: string, config: RunConfig, clean: readonly Bars[]): Promise<CutFile> {
  const value = cutFileOf(Object.fromEntries(clean.map((bars) => [bars.symbol, bars.timestamp])), config.splits);
  await writeJsonArtifact(runDir, cut, value);
  return value;
}
