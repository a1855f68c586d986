import { Rng } from '@tribar/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import type { SequenceFamily } from '../src/internal/sequence/engine.js';
import type { LabeledInput, LabeledSequenceSource } from '../src/internal/types.js';

/**
 * A task whose signal lives only in the order of the steps. Feature 0 of every window holds the
 * same kind of multiset (`steps` standard normals); class 2 (long) shows it sorted ascending, class
 * 0 (short) descending, class 1 in random order, each rotated by a random offset. A uniformly random
 * rotation makes every step's marginal the same draw-a-random-order-statistic for all classes, and
 * the multiset (so any summary statistic of the window) is the same for all classes: only the
 * order says the class (mostly rising, mostly falling, neither). The other features are noise.
 */
export function orderTask(rows: number, steps: number, features: number, seed: number, shuffleSteps = false): LabeledInput {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * steps * features);
  const y = new Uint8Array(rows);
  const values = new Float64Array(steps);
  const order = Int32Array.from({ length: steps }, (_, i) => i);
  for (let i = 0; i < rows; i++) {
    const c = rng.int(0, 2);
    y[i] = c;
    for (let t = 0; t < steps; t++) values[t] = rng.normal();
    values.sort();
    if (c === 0) values.reverse();
    if (c === 1) rng.shuffle(values);
    const shift = rng.int(0, steps - 1);
    for (let t = 0; t < steps; t++) {
      x[(i * steps + t) * features] = values[(t + shift) % steps] as number;
      for (let f = 1; f < features; f++) x[(i * steps + t) * features + f] = rng.normal();
    }
    if (shuffleSteps) {
      rng.shuffle(order);
      const window = x.slice(i * steps * features, (i + 1) * steps * features);
      for (let t = 0; t < steps; t++) {
        x.set(window.subarray((order[t] as number) * features, ((order[t] as number) + 1) * features), (i * steps + t) * features);
      }
    }
  }
  return {
    x,
    rows,
    shape: [steps, features],
    y,
    featureNames: Array.from({ length: features }, (_, f) => (f === 0 ? 'pattern' : `noise${f}`)),
  };
}

/** Per feature mean, sd, min, max and median of each window: everything but the order. */
export function summaryStatistics(input: LabeledInput): LabeledInput {
  const [steps, features] = input.shape as [number, number];
  const width = features * 5;
  const x = new Float32Array(input.rows * width);
  const column = new Float64Array(steps);
  for (let i = 0; i < input.rows; i++) {
    for (let f = 0; f < features; f++) {
      for (let t = 0; t < steps; t++) column[t] = input.x[(i * steps + t) * features + f] as number;
      column.sort();
      const mean = column.reduce((a, b) => a + b, 0) / steps;
      const sd = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / steps);
      x.set([mean, sd, column[0]!, column[steps - 1]!, column[Math.floor(steps / 2)]!], i * width + f * 5);
    }
  }
  return { x, rows: input.rows, shape: [width], y: input.y };
}

/** The same rows as a streaming source (windows gathered on demand), as the trainer passes them. */
export function asSource(input: LabeledInput): LabeledSequenceSource {
  const width = (input.shape[0] as number) * (input.shape[1] as number);
  return {
    rows: input.rows,
    shape: input.shape,
    y: input.y,
    ...(input.weights ? { weights: input.weights } : {}),
    ...(input.featureNames ? { featureNames: input.featureNames } : {}),
    gather(positions, out) {
      for (let i = 0; i < positions.length; i++) out.set(input.x.subarray(positions[i]! * width, (positions[i]! + 1) * width), i * width);
    },
  };
}

export function accuracy(a: Uint8Array, b: Uint8Array): number {
  let hits = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hits++;
  return hits / a.length;
}

export interface FamilySuiteOptions {
  /** Small hyperparameters that learn the order task in a few seconds. */
  hp: Record<string, unknown>;
  steps?: number;
  rows?: number;
  /** Accuracy the family must reach on held-out windows of the order task. */
  minAccuracy?: number;
  /** Whether to check per-step causality (families that classify every step). */
  causal: boolean;
}

