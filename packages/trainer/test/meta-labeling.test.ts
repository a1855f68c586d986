import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataModule } from '@tribar/datasets';
import { outOfFoldPredictions } from '@tribar/ensembles';
import { silentLogger } from '@tribar/core';
import {
  createDefaultRegistry,
  NUM_CLASSES,
  type BaseModel,
  type LabeledInput,
  type ModelCard,
  type ModelInput,
  type ModelRegistry,
} from '@tribar/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaLabelContracts, metaLabels } from '../src/internal/meta-labeling.js';
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

  it('fits the secondary on the train rows’ out-of-fold probabilities when train.outOfFold is on', async () => {
    const config = await configWith('train.metaLabeling.enabled=true', 'train.outOfFold.enabled=true', 'train.cv.embargoBars=3');
    const result = await trainModel({ runDir, symbol: 'MES', horizon: 5, model: 'logistic', registry: createDefaultRegistry(), config });
    const metrics = JSON.parse(await readFile(join(runDir, 'train/logistic-MES-h5/metrics.json'), 'utf8'));
    expect(metrics.metaLabeling.fittedOn).toBe('oof');
    expect(metrics.metaLabeling.fallbackReason).toBeUndefined();
    // Many more samples than val offers: the train rows where the OOF primary took a side.
    expect(metrics.metaLabeling.samples).toBeGreaterThan(metrics.metaLabeling.valSamples);
    expect(metrics.metaLabeling.samples).toBeLessThanOrEqual(result.rows.train);
    expect(metrics.metaLabeling.testActed).toBeLessThanOrEqual(metrics.metaLabeling.testSides);
    // What inference needs: the secondary beside the model, and serving.json naming it.
    const serving = JSON.parse(await readFile(join(runDir, 'train/logistic-MES-h5/model/serving.json'), 'utf8'));
    expect(serving.metaLabeling).toEqual({ secondary: 'logistic', threshold: 0.5, fitted: true, actOnAll: false });
    await readFile(join(runDir, 'train/logistic-MES-h5/model/secondary/tribar-model.json'), 'utf8');
  });

  it('fits the secondary on val and acts on a subset of the primary’s test sides', async () => {
    const config = await configWith('train.metaLabeling.enabled=true', 'train.metaLabeling.threshold=0.5');
    const result = await trainModel({ runDir, symbol: 'MES', horizon: 5, model: 'logistic', registry: createDefaultRegistry(), config });
    const metrics = JSON.parse(await readFile(join(runDir, 'train/logistic-MES-h5/metrics.json'), 'utf8'));
    expect(metrics.metaLabeling.secondary).toBe('logistic');
    expect(metrics.metaLabeling.fittedOn).toBe('val');
    expect(metrics.metaLabeling.fallbackReason).toBe('train.outOfFold.enabled is false');
    expect(metrics.metaLabeling.samples).toBe(metrics.metaLabeling.valSamples);
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

/** A tabular model that records the row ids (feature 0) it fitted on and predicts its fit's class shares. */
function spyRegistry(log: { fitted: number[][]; predicted: number[][] }): ModelRegistry {
  const card: ModelCard = {
    name: 'spy',
    family: 'classical',
    inputKind: 'tabular',
    description: 'records rows',
    handlesMissing: true,
    hyperparameters: {},
  };
  const make = (): BaseModel => {
    let mean = [1 / 3, 1 / 3, 1 / 3];
    return {
      name: 'spy',
      card,
      async fit(rows) {
        const train = rows as LabeledInput;
        const width = train.shape[0]!;
        log.fitted.push(Array.from({ length: train.rows }, (_, r) => train.x[r * width]!));
        const counts = [1, 1, 1];
        for (const c of train.y) counts[c]! += 1;
        mean = counts.map((n) => n / (train.rows + 3));
        return { epochs: 1, bestEpoch: 0, stoppedEarly: false, history: [], seconds: 0, runtime: {} };
      },
      async predictProba(rows) {
        const input = rows as ModelInput;
        const width = input.shape[0]!;
        log.predicted.push(Array.from({ length: input.rows }, (_, r) => input.x[r * width]!));
        const p = new Float32Array(input.rows * NUM_CLASSES);
        for (let r = 0; r < input.rows; r++) for (let c = 0; c < NUM_CLASSES; c++) p[r * NUM_CLASSES + c] = mean[c]!;
        return { rows: input.rows, p };
      },
      async predict(input) {
        return new Uint8Array(input.rows);
      },
      async save() {},
      describe: () => ({ name: 'spy', family: 'classical', inputKind: 'tabular', hyperparameters: {}, fitted: true }),
      dispose() {},
    };
  };
  return createDefaultRegistry().register('spy', { create: make, load: async () => make() }, card);
}

describe('meta-labeling on out-of-fold rows', () => {
  // 240 train rows then 60 val and 60 test rows, one bar each; a label window spans the 4 bars after its row.
  const rows = 360;
  const close = Float64Array.from({ length: rows }, (_, i) => 100 + Math.sin(i / 3) * 2 + i * 0.01);
  const labelEndIndex = Float64Array.from({ length: rows }, (_, i) => (i + 4 < rows ? i + 4 : Number.NaN));
  const data = { market: { close, labelEndIndex }, barrier: { maxBars: 4 } } as unknown as DataModule;
  const part = (from: number, to: number): LabeledInput => {
    const n = to - from;
    const x = new Float32Array(n * 2);
    // Feature 0 is the market row (the spy logs it); mostly long labels so the spy's primary takes sides.
    for (let k = 0; k < n; k++) [x[k * 2], x[k * 2 + 1]] = [from + k, Math.cos(from + k)];
    const y = Uint8Array.from({ length: n }, (_, k) => ((from + k) % 5 === 0 ? 0 : 2));
    return { x, y, rows: n, shape: [2], featureNames: ['row', 'c'] };
  };
  const [train, val, test] = [part(0, 240), part(240, 300), part(300, 360)];
  const rowIndexOf = (input: LabeledInput) => Int32Array.from({ length: input.rows }, (_, k) => input.x[k * 2]!);
  const windows = { start: rowIndexOf(train), end: Int32Array.from(rowIndexOf(train), (r) => r + 4) };
  const overlaps = (a: number, b: number) => a <= b + 4 && b <= a + 4;

  it('learns only from rows whose primary probability came from a model that never saw their label window', async () => {
    const log = { fitted: [] as number[][], predicted: [] as number[][] };
    const registry = spyRegistry(log);
    const oof = await outOfFoldPredictions({
      registry,
      model: 'spy',
      input: train,
      windows,
      scheme: { kind: 'kfold', folds: 4, embargo: 2 },
      seed: 1,
    });
    const fitsBefore = log.fitted.length;
    const meta = await metaLabelContracts({
      settings: { enabled: true, secondary: 'logistic', threshold: 0.5 },
      betSizing: { method: 'none', maxContracts: 1, step: 0, averageActive: false },
      threshold: 0.4,
      registry,
      hyperparameters: {},
      data,
      cost: MES,
      oof: { input: train, proba: oof.proba, rowIndex: rowIndexOf(train) },
      val: { input: val, proba: new Float32Array(val.rows * 3).fill(1 / 3), rowIndex: rowIndexOf(val) },
      test: { input: test, proba: new Float32Array(test.rows * 3).fill(1 / 3) },
      seed: 1,
      logger: silentLogger(),
    });
    expect(meta!.entry.fittedOn).toBe('oof');
    expect(log.fitted.length).toBe(fitsBefore); // the secondary is logistic, the spy only made the OOF
    const secondaryRows = [...meta!.fittedOn];
    expect(secondaryRows.length).toBe(meta!.entry.samples);
    expect(secondaryRows.length).toBeGreaterThan(100);
    for (const row of secondaryRows) {
      expect(row).toBeLessThan(240); // train rows only, never val or test
      const split = log.predicted.findIndex((p) => p.includes(row));
      // The model that gave this row's primary probability never fitted a row whose label window overlaps its own.
      expect(log.fitted[split]!.filter((t) => overlaps(t, row))).toEqual([]);
    }
  });

  it('leaves a sequence primary unfiltered instead of failing the train stage (mixed tabular + sequence runs)', async () => {
    const log = { fitted: [] as number[][], predicted: [] as number[][] };
    const windowsOf = (rows: number) => ({ rows, shape: [5, 2], gather: () => undefined });
    const meta = await metaLabelContracts({
      settings: { enabled: true, secondary: 'spy', threshold: 0.5 },
      betSizing: { method: 'none', maxContracts: 1, step: 0, averageActive: false },
      threshold: 0.4,
      registry: spyRegistry(log),
      hyperparameters: {},
      data,
      cost: MES,
      oof: { unavailable: 'sequence families get no out-of-fold probabilities' },
      val: { input: windowsOf(val.rows), proba: new Float32Array(val.rows * 3).fill(1 / 3), rowIndex: rowIndexOf(val) },
      test: { input: windowsOf(test.rows), proba: new Float32Array(test.rows * 3).fill(1 / 3) },
      seed: 1,
      logger: silentLogger(),
    });
    expect(meta).toBeNull();
    expect(log.fitted).toEqual([]); // no secondary was fitted
  });

  it('would catch in-sample primary probabilities (a primary fitted on every train row saw each label window)', async () => {
    const log = { fitted: [] as number[][], predicted: [] as number[][] };
    const spy = spyRegistry(log).create('spy', {});
    await spy.fit(train, {});
    await spy.predictProba(train);
    const leaked = log.predicted[0]!.filter((row) => log.fitted[0]!.some((t) => overlaps(t, row)));
    expect(leaked.length).toBe(240);
  });
});
