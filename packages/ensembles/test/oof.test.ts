import { describe, expect, it } from 'vitest';
import { innerHoldout, outOfFoldPredictions } from '../src/internal/oof.js';
import { spyRegistry, syntheticRows, withRowIds } from './synthetic.js';

describe('outOfFoldPredictions', () => {
  const { input, windows } = syntheticRows(300, 1);

  it('predicts every train row from a model that never saw its label window (purged k-fold, embargo)', async () => {
    const log = { fitted: [] as number[][], predicted: [] as number[][] };
    const oof = await outOfFoldPredictions({
      registry: spyRegistry(log),
      model: 'spy',
      input: withRowIds(input),
      windows,
      scheme: { kind: 'kfold', folds: 5, embargo: 3 },
      seed: 1,
    });
    expect(log.fitted).toHaveLength(5);
    expect(oof.proba.every((p) => Number.isFinite(p))).toBe(true);
    const overlaps = (a: number, b: number) => windows.start[a]! <= windows.end[b]! && windows.start[b]! <= windows.end[a]!;
    for (let s = 0; s < 5; s++) {
      const fitted = log.fitted[s]!;
      const predicted = log.predicted[s]!;
      // No fitted row's label window overlaps a predicted row's.
      expect(predicted.flatMap((r) => fitted.filter((t) => overlaps(r, t)))).toEqual([]);
      // The embargo: the 3 rows after a test block's last label end are not fitted either.
      const spanEnd = Math.max(...predicted.map((r) => windows.end[r]!));
      for (let t = spanEnd + 1; t <= spanEnd + 3 && t < 300; t++) expect(fitted).not.toContain(t);
      for (const r of predicted) expect(oof.fold[r]).toBe(s);
    }
    // k-fold tests each row exactly once: the five test sets cover 0…299.
    expect(log.predicted.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('would catch in-sample stacking: an unpurged split lets a model see the labels it predicts', async () => {
    const log = { fitted: [] as number[][], predicted: [] as number[][] };
    // Windows reaching 5 rows ahead but declared as single points: nothing is purged, and train rows just before
    // a test block reach into it. The check of the test above fails on these splits.
    await outOfFoldPredictions({
      registry: spyRegistry(log),
      model: 'spy',
      input: withRowIds(input),
      windows: { start: windows.start, end: windows.start },
      scheme: { kind: 'kfold', folds: 5, embargo: 0 },
      seed: 1,
    });
    const leaks = log.predicted[1]!.filter((r) => log.fitted[1]!.some((t) => t < r && windows.end[t]! >= r));
    expect(leaks.length).toBeGreaterThan(0);
  });

  it('averages a row over its CPCV test splits and gives real probabilities for a real family', async () => {
    const oof = await outOfFoldPredictions({
      registry: spyRegistry({ fitted: [], predicted: [] }),
      model: 'logistic',
      input,
      windows,
      scheme: { kind: 'cpcv', groups: 4, testGroups: 2, embargo: 0 },
      seed: 3,
    });
    expect(oof.splits).toHaveLength(6);
    // C(3, 1) = 3 of the 6 splits test each group.
    expect(Array.from(new Set(oof.fold))).toEqual([-3]);
    for (let r = 0; r < 300; r++) expect(oof.proba[r * 3]! + oof.proba[r * 3 + 1]! + oof.proba[r * 3 + 2]!).toBeCloseTo(1, 5);
    // The planted signal: OOF P(long) rises with feature 0.
    let hi = 0;
    let lo = 0;
    for (let r = 0; r < 300; r++) {
      if (input.x[r * 4]! > 0) hi += oof.proba[r * 3 + 2]!;
      else lo += oof.proba[r * 3 + 2]!;
    }
    expect(hi).toBeGreaterThan(lo);
  });

  it('names a length mismatch between rows and windows', async () => {
    await expect(
      outOfFoldPredictions({
        registry: spyRegistry({ fitted: [], predicted: [] }),
        model: 'spy',
        input,
        windows: { start: windows.start.subarray(1), end: windows.end.subarray(1) },
        scheme: { kind: 'kfold', folds: 3, embargo: 0 },
        seed: 0,
      }),
    ).rejects.toThrow(/299 label windows for 300 rows/);
  });

  it('stops each fold early on an inner purged holdout of its own train rows, never its test rows', async () => {
    const split = Int32Array.from([...Array.from({ length: 100 }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => 200 + i)]);
    const { fit, holdout } = innerHoldout(split, windows, 0.2);
    // The last 40 train rows (in time) validate; fitted rows whose label windows reach them are purged (5-row windows).
    expect([...holdout]).toEqual(Array.from({ length: 40 }, (_, i) => 260 + i));
    expect(fit.length).toBe(160 - 5);
    expect(Math.max(...fit)).toBe(254);
    for (const r of fit) expect(windows.end[r]!).toBeLessThan(windows.start[260]!);
    expect(() => innerHoldout(split, windows, 1)).toThrow(/holdout must be in \(0, 1\)/);

    const rounds = await outOfFoldPredictions({
      registry: spyRegistry({ fitted: [], predicted: [] }),
      model: 'gbdt',
      hyperparameters: { nEstimators: 200, learningRate: 0.3 },
      input,
      windows,
      scheme: { kind: 'kfold', folds: 3, embargo: 2 },
      seed: 2,
      earlyStopping: { holdout: 0.2, patience: 3, minDelta: 0 },
    });
    // Every fold stopped well before 200 rounds, and every row still has an out-of-fold probability.
    expect(rounds.splits.every((s) => s.epochs < 200)).toBe(true);
    expect(rounds.proba.every((p) => Number.isFinite(p))).toBe(true);
  });
});
