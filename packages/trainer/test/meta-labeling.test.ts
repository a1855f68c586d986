import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataModule } from '@tribar/datasets';
import { createDefaultRegistry } from '@tribar/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaLabels, primarySides } from '../src/internal/meta-labeling.js';
import { checkTrainSection, trainModel } from '../src/internal/train.js';
import { configWith, writeFixture } from './train-fixture.js';

const MES = { tickSize: 0.25, tickValue: 1.25, roundTripTicks: 1.5 };

describe('meta-labels (AFML §3.6)', () => {
  it('marks a side profitable only when it beats the round-trip cost by the label’s end', () => {
    // Rows at bars 0, 1, 2; labels end 2 bars later. close: 100, 100.25, 101, 100.5, 99.
    const data = {
      market: { close: Float64Array.from([100, 100.25, 101, 100.5, 99]), labelEndIndex: Float64Array.from([2, 3, 4, NaN, NaN]) },
      barrier: { maxBars: 2 },
    } as unknown as DataModule;
    const side = Int8Array.from([1, 1, -1]);
    // Long 100 → 101: +4 − 1.5 > 0 → 1; long 100.25 → 100.5: +1 − 1.5 < 0 → 0; short 101 → 99: +8 − 1.5 → 1.
    expect([...metaLabels(side, Int32Array.from([0, 1, 2]), data, MES)]).toEqual([1, 0, 1]);
    expect([...metaLabels(Int8Array.from([0, 1, 0]), Int32Array.from([0, 1, 2]), data, MES)]).toEqual([-1, 0, -1]);
  });

  it('takes the side of a long/short argmax at the threshold', () => {
    const proba = Float32Array.from([0.1, 0.2, 0.7, 0.45, 0.3, 0.25, 0.2, 0.6, 0.2]);
    expect([...primarySides(proba, 3, 0.5)]).toEqual([1, 0, 0]);
    expect([...primarySides(proba, 3, 0.4)]).toEqual([1, -1, 0]);
  });
});

describe('trainModel with train.metaLabeling', () => {
  let root: string;
  let runDir: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tribar-meta-'));
    runDir = join(root, 'run');
    await writeFixture(runDir);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('fits the secondary on val and acts on a subset of the primary’s test sides', async () => {
    const config = await configWith('train.metaLabeling.enabled=true', 'train.metaLabeling.threshold=0.5');
    const result = await trainModel({ runDir, symbol: 'MES', horizon: 5, model: 'logistic', registry: createDefaultRegistry(), config });
    const metrics = JSON.parse(await readFile(join(runDir, 'train/logistic-MES-h5/metrics.json'), 'utf8'));
    expect(metrics.metaLabeling.secondary).toBe('logistic');
    expect(metrics.metaLabeling.valSamples).toBeGreaterThan(0);
    expect(metrics.metaLabeling.valSamples).toBeLessThanOrEqual(result.rows.val);
    expect(metrics.metaLabeling.testActed).toBeLessThanOrEqual(metrics.metaLabeling.testSides);
    // Acting on fewer sides never trades more than the argmax strategy.
    expect(result.backtest.trades).toBeLessThanOrEqual(metrics.backtestArgmax.trades);
  });

  it('refuses a secondary that is not a registered tabular model', async () => {
    const config = await configWith('train.metaLabeling.enabled=true', 'train.metaLabeling.secondary=nope');
    expect(() => checkTrainSection(createDefaultRegistry(), config.train)).toThrow(/'nope' is not a registered tabular model/);
  });
});
