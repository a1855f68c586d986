import { afterEach, describe, expect, it } from 'vitest';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import { lstmFamily } from '../src/internal/sequence/lstm.js';
import { MIN_PARALLEL_TRAIN } from '../src/internal/sequence/train-pool.js';
import { orderTask } from './seq-task.js';

const saved = process.env['TRIBAR_SEQUENCE_TRAIN_THREADS'];
afterEach(() => {
  if (saved === undefined) delete process.env['TRIBAR_SEQUENCE_TRAIN_THREADS'];
  else process.env['TRIBAR_SEQUENCE_TRAIN_THREADS'] = saved;
});

describe('data-parallel training on worker replicas', () => {
  it('trains the same model as one thread (up to the gradient sum order), identically for a given thread count', async () => {
    // just above the size where replicas start: 2,800 windows of 30 × 24
    const train = orderTask(2800, 30, 24, 1);
    expect(train.rows * 30 * 24).toBeGreaterThanOrEqual(MIN_PARALLEL_TRAIN);
    const probe = orderTask(400, 30, 24, 2);
    const hp = { hiddenSize: 8, layers: 1, maxEpochs: 2, batchSize: 256, learningRate: 0.01, dropout: 0 };
    const fit = async (threads: string) => {
      process.env['TRIBAR_SEQUENCE_TRAIN_THREADS'] = threads;
      const messages: string[] = [];
      const logger = {
        child: () => logger,
        info: (_: unknown, msg: string) => messages.push(msg),
        warn: (_: unknown, msg: string) => messages.push(msg),
        debug: () => undefined,
      };
      const model = new SequenceModel(lstmFamily, hp);
      const result = await model.fit(train, { logger: logger as never });
      const { p } = await model.predictProba(probe);
      model.dispose();
      return { p, losses: result.history.map((h) => h.trainLoss), messages };
    };
    const one = await fit('1');
    const two = await fit('2');
    const again = await fit('2');
    expect(one.messages.some((m) => m.includes('training on'))).toBe(false);
    expect(two.messages).toContain('lstm: training on 2 threads');
    // the same for a given thread count
    expect(Buffer.from(again.p.buffer).equals(Buffer.from(two.p.buffer))).toBe(true);
    expect(again.losses).toEqual(two.losses);
    // the same model as one thread's, but for the order of a float32 sum per batch
    let maxDiff = 0;
    for (let i = 0; i < one.p.length; i++) maxDiff = Math.max(maxDiff, Math.abs((one.p[i] as number) - (two.p[i] as number)));
    expect(maxDiff).toBeLessThan(1e-4);
    for (let e = 0; e < 2; e++) expect(two.losses[e]).toBeCloseTo(one.losses[e] as number, 5);
    // and it trained: the second epoch's loss is below the first's
    expect(two.losses[1]).toBeLessThan(two.losses[0] as number);
  });
});
