import { describe, expect, it } from 'vitest';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import { tftFamily } from '../src/internal/sequence/tft.js';
import { asSource, familySuite, orderTask } from './seq-task.js';

const hp = { hiddenSize: 16, heads: 2, maxEpochs: 6, batchSize: 32, learningRate: 0.005, dropout: 0 };
familySuite(tftFamily, { hp, minAccuracy: 0.7, causal: true });

describe('tft feature importance', () => {
  it('is the mean variable-selection weight: sums to 1 and ranks the pattern feature first', { timeout: 120_000 }, async () => {
    const model = new SequenceModel(tftFamily, { ...hp, seed: 3 });
    await model.fit(asSource(orderTask(600, 12, 3, 1)));
    const importance = model.describe().featureImportance!;
    expect(Object.keys(importance)).toEqual(['pattern', 'noise1', 'noise2']);
    expect(Object.values(importance).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(importance['pattern']).toBeGreaterThan(Math.max(importance['noise1']!, importance['noise2']!));
    model.dispose();
  });
});
