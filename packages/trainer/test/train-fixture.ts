import type { LabelsReportFile } from '@tribar/artifacts';
import { loadConfig, type RunConfig } from '@tribar/config';
import { Rng, writeArrowFile, writeJsonAtomic } from '@tribar/core';
import { Float64, Int8, makeData, makeVector, Table, TimestampMillisecond, type Vector } from 'apache-arrow';
import { join } from 'node:path';

// The train tests' fixture, shared by every trainer test that needs a small Phase 1 run.
// A tiny Phase 1 run of one symbol (MES) at horizon 5: 910 five-minute bars,
//   rows   0…599 train, 600…604 purge gap (−1), 605…754 val, 755…759 gap, 760…909 test.
// Every 37th row and the last 6 rows have invalid labels (−99). feature0 = label + noise, so a
// linear model learns something; the other features are noise or weaker signal.
const N = 910;
const START = Date.UTC(2026, 0, 5, 14, 0);
const STEP = 5 * 60_000;
const MAX_BARS = 6;
const splitOf = (i: number) => (i < 600 ? 0 : i < 605 ? -1 : i < 755 ? 1 : i < 760 ? -1 : 2);

export interface Fixture {
  label: Float64Array;
  split: Int8Array;
  /** Valid-label rows per split, as the datasets count them. */
  counts: { train: number; val: number; test: number };
}

function timestamps(n: number): Vector {
  const ms = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ms[i] = BigInt(START + i * STEP);
  return makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: n, data: ms }));
}
const f64 = (data: Float64Array) => makeVector({ type: new Float64(), data });

export async function writeFixture(runDir: string): Promise<Fixture> {
  const rng = new Rng(11);
  const label = new Float64Array(N);
  const weight = new Float64Array(N);
  const end = new Float64Array(N);
  const split = new Int8Array(N);
  const counts = { train: 0, val: 0, test: 0 };
  for (let i = 0; i < N; i++) {
    const u = rng.next();
    const invalid = i % 37 === 0 || i >= N - MAX_BARS;
    label[i] = invalid ? -99 : u < 0.35 ? -1 : u < 0.65 ? 0 : 1;
    weight[i] = rng.uniform(0.5, 1.5);
    end[i] = i >= N - MAX_BARS ? Number.NaN : i + MAX_BARS;
    split[i] = splitOf(i);
    if (!invalid && split[i]! >= 0) counts[(['train', 'val', 'test'] as const)[split[i]!]!]++;
  }
  const features: Record<string, Float64Array> = {};
  for (let j = 0; j < 6; j++) features[`feature${j}`] = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const y = label[i] === -99 ? 0 : label[i]!;
    features['feature0']![i] = y + rng.normal(0, 0.7);
    features['feature1']![i] = -0.5 * y + rng.normal(0, 1);
    for (let j = 2; j < 6; j++) features[`feature${j}`]![i] = rng.normal(0, 1);
  }
  // A random walk on the MES tick (0.25) with a high and low that contain its open and close.
  const open = new Float64Array(N);
  const high = new Float64Array(N);
  const low = new Float64Array(N);
  const close = new Float64Array(N);
  const atr = new Float64Array(N);
  let previous = 5000;
  for (let i = 0; i < N; i++) {
    open[i] = previous;
    close[i] = previous + Math.round(rng.normal(0, 4)) * 0.25;
    high[i] = Math.max(open[i]!, close[i]!) + rng.int(0, 4) * 0.25;
    low[i] = Math.min(open[i]!, close[i]!) - rng.int(0, 4) * 0.25;
    atr[i] = i === 0 ? high[0]! - low[0]! : (13 * atr[i - 1]! + (high[i]! - low[i]!)) / 14;
    previous = close[i]!;
  }
  const table = (columns: Record<string, Vector>) => new Table({ timestamp: timestamps(N), ...columns });
  const floats = (columns: Record<string, Float64Array>) => Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, f64(v)]));
  await writeArrowFile(join(runDir, 'scale/MES.arrow'), table(floats(features)));
  await writeArrowFile(
    join(runDir, 'labels/MES.arrow'),
    table(floats({ label_h5: label, sample_weight_h5: weight, label_end_index_h5: end })),
  );
  await writeArrowFile(join(runDir, 'splits/MES.arrow'), table({ split_h5: makeVector({ type: new Int8(), data: split }) }));
  await writeArrowFile(join(runDir, 'features/MES.arrow'), table(floats({ open, high, low, close, atr_14: atr })));
  await writeJsonAtomic(join(runDir, 'labels/report.json'), labelsReport({ kUp: 1.5, kDown: 1, maxBars: MAX_BARS }));
  await writeJsonAtomic(join(runDir, 'config.json'), { timeframes: { targetMinutes: 5 } });
  return { label, split, counts };
}

export const configWith = async (...overrides: string[]): Promise<RunConfig> =>
  (await loadConfig({ overrides: ['symbols=["MES"]', 'horizons=[5]', ...overrides] })).config;

export function labelsReport(params: { kUp: number; kDown: number; maxBars: number }): LabelsReportFile {
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
        '5': {
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
