import { UsageError } from '@tribar/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../src/internal/builtins.js';
import { logisticFactory } from '../src/internal/logistic/index.js';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import type { SequenceFamily } from '../src/internal/sequence/engine.js';
import { patchtstFamily } from '../src/internal/sequence/patchtst.js';
import { lstmFamily } from '../src/internal/sequence/lstm.js';
import { SEQUENCE_FAMILIES } from '../src/internal/sequence/index.js';
import type { EpochLog } from '../src/internal/types.js';
import { accuracy, asSource, orderTask, summaryStatistics } from './seq-task.js';

const tiny = { hiddenSize: 8, layers: 1, batchSize: 64, learningRate: 0.01 };

describe('the order task', () => {
  it('defeats a tabular model on the window summary statistics (near chance), while the classes are balanced', async () => {
    const train = orderTask(900, 12, 3, 1);
    const test = orderTask(300, 12, 3, 2);
    const counts = [0, 0, 0];
    for (const c of train.y) counts[c]! += 1;
    for (const n of counts) expect(n).toBeGreaterThan(250);
    const model = logisticFactory.create({});
    await model.fit(summaryStatistics(train));
    expect(accuracy(await model.predict(summaryStatistics(test)), test.y)).toBeLessThan(0.42);
    // Every step's marginal is the same for every class: the class means of each step differ by noise only.
    const [steps, features] = train.shape as [number, number];
    for (let t = 0; t < steps; t++) {
      const mean = [0, 0, 0];
      for (let i = 0; i < train.rows; i++) mean[train.y[i]!]! += train.x[(i * steps + t) * features]! / counts[train.y[i]!]!;
      expect(Math.max(...mean) - Math.min(...mean)).toBeLessThan(0.3);
    }
  });
});

describe('the sequence engine', () => {
  it('registers every sequence family with a card of inputKind sequence', () => {
    const registry = createDefaultRegistry();
    expect(SEQUENCE_FAMILIES.map((f) => f.card.name)).toEqual(['lstm', 'gru', 'transformer', 'tcn', 'patchtst', 'nhits', 'tft']);
    for (const family of SEQUENCE_FAMILIES) {
      expect(registry.card(family.card.name)).toMatchObject({ inputKind: 'sequence', family: 'neural' });
      for (const key of ['batchSize', 'maxEpochs', 'learningRate', 'gradClipNorm', 'dropout', 'classWeights', 'seed']) {
        expect(family.card.hyperparameters[key], `${family.card.name}.${key}`).toBeDefined();
      }
    }
  });

  it('honours onEpoch (learning rate, stop), restoreBest and reports the best epoch', async () => {
    const train = orderTask(192, 8, 2, 1);
    const val = orderTask(96, 8, 2, 2);
    const model = new SequenceModel(lstmFamily, { ...tiny, maxEpochs: 5 });
    const seen: EpochLog[] = [];
    const fit = await model.fit(asSource(train), {
      validation: val,
      initialLearningRate: 0.02,
      onEpoch: (log) => {
        seen.push(log);
        return { learningRate: 0.005, stop: log.epoch === 2 };
      },
    });
    expect(fit.epochs).toBe(3);
    expect(fit.stoppedEarly).toBe(true);
    expect(seen.map((l) => l.learningRate)).toEqual([0.02, 0.005, 0.005]);
    const losses = seen.map((l) => l.valLoss!);
    expect(fit.bestEpoch).toBe(losses.indexOf(Math.min(...losses)));
    // The model holds the best epoch's weights: its validation loss is that epoch's.
    const { p } = await model.predictProba(val);
    let loss = 0;
    for (let i = 0; i < val.rows; i++) loss -= Math.log(Math.max(p[i * 3 + val.y[i]!]!, 1e-15));
    expect(loss / val.rows).toBeCloseTo(Math.min(...losses), 5);
    expect(fit.runtime['backend']).toEqual(expect.any(String));
    model.dispose();
  });

  it('replaces NaN by 0, stops on an aborted signal, and names bad shapes', async () => {
    const train = orderTask(64, 6, 2, 3);
    const model = new SequenceModel(lstmFamily, { ...tiny, maxEpochs: 1 });
    await model.fit(train);
    const zeroed = Float32Array.from(train.x);
    const holed = Float32Array.from(train.x);
    for (let k = 0; k < 20; k++) {
      zeroed[k * 7] = 0;
      holed[k * 7] = Number.NaN;
    }
    expect(Array.from((await model.predictProba({ ...train, x: holed })).p)).toEqual(
      Array.from((await model.predictProba({ ...train, x: zeroed })).p),
    );
    await expect(model.predict({ x: new Float32Array(18), rows: 1, shape: [6, 3] })).rejects.toThrow(
      /windows are 6 × 3, the model was fitted on 6 × 2/,
    );
    await expect(model.fit({ ...train, shape: [12] })).rejects.toThrow(UsageError);
    const controller = new AbortController();
    controller.abort();
    await expect(new SequenceModel(lstmFamily, tiny).fit(train, { signal: controller.signal })).rejects.toThrow();
    model.dispose();
    await expect(model.predict(train)).rejects.toThrow(/disposed/);
  });
});

describe('inference passes', () => {
  it("hold at most the family's windowsPerPass windows (PatchTST's bound), with the same probabilities as one pass", async () => {
    const train = orderTask(300, 16, 40, 9);
    const hp = { patchLength: 8, stride: 8, hiddenSize: 8, heads: 2, layers: 1, ffnSize: 16, maxEpochs: 1, batchSize: 300 };
    // 40 features × 3 patches × 16 wide: 4M values / 1,920 = 2,184 windows a pass
    expect(patchtstFamily.windowsPerPass!(hp, 16, 40)).toBe(2184);
    expect(patchtstFamily.windowsPerPass!({ ...hp, hiddenSize: 128, ffnSize: 128 }, 60, 123)).toBe(33);
    const seen: number[] = [];
    const spied = (perPass: number | undefined): SequenceFamily => ({
      ...patchtstFamily,
      ...(perPass === undefined ? {} : { windowsPerPass: () => perPass }),
      forward(tf, w, x, h, ctx) {
        if (!ctx.training) seen.push(x.shape[0]);
        return patchtstFamily.forward(tf, w, x, h, ctx);
      },
    });
    const bounded = new SequenceModel(spied(70), hp);
    await bounded.fit(train);
    const dir = await mkdtemp(join(tmpdir(), 'seq-pass-'));
    await bounded.save(dir);
    seen.length = 0;
    const chunked = await bounded.predictProba(train);
    expect(seen).toEqual([70, 70, 70, 70, 20]);
    const whole = new SequenceModel(spied(1024), hp);
    await whole.loadInto(dir);
    seen.length = 0;
    const once = await whole.predictProba(train);
    expect(seen).toEqual([300]);
    expect(maxDiff(chunked.p, once.p)).toBeLessThan(1e-6);
    await rm(dir, { recursive: true, force: true });
  });
});

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
