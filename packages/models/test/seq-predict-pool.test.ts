import { afterEach, describe, expect, it } from 'vitest';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import type { SequenceFamily } from '../src/internal/sequence/engine.js';
import { lstmFamily } from '../src/internal/sequence/lstm.js';
import { transformerFamily } from '../src/internal/sequence/transformer.js';
import type { LabeledSequenceSource } from '../src/internal/types.js';
import { asSource, orderTask } from './seq-task.js';

const saved = process.env['TRIBAR_SEQUENCE_THREADS'];
afterEach(() => {
  if (saved === undefined) delete process.env['TRIBAR_SEQUENCE_THREADS'];
  else process.env['TRIBAR_SEQUENCE_THREADS'] = saved;
});

/** A source that counts the windows it was asked for (the pool gathers chunk by chunk, each window once). */
function counting(source: LabeledSequenceSource): { source: LabeledSequenceSource; gathered: () => number; largest: () => number } {
  let gathered = 0;
  let largest = 0;
  return {
    source: {
      ...source,
      gather(positions, out) {
        gathered += positions.length;
        largest = Math.max(largest, positions.length);
        source.gather(positions, out);
      },
    },
    gathered: () => gathered,
    largest: () => largest,
  };
}

describe('predicting on worker threads', () => {
  for (const [family, hp] of [
    [lstmFamily, { hiddenSize: 16, layers: 2, maxEpochs: 1, batchSize: 64 }],
    [transformerFamily, { hiddenSize: 16, heads: 2, ffnSize: 32, maxEpochs: 1, batchSize: 64 }],
  ] as [SequenceFamily, Record<string, unknown>][]) {
    it(`${family.card.name}: the pool's probabilities are bit for bit the single thread's, gathered chunk by chunk`, async () => {
      const model = new SequenceModel(family, hp);
      await model.fit(orderTask(256, 12, 3, 1));
      const probe = orderTask(2600, 12, 3, 2);
      process.env['TRIBAR_SEQUENCE_THREADS'] = '1';
      const one = await model.predictProba(asSource(probe));
      expect(await model.predictThreads()).toBe(1);
      process.env['TRIBAR_SEQUENCE_THREADS'] = '2';
      const counted = counting(asSource(probe));
      const two = await model.predictProba(counted.source);
      expect(await model.predictThreads()).toBe(2);
      expect(two.rows).toBe(2600);
      expect(counted.gathered()).toBe(2600);
      expect(counted.largest()).toBe(1024);
      expect(Buffer.from(two.p.buffer).equals(Buffer.from(one.p.buffer))).toBe(true);
      // not a constant answer: the windows' probabilities differ
      expect(new Set(Array.from(one.p.subarray(0, 300), (v) => v.toFixed(6))).size).toBeGreaterThan(50);
      // a second predict reuses the started workers; a bad position still names itself
      const again = await model.predictProba(asSource(probe));
      expect(Buffer.from(again.p.buffer).equals(Buffer.from(one.p.buffer))).toBe(true);
      const bad = {
        ...asSource(probe),
        rows: 2600,
        gather: () => {
          throw new RangeError('window 2599 is outside the source');
        },
      };
      await expect(model.predictProba(bad)).rejects.toThrow(/window 2599/);
      model.dispose();
    });
  }

  it('keeps a family that is not the registered one of its name (a wrapped lstm) on this thread: workers would run the registered one', async () => {
    let predicted = 0;
    const wrapped: SequenceFamily = {
      ...lstmFamily,
      forward(tf, w, x, h, ctx) {
        if (!ctx.training) predicted += x.shape[0];
        return lstmFamily.forward(tf, w, x, h, ctx);
      },
    };
    const model = new SequenceModel(wrapped, { hiddenSize: 8, layers: 1, maxEpochs: 1, batchSize: 64 });
    await model.fit(orderTask(128, 12, 3, 1));
    process.env['TRIBAR_SEQUENCE_THREADS'] = '2';
    const { rows } = await model.predictProba(asSource(orderTask(2600, 12, 3, 2)));
    expect(rows).toBe(2600);
    expect(predicted).toBe(2600);
    expect(await model.predictThreads()).toBe(1);
    model.dispose();
  });
});
