import { writeArrowFile, writeJsonAtomic } from '@tribar/core';
import { barsToTable, type Bars } from '@tribar/market';
import { repairBars, type RepairOptions, type RepairReport } from '../repair/repair.js';
import { readBars } from './read-bars.js';
import type { ReadOptions, ReadStats } from './types.js';

export interface IngestFileOptions extends ReadOptions, RepairOptions {
  /** Where the repaired bars go, as an Arrow IPC file. */
  outputPath: string;
  /** Where `{ read, repair }` goes as JSON; omitted → not written. */
  reportPath?: string;
}

export interface IngestFileReport {
  read: ReadStats;
  repair: RepairReport;
}

/**
 * Read, repair and write one symbol's bars. Nothing is written until the whole file has been
 * read and repaired, and both outputs are written atomically, so a failing read (bad row,
 * truncated file) never leaves a half-written artifact behind.
 */
export async function ingestBarsFile(path: string, options: IngestFileOptions): Promise<{ bars: Bars; report: IngestFileReport }> {
  const { stats, bars: raw } = await readBars(path, options);
  const { bars, report } = repairBars(raw, options);
  const ingestReport: IngestFileReport = { read: stats, repair: report };
  await writeArrowFile(options.outputPath, barsToTable(bars));
  if (options.reportPath) await writeJsonAtomic(options.reportPath, ingestReport);
  return { bars, report: ingestReport };
}
