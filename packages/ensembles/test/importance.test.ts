import { createDefaultRegistry } from '@tribar/models';
import { describe, expect, it } from 'vitest';
import { meanDecreaseAccuracy, meanDecreaseImpurity, singleFeatureImportance } from '../src/internal/importance.js';
import { syntheticRows } from './synthetic.js';

describe('feature importance under purged CV', () => {
  const registry = createDefaultRegistry();
  const { input, windows } = syntheticRows(400, 5, { features: 3 });
  const options = { registry, model: 'logistic', input, windows, folds: 4, embargo: 2, seed: 1 };

  it('MDA: permuting the planted feature raises the log loss; noise features barely move it', async () => {
    const mda = await meanDecreaseAccuracy(options);
    expect(mda.map((m) => m.feature)).toEqual(['f0', 'f1', 'f2']);
    expect(mda[0]!.mean).toBeGreaterThan(0.1);
    expect(Math.abs(mda[1]!.mean)).toBeLessThan(0.05);
    expect(mda[0]!.mean).toBeGreaterThan(mda[0]!.stdError * 3);
  });

  it('SFI: the planted feature alone beats each noise feature alone', async () => {
    const sfi = await singleFeatureImportance(options);
    expect(sfi[0]!.mean).toBeGreaterThan(sfi[1]!.mean + 0.05);
    expect(sfi[0]!.mean).toBeGreaterThan(sfi[2]!.mean + 0.05);
    // Negative log loss: no better than 0.
    for (const s of sfi) expect(s.mean).toBeLessThan(0);
  });

  it('MDI: a tree model’s gain shares sum to 1 and rank the planted feature first; none for a linear model', async () => {
    const gbdt = registry.create('gbdt', { nEstimators: 20 });
    await gbdt.fit(input, { seed: 1 });
    const mdi = meanDecreaseImpurity(gbdt)!;
    expect(mdi.reduce((a, b) => a + b.share, 0)).toBeCloseTo(1, 9);
    expect(mdi.find((m) => m.feature === 'f0')!.share).toBeGreaterThan(0.5);
    expect(meanDecreaseImpurity(registry.create('logistic'))).toBeNull();
  });
});