/** The behaviour every sequence family must show, on the order task. */
export function familySuite(family: SequenceFamily, options: FamilySuiteOptions): void {
  const steps = options.steps ?? 12;
  const features = 3;
  const train = orderTask(options.rows ?? 900, steps, features, 1);
  const test = orderTask(300, steps, features, 2);
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe(`${family.card.name} on the order task`, () => {
    let model: SequenceModel;

    it('learns the order (streaming input) and is near chance on shuffled steps', async () => {
      model = new SequenceModel(family, { ...options.hp, seed: 3 });
      const fit = await model.fit(asSource(train), { validation: asSource(test) });
      expect(fit.history.at(-1)!.trainLoss).toBeLessThan(fit.history[0]!.trainLoss);
      expect(accuracy(await model.predict(asSource(test)), test.y)).toBeGreaterThan(options.minAccuracy ?? 0.85);
      // Materialised rows predict exactly what the streaming source predicts.
      expect(Array.from((await model.predictProba(test)).p)).toEqual(Array.from((await model.predictProba(asSource(test))).p));

      const control = new SequenceModel(family, { ...options.hp, seed: 3 });
      await control.fit(orderTask(options.rows ?? 900, steps, features, 1, true));
      expect(accuracy(await control.predict(orderTask(300, steps, features, 2, true)), test.y)).toBeLessThan(0.45);
      control.dispose();

      // A family with an importance (tft's variable selection) ranks the pattern feature first; shares sum to 1.
      const importance = model.describe().featureImportance;
      if (family.importance !== undefined) {
        expect(Object.keys(importance!)).toEqual(['pattern', 'noise1', 'noise2']);
        expect(Object.values(importance!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(importance!['pattern']).toBeGreaterThan(Math.max(importance!['noise1']!, importance!['noise2']!));
      } else expect(importance).toBeUndefined();
    });

    it('saves and loads with bit-identical predictions', async () => {
      const dir = await mkdtemp(join(tmpdir(), `tribar-${family.card.name}-`));
      dirs.push(dir);
      await model.save(join(dir, 'model'));
      const loaded = new SequenceModel(family, model.hyperparameters);
      await loaded.loadInto(join(dir, 'model'));
      expect(Array.from((await loaded.predictProba(test)).p)).toEqual(Array.from((await model.predictProba(test)).p));
      expect(loaded.describe()).toMatchObject({ fitted: true, featureNames: ['pattern', 'noise1', 'noise2'] });
      loaded.dispose();
    });

    if (options.causal) {
      it('is causal: changing steps after t never changes the output at t', () => {
        expect(model.causal).toBe(true);
        const probe = orderTask(8, steps, features, 5);
        const before = model.stepLogits(probe);
        const t = Math.floor(steps / 2);
        const changed = Float32Array.from(probe.x);
        for (let i = 0; i < probe.rows; i++) {
          for (let s = t + 1; s < steps; s++) for (let f = 0; f < features; f++) changed[(i * steps + s) * features + f] = 5 - s;
        }
        const after = model.stepLogits({ ...probe, x: changed });
        let later = 0;
        for (let i = 0; i < probe.rows; i++) {
          for (let s = 0; s < steps; s++) {
            for (let c = 0; c < 3; c++) {
              const k = (i * steps + s) * 3 + c;
              if (s <= t) expect(after[k]).toBe(before[k]);
              else later += Math.abs(after[k]! - before[k]!);
            }
          }
        }
        expect(later).toBeGreaterThan(0);
      });
    }

    it('is deterministic given the seed, and sample weights change the fit', async () => {
      const small = orderTask(160, steps, features, 7);
      const quick = { ...options.hp, maxEpochs: 1, batchSize: 64 };
      const fitOnce = async (input: LabeledInput, seed: number): Promise<number[]> => {
        const m = new SequenceModel(family, { ...quick, seed });
        await m.fit(input);
        const p = Array.from((await m.predictProba(test)).p);
        m.dispose();
        return p;
      };
      const a = await fitOnce(small, 11);
      expect(await fitOnce(small, 11)).toEqual(a);
      expect(await fitOnce(small, 12)).not.toEqual(a);
      const weights = Float32Array.from(small.y, (c) => (c === 2 ? 5 : 0.2));
      expect(await fitOnce({ ...small, weights }, 11)).not.toEqual(a);
    });
  });
}
