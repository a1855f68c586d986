import { ArtifactError, readArrowFile, writeArrowFile, writeJsonAtomic } from '@tribar/core';
import { DataType } from 'apache-arrow';
import { mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDataModule } from '../src/internal/load.js';
import type { SequenceDataset, TabularDataset } from '../src/internal/types.js';
import { TWELVE, f0Of, f1Of, tableWithTime, twelveColumns } from './twelve-rows.js';
import { labelsReportFile } from './fixture.js';

interface RunOptions {
  /** Rows written to splits/MES.arrow (default all 12). */
  splitRows?: number;
  /** Move one timestamp of scale/MES.arrow by a minute. */
  shiftScaleRow?: number;
  config?: boolean;
}

/**
 * The 12-row case as a Phase 1 run folder, with the pipeline's file and column names and its
 * timestamp type (UTC milliseconds). Prices: open = 5000 + row, high = open + 3, low = open − 2,
 * close = open + 1, atr_14 = 2 + row / 4; label_end_index_h5 = min(row + 6, 11) (maxBars 6).
 */
async function writeRun(runDir: string, options: RunOptions = {}): Promise<void> {
  const c = twelveColumns();
  const n = c.timestampMs.length;
  for (const dir of ['scale', 'labels', 'splits', 'features']) await mkdir(join(runDir, dir), { recursive: true });
  const scaleTime = Float64Array.from(c.timestampMs);
  if (options.shiftScaleRow !== undefined) scaleTime[options.shiftScaleRow] = (scaleTime[options.shiftScaleRow] as number) + 60_000;
  const [f0, f1] = c.features as [Float64Array, Float64Array];
  await writeArrowFile(join(runDir, 'scale', 'MES.arrow'), tableWithTime(scaleTime, { f0, f1 }));
  await writeArrowFile(
    join(runDir, 'labels', 'MES.arrow'),
    tableWithTime(c.timestampMs, {
      label_h5: Int8Array.from(TWELVE.label),
      sample_weight_h5: Float64Array.from(TWELVE.weight),
      label_end_index_h5: Int32Array.from({ length: n }, (_, r) => Math.min(r + 6, n - 1)),
    }),
  );
  const m = options.splitRows ?? n;
  await writeArrowFile(
    join(runDir, 'splits', 'MES.arrow'),
    tableWithTime(c.timestampMs.slice(0, m), { split_h5: Int8Array.from(TWELVE.split.slice(0, m)) }),
  );
  const open = Float64Array.from({ length: n }, (_, r) => 5000 + r);
  await writeArrowFile(
    join(runDir, 'features', 'MES.arrow'),
    tableWithTime(c.timestampMs, {
      open,
      high: open.map((v) => v + 3),
      low: open.map((v) => v - 2),
      close: open.map((v) => v + 1),
      atr_14: Float64Array.from({ length: n }, (_, r) => 2 + r / 4),
    }),
  );
  await writeJsonAtomic(join(runDir, 'labels', 'report.json'), labelsReportFile({ kUp: 2, kDown: 1, maxBars: 6 }));
  if (options.config ?? true) await writeJsonAtomic(join(runDir, 'config.json'), { timeframes: { targetMinutes: 5 } });
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

let runDir = '';
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'tribar-datasets-run-'));
});
afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

