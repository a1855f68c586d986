/** The clean stage turns the gap report's longest hole into one warning (issue 13: a three-month hole used to pass in silence). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanReport, ingestBars, readJsonArtifact, writeArrowArtifact } from '@tribar/artifacts';
import { defaultConfig, type RunConfig } from '@tribar/config';
import { createStageContext, type Logger } from '@tribar/core';
import { barsToTable } from '@tribar/market';
import { expect, it } from 'vitest';
import { cleanStage } from '../src/internal/stages.js';
import { minuteBars } from './helpers/bars.js';

it('the clean stage warns once about a hole of more than five sessions', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-gaps-stage-'));
  try {
    const config: RunConfig = { ...defaultConfig(), symbols: ['MES'] };
    // Ten minutes on Tuesday 2026-03-03, ten on Thursday 2026-03-12: six sessions (03-04 … 03-11) missing.
    const before = minuteBars('MES', '2026-03-03T15:00:00Z', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const after = minuteBars('MES', '2026-03-12T15:00:00Z', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const join2 = (a: Float64Array, b: Float64Array) => Float64Array.from([...a, ...b]);
    const bars = {
      symbol: 'MES',
      timestamp: join2(before.timestamp, after.timestamp),
      open: join2(before.open, after.open),
      high: join2(before.high, after.high),
      low: join2(before.low, after.low),
      close: join2(before.close, after.close),
      volume: join2(before.volume, after.volume),
      columns: {},
    };
    await writeArrowArtifact(dir, ingestBars('MES'), barsToTable(bars));
    const warnings: unknown[][] = [];
    const logger = {
      warn: (...args: unknown[]) => warnings.push(args),
      info: () => {},
      debug: () => {},
      error: () => {},
      child: () => logger,
    } as unknown as Logger;
    await cleanStage.run(createStageContext({ runDir: dir, config, stage: cleanStage.name, logger }));
    expect(warnings).toEqual([
      [
        { symbol: 'MES', start: '2026-03-03T23:00:00.000Z', end: '2026-03-11T21:00:00.000Z', sessions: 6, missingSessions: 6 },
        'MES: no bars for 6 whole sessions, 2026-03-03T23:00:00.000Z to 2026-03-11T21:00:00.000Z; a split may span the hole',
      ],
    ]);
    const report = await readJsonArtifact(dir, cleanReport);
    expect(report.symbols[0]!.gaps).toMatchObject({ missingSessions: 6, longestHole: { sessions: 6 } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
