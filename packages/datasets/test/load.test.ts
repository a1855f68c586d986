import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDataModule } from '../src/internal/load.js';
import type { SequenceDataset } from '../src/internal/types.js';
import { writeRunFixture } from './fixture.js';

let runDir = '';
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'tribar-datasets-'));
});
afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

describe('loadDataModule', () => {
  it('reads a run folder into train/val/test, market rows and barrier facts', async () => {
    await writeRunFixture(runDir);
    const m = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' });
    expect(m.barMinutes).toBe(5);
    expect(m.featureNames).toEqual(['f0', 'f1']);
    expect([...m.train.rowIndex]).toEqual([0, 2, 3, 5, 6, 7]);
    expect([...m.val.rowIndex]).toEqual([9, 11]);
    expect(m.test.rows).toBe(0);
    expect(m.barrier).toEqual({ kUp: 2, kDown: 1.5, maxBars: 10, atrFeature: 'atr_14', sameBarRule: 'nearerOpen' });
    expect(m.market.close).toHaveLength(12);
    expect(m.market.close[3]).toBe(5004); // 5000 + row 3 + 1
    expect(m.market.atr[0]).toBe(4);
    expect([...m.market.labelEndIndex.subarray(9)]).toEqual([11, 11, 11]);
  });

  it('builds session-aware windows with the bar length from config.json', async () => {
    await writeRunFixture(runDir);
    const m = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'sequence', lookback: 3, features: ['f1'] });
    const train = m.train as SequenceDataset;
    expect([...train.rowIndex]).toEqual([2, 3, 5]);
    expect(train.shape).toEqual([3, 1]);
    expect([...train.slice(0, 1)]).toEqual([100, 101, 102]);
    const crossing = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'sequence', lookback: 3, crossSessions: true });
    expect([...crossing.train.rowIndex]).toEqual([2, 3, 5, 6, 7]);
  });

  it('a missing file is named, with the run symbols in the hint', async () => {
    await writeRunFixture(runDir);
    await unlink(join(runDir, 'splits', 'MES.arrow'));
    await expect(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' })).rejects.toThrow(
      /splits\/MES\.arrow: missing file[\s\S]*Symbols with scaled data in this run: MES/,
    );
    await expect(loadDataModule({ runDir, symbol: 'MGC', horizon: 5, kind: 'tabular' })).rejects.toThrow(
      /scale\/MGC\.arrow: missing file[\s\S]*MES/,
    );
  });

  it('a horizon the run did not label names the file, the column and the labeled horizons', async () => {
    await writeRunFixture(runDir);
    await expect(loadDataModule({ runDir, symbol: 'MES', horizon: 20, kind: 'tabular' })).rejects.toThrow(
      /labels\/MES\.arrow: missing column 'label_h20'[\s\S]*Horizons labeled in this run: 5/,
    );
  });

  it('a missing feature names the scale file', async () => {
    await writeRunFixture(runDir);
    await expect(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular', features: ['f0', 'rsi_14'] })).rejects.toThrow(
      /scale\/MES\.arrow: missing column 'rsi_14'/,
    );
  });

  it('a row-count mismatch names the file', async () => {
    await writeRunFixture(runDir, { featureRows: 11 });
    await expect(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' })).rejects.toThrow(
      /features\/MES\.arrow: 11 rows, but .*labels\/MES\.arrow has 12/,
    );
  });

  it('a timestamp mismatch names the file and the row', async () => {
    await writeRunFixture(runDir, { shiftSplitRow: 4 });
    await expect(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' })).rejects.toThrow(
      /splits\/MES\.arrow: row 5: timestamp 2026-01-05T14:21:00\.000Z differs from 2026-01-05T14:20:00\.000Z/,
    );
  });

  it('a missing labels report is named', async () => {
    await writeRunFixture(runDir);
    await unlink(join(runDir, 'labels', 'report.json'));
    await expect(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' })).rejects.toThrow(
      /labels\/report\.json: cannot read the file/,
    );
  });
});
