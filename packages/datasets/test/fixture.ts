import type { LabelsReportFile } from '@tribar/artifacts';
import { writeArrowFile, writeJsonAtomic } from '@tribar/core';
import { tableFromArrays } from 'apache-arrow';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const BAR_MS = 5 * 60_000;

/**
 * The hand-made 12-row case (5-minute bars, minutes since 0):
 *   row        0  1  2  3  4  5 |  6  7  8  9 10 11
 *   minute     0  5 10 15 20 25 | 85 90 95 100 105 110   (60-minute halt between rows 5 and 6)
 *   session    0  0  0  0  0  0 |  1  1  1  1  1  1
 *   split      0  0  0  0  0  0 |  0  0 -1  1  1  1      (row 8 purged between train and val)
 *   label      1  0 -1  1 -99 0 | -1  1  0  1  0 -1
 *   weight     1 -1  2  1  0  3 |  1  1  1  1 NaN 0.5
 */
export const CASE = {
  minutes: [0, 5, 10, 15, 20, 25, 85, 90, 95, 100, 105, 110],
  split: [0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 1, 1],
  label: [1, 0, -1, 1, -99, 0, -1, 1, 0, 1, 0, -1],
  weight: [1, -1, 2, 1, 0, 3, 1, 1, 1, 1, Number.NaN, 0.5],
};

export const T0 = Date.UTC(2026, 0, 5, 14, 0);

export function caseColumns() {
  const n = CASE.minutes.length;
  const timestampMs = Float64Array.from(CASE.minutes, (m) => T0 + m * 60_000);
  // Feature values encode their row so a copied value names where it came from: f0 = row, f1 = 100 + row.
  const f0 = Float64Array.from({ length: n }, (_, i) => i);
  const f1 = Float64Array.from({ length: n }, (_, i) => 100 + i);
  return {
    features: [f0, f1],
    featureNames: ['f0', 'f1'],
    label: Float64Array.from(CASE.label),
    weight: Float64Array.from(CASE.weight),
    split: Int8Array.from(CASE.split),
    timestampMs,
    symbol: 'MES',
    horizon: 5,
  };
}

export interface FixtureOptions {
  /** Rows of features/MES.arrow (default 12) to make a row-count mismatch. */
  featureRows?: number;
  /** Shift one timestamp of splits/MES.arrow. */
  shiftSplitRow?: number;
}

/** A tiny run folder with the pipeline's file and column names, for horizon 5 of MES. */
export async function writeRunFixture(runDir: string, options: FixtureOptions = {}): Promise<void> {
  const c = caseColumns();
  const n = c.timestampMs.length;
  for (const dir of ['scale', 'labels', 'splits', 'features']) await mkdir(join(runDir, dir), { recursive: true });
  const [f0, f1] = c.features as [Float64Array, Float64Array];
  await writeArrowFile(join(runDir, 'scale', 'MES.arrow'), tableFromArrays({ timestamp: c.timestampMs, f0, f1 }));
  await writeArrowFile(
    join(runDir, 'labels', 'MES.arrow'),
    tableFromArrays({
      timestamp: c.timestampMs,
      label_h5: Int8Array.from(CASE.label),
      bars_to_hit_h5: Int32Array.from({ length: n }, () => 2),
      label_end_index_h5: Int32Array.from({ length: n }, (_, i) => Math.min(i + 2, n - 1)),
      sample_weight_h5: c.weight,
    }),
  );
  const splitTime = Float64Array.from(c.timestampMs);
  if (options.shiftSplitRow !== undefined) splitTime[options.shiftSplitRow] = (splitTime[options.shiftSplitRow] as number) + 60_000;
  await writeArrowFile(
    join(runDir, 'splits', 'MES.arrow'),
    tableFromArrays({ timestamp: splitTime, split_h5: Int8Array.from(CASE.split) }),
  );
  const m = options.featureRows ?? n;
  const price = (offset: number) => Float64Array.from({ length: m }, (_, i) => 5000 + i + offset);
  await writeArrowFile(
    join(runDir, 'features', 'MES.arrow'),
    tableFromArrays({
      timestamp: c.timestampMs.slice(0, m),
      open: price(0),
      high: price(2),
      low: price(-2),
      close: price(1),
      volume: price(0),
      atr_14: Float64Array.from({ length: m }, () => 4),
    }),
  );
  await writeJsonAtomic(join(runDir, 'labels', 'report.json'), labelsReportFile({ kUp: 2, kDown: 1.5, maxBars: 10 }));
  await writeJsonAtomic(join(runDir, 'config.json'), {
    symbols: ['MES'],
    horizons: [5],
    timeframes: { sourceMinutes: 1, targetMinutes: 5 },
  });
}

/** A `labels/report.json` in the contract's full shape with one MES entry at horizon `horizon`. */
export function labelsReportFile(params: { kUp: number; kDown: number; maxBars: number }, horizon = 5): LabelsReportFile {
  const mix = { rows: 0, valid: 0, invalid: 0, long: 0, short: 0, neutral: 0, longShare: 0, shortShare: 0, neutralShare: 0 };
  return {
    trainEnd: '2026-01-08T20:00:00.000Z',
    sameBarRule: 'nearerOpen',
    costAware: false,
    atrFeature: 'atr_14',
    percentilesFrom: 'train',
    invalidPolicy: 'label -99 rows carry weight 0',
    symbols: {
      MES: {
        [String(horizon)]: {
          params,
          source: 'ga',
          costPrice: 0,
          mix: { all: mix, train: mix },
          quality: {
            mean: null,
            scales: { mae: null, mfe: null, painToGain: null, timeWeightedDd: null },
            tierCuts: { low: null, high: null },
            weightCounts: { low: 0, mid: 0, high: 0, zero: 0 },
            percentileRows: 0,
          },
        },
      },
    },
  };
}