describe('loadDataModule on a run folder with train, val and test rows', () => {
  it('tabular: exact rows of each split, features rounded to float32', async () => {
    await writeRun(runDir);
    const written = await readArrowFile(join(runDir, 'labels', 'MES.arrow'));
    expect(DataType.isTimestamp(written.schema.fields[0]?.type)).toBe(true);
    const m = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' });
    expect(m.barMinutes).toBe(5);
    expect(m.featureNames).toEqual(['f0', 'f1']);
    // Train 0–3 minus row 2 (weight −0.5); val 6–9 minus row 7 (−99); test 10–11 minus row 10 (NaN weight).
    expect([...m.train.rowIndex]).toEqual([0, 1, 3]);
    expect([...m.val.rowIndex]).toEqual([6, 8, 9]);
    expect([...m.test.rowIndex]).toEqual([11]);
    expect([m.train.rows, m.val.rows, m.test.rows]).toEqual([3, 3, 1]);
    const val = m.val as TabularDataset;
    expect([...val.x]).toEqual([6, 8, 9].flatMap((r) => [Math.fround(f0Of(r)), Math.fround(f1Of(r))]));
    expect([...val.y]).toEqual([2, 1, 0]);
    expect([...val.weights]).toEqual([1, 1.25, 3]);
    expect([...val.timestampMs]).toEqual([6, 8, 9].map((r) => twelveColumns().timestampMs[r]));
  });

  it('sequence: exact window ends with and without crossing the halt, features picked by name', async () => {
    await writeRun(runDir);
    const m = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'sequence', lookback: 2 });
    // Lookback 2, sessions kept (halt before row 8): train 1, 3; val 9; test 11.
    expect([...m.train.rowIndex]).toEqual([1, 3]);
    expect([...m.val.rowIndex]).toEqual([9]);
    expect([...m.test.rowIndex]).toEqual([11]);
    expect(m.train.shape).toEqual([2, 2]);
    const crossing = await loadDataModule({
      runDir,
      symbol: 'MES',
      horizon: 5,
      kind: 'sequence',
      lookback: 3,
      crossSessions: true,
      features: ['f1'],
    });
    expect([...crossing.val.rowIndex]).toEqual([8, 9]);
    const val = crossing.val as SequenceDataset;
    expect(val.shape).toEqual([3, 1]);
    expect([...val.slice(0, 1)]).toEqual([6, 7, 8].map((r) => Math.fround(f1Of(r))));
  });

  it('market rows and barrier facts cover every row of the symbol', async () => {
    await writeRun(runDir);
    const m = await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' });
    expect(m.barrier).toEqual({ kUp: 2, kDown: 1, maxBars: 6, atrFeature: 'atr_14', sameBarRule: 'nearerOpen' });
    expect([...m.market.open]).toEqual(Array.from({ length: 12 }, (_, r) => 5000 + r));
    expect([...m.market.high]).toEqual(Array.from({ length: 12 }, (_, r) => 5003 + r));
    expect([...m.market.low]).toEqual(Array.from({ length: 12 }, (_, r) => 4998 + r));
    expect([...m.market.close]).toEqual(Array.from({ length: 12 }, (_, r) => 5001 + r));
    expect([...m.market.atr]).toEqual(Array.from({ length: 12 }, (_, r) => 2 + r / 4));
    expect([...m.market.labelEndIndex]).toEqual([6, 7, 8, 9, 10, 11, 11, 11, 11, 11, 11, 11]);
    expect([...m.market.timestampMs]).toEqual([...twelveColumns().timestampMs]);
  });

  it('without config.json the bar length is the median step (5 minutes)', async () => {
    await writeRun(runDir, { config: false });
    // Steps: ten of 5 minutes and one of 60 → median 5.
    expect((await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' })).barMinutes).toBe(5);
  });

  it("the run's config.json decides the bar length, not the median step", async () => {
    await writeRun(runDir);
    await writeJsonAtomic(join(runDir, 'config.json'), { timeframes: { targetMinutes: 3 } });
    expect((await loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' })).barMinutes).toBe(3);
  });
});

describe('loadDataModule errors', () => {
  it('a config.json that breaks the config schema fails naming the field, instead of a silent default', async () => {
    await writeRun(runDir);
    await writeJsonAtomic(join(runDir, 'config.json'), { timeframes: { targetMinutes: 'five' } });
    await expect(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' })).rejects.toThrow(/timeframes\.targetMinutes/);
  });

  it('a missing file is an ArtifactError whose message holds the path', async () => {
    await writeRun(runDir);
    const path = join(runDir, 'features', 'MES.arrow');
    await unlink(path);
    const error = await rejection(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' }));
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('a horizon the run did not label names label_h20 and the labeled horizons', async () => {
    await writeRun(runDir);
    const error = await rejection(loadDataModule({ runDir, symbol: 'MES', horizon: 20, kind: 'sequence', lookback: 2 }));
    expect(error).toBeInstanceOf(ArtifactError);
    expect(error.message).toContain(join(runDir, 'labels', 'MES.arrow'));
    expect(error.message).toContain("missing column 'label_h20'");
    expect(error.message).toContain('Horizons labeled in this run: 5;');
  });

  it('a row-count mismatch names the short file', async () => {
    await writeRun(runDir, { splitRows: 10 });
    const error = await rejection(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' }));
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).path).toBe(join(runDir, 'splits', 'MES.arrow'));
    expect(error.message).toContain('10 rows, but');
    expect(error.message).toContain('has 12');
  });

  it('a timestamp mismatch names the file and the row', async () => {
    await writeRun(runDir, { shiftScaleRow: 9 });
    const error = await rejection(loadDataModule({ runDir, symbol: 'MES', horizon: 5, kind: 'tabular' }));
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).path).toBe(join(runDir, 'scale', 'MES.arrow'));
    // Row 10 (1-based) is minute 100 after Thu 20:00 = 21:40; shifted to 21:41.
    expect(error.message).toContain('row 10: timestamp 2026-01-08T21:41:00.000Z differs from 2026-01-08T21:40:00.000Z');
  });
});
