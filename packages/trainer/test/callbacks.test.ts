import { describe, expect, it } from 'vitest';
import { defaultConfig } from '@tribar/config';
import { UsageError, type ProgressReporter } from '@tribar/core';
import { LOGISTIC_CARD, MLP_CARD, type EpochLog } from '@tribar/models';
import {
  combineCallbacks,
  earlyStopping,
  historyCallback,
  learningRateAt,
  learningRateSchedule,
  progressCallback,
  type TrainerCallback,
} from '../src/internal/callbacks.js';
import { configuredCallbacks, DEFAULT_PATIENCE } from '../src/internal/train.js';

const log = (epoch: number, valLoss?: number): EpochLog => ({
  epoch,
  trainLoss: 1,
  elapsedMs: 0,
  ...(valLoss !== undefined ? { valLoss } : {}),
});

/** Feed losses epoch by epoch, as a model does, until a callback asks to stop; returns the last epoch run. */
function run(callback: TrainerCallback, losses: readonly (number | undefined)[]): number {
  const hook = combineCallbacks([callback]);
  callback.onTrainBegin?.();
  for (const [epoch, loss] of losses.entries()) {
    if (hook(log(epoch, loss))?.stop) return epoch;
  }
  return losses.length - 1;
}

describe('earlyStopping', () => {
  // patience 2, minDelta 0.01: an improvement must beat best − 0.01.
  //   epoch 0: 1.000 → best 1.000 (epoch 0)
  //   epoch 1: 0.900 < 0.99  → best 0.900 (epoch 1)
  //   epoch 2: 0.895 ≥ 0.89  → no improvement, 2 − 1 = 1 < 2
  //   epoch 3: 0.850 < 0.89  → best 0.850 (epoch 3)
  //   epoch 4: 0.845 ≥ 0.84  → 4 − 3 = 1
  //   epoch 5: 0.841 ≥ 0.84  → 5 − 3 = 2 ≥ patience → stop at epoch 5
  const LOSSES = [1.0, 0.9, 0.895, 0.85, 0.845, 0.841, 0.5, 0.4];

  it('stops at the exact epoch with the best epoch recorded', () => {
    const stopper = earlyStopping({ patience: 2, minDelta: 0.01 });
    expect(run(stopper, LOSSES)).toBe(5);
    expect(stopper.state).toEqual({ bestEpoch: 3, bestLoss: 0.85, stoppedAt: 5 });
  });

  it('counts any decrease as an improvement without minDelta', () => {
    // minDelta 0: 0.895, 0.845, 0.841 all improve; it never waits 2 epochs → runs all 8.
    const stopper = earlyStopping({ patience: 2 });
    expect(run(stopper, LOSSES)).toBe(7);
    expect(stopper.state).toEqual({ bestEpoch: 7, bestLoss: 0.4, stoppedAt: null });
  });

  it('resets on onTrainBegin, so one instance serves several fits', () => {
    const stopper = earlyStopping({ patience: 2, minDelta: 0.01 });
    run(stopper, LOSSES);
    // A flat sequence: best at 0, epochs 1 and 2 do not improve → stop at 2.
    expect(run(stopper, [2, 2, 2, 2])).toBe(2);
    expect(stopper.state).toEqual({ bestEpoch: 0, bestLoss: 2, stoppedAt: 2 });
  });

  it('never stops without validation losses (or on non-finite ones)', () => {
    const stopper = earlyStopping({ patience: 1 });
    expect(
      run(
        stopper,
        Array.from({ length: 100 }, () => undefined),
      ),
    ).toBe(99);
    expect(
      run(
        stopper,
        Array.from({ length: 10 }, () => Number.NaN),
      ),
    ).toBe(9);
    expect(stopper.state).toEqual({ bestEpoch: -1, bestLoss: Number.POSITIVE_INFINITY, stoppedAt: null });
  });

  it('refuses a patience that is not a positive whole number', () => {
    for (const patience of [0, -1, 1.5, Number.NaN]) {
      expect(() => earlyStopping({ patience })).toThrow(UsageError);
    }
    expect(() => earlyStopping({ patience: 0 })).toThrow(/patience must be a positive whole number, got 0/);
  });
});

describe('combineCallbacks', () => {
  const answering = (name: string, answer: ReturnType<NonNullable<TrainerCallback['onEpochEnd']>>): TrainerCallback => ({
    name,
    onEpochEnd: () => answer,
  });

  it('stops when any callback stops; the last learning rate wins', () => {
    const hook = combineCallbacks([
      answering('a', { learningRate: 0.1 }),
      answering('b', { stop: true }),
      answering('c', undefined),
      answering('d', { learningRate: 0.02 }),
      answering('e', {}),
    ]);
    expect(hook(log(0))).toEqual({ stop: true, learningRate: 0.02 });
  });

  it('answers an empty control when nobody asks for anything', () => {
    expect(combineCallbacks([answering('a', undefined), { name: 'silent' }])(log(0))).toEqual({});
    expect(combineCallbacks([])(log(0))).toEqual({});
  });

  it('a later stop: false does not cancel an earlier stop', () => {
    expect(combineCallbacks([answering('a', { stop: true }), answering('b', { stop: false })])(log(3))).toEqual({ stop: true });
  });

  it('runs callbacks in order on every epoch', () => {
    const seen: string[] = [];
    const hook = combineCallbacks(['x', 'y'].map((name) => ({ name, onEpochEnd: (l: EpochLog) => void seen.push(`${name}${l.epoch}`) })));
    hook(log(0));
    hook(log(1));
    expect(seen).toEqual(['x0', 'y0', 'x1', 'y1']);
  });
});

describe('learningRateAt', () => {
  const cosine = { schedule: 'cosine', baseRate: 1e-3, warmupEpochs: 2, maxEpochs: 10 } as const;

  it('warms up linearly then decays along a cosine to 0 at maxEpochs', () => {
    // warm-up: epoch e → (e + 1)/2 × 1e-3; then progress = (e − 2)/8, rate = 1e-3 × ½(1 + cos(π·progress)).
    expect(learningRateAt(0, cosine)).toBeCloseTo(5e-4, 15); //   1/2 × 1e-3
    expect(learningRateAt(1, cosine)).toBeCloseTo(1e-3, 15); //   2/2 × 1e-3
    expect(learningRateAt(2, cosine)).toBeCloseTo(1e-3, 15); //   progress 0 → ½(1 + 1)
    expect(learningRateAt(4, cosine)).toBeCloseTo(1e-3 * 0.5 * (1 + Math.SQRT1_2), 15); // progress ¼ → ½(1 + √½) ≈ 8.536e-4
    expect(learningRateAt(6, cosine)).toBeCloseTo(5e-4, 15); //   progress ½ → ½(1 + 0)
    expect(learningRateAt(10, cosine)).toBeCloseTo(0, 15); //     progress 1 → ½(1 − 1)
    expect(learningRateAt(25, cosine)).toBeCloseTo(0, 15); //     progress clamped at 1
  });

  it('decays monotonically after the warm-up', () => {
    for (let e = 2; e < 12; e++) expect(learningRateAt(e + 1, cosine)).toBeLessThanOrEqual(learningRateAt(e, cosine));
  });

  it('starts the cosine at epoch 0 without warm-up', () => {
    // warmup 0, max 4: progress e/4 → ½(1 + cos(πe/4)): 1, 0.8536, 0.5, 0.1464, 0.
    const rates = [0, 1, 2, 3, 4].map((e) => learningRateAt(e, { ...cosine, warmupEpochs: 0, maxEpochs: 4 }) / 1e-3);
    [1, 0.8535533905932737, 0.5, 0.14644660940672627, 0].forEach((want, i) => expect(rates[i]).toBeCloseTo(want, 12));
  });

  it('constant keeps the base rate at every epoch, warm-up or not', () => {
    for (const epoch of [0, 1, 2, 6, 10, 50]) expect(learningRateAt(epoch, { ...cosine, schedule: 'constant' })).toBe(1e-3);
  });
});

describe('learningRateSchedule', () => {
  it('starts at the warm-up rate of epoch 0 and sets the next epoch’s rate', () => {
    const schedule = learningRateSchedule({ schedule: 'cosine', baseRate: 1e-3, warmupEpochs: 2, maxEpochs: 10 });
    expect(schedule.initialRate).toBeCloseTo(5e-4, 15);
    // After epoch 0 the model runs epoch 1: 2/2 × 1e-3; after epoch 5 it runs epoch 6: 5e-4.
    expect(schedule.onEpochEnd!(log(0))).toEqual({ learningRate: 1e-3 });
    expect((schedule.onEpochEnd!(log(5)) as { learningRate: number }).learningRate).toBeCloseTo(5e-4, 15);
  });

  it('constant: the initial rate is the base rate', () => {
    expect(learningRateSchedule({ schedule: 'constant', baseRate: 0.01, warmupEpochs: 5, maxEpochs: 10 }).initialRate).toBe(0.01);
  });

  it('refuses a base rate that is not positive', () => {
    for (const baseRate of [0, -1e-3, Number.NaN]) {
      expect(() => learningRateSchedule({ schedule: 'cosine', baseRate, warmupEpochs: 0, maxEpochs: 10 })).toThrow(UsageError);
    }
  });
});

describe('historyCallback and progressCallback', () => {
  it('history keeps a copy of every epoch and is cleared when training begins', () => {
    const history = historyCallback();
    const entry = log(0, 0.7);
    history.onEpochEnd!(entry);
    entry.valLoss = 99;
    history.onEpochEnd!(log(1, 0.6));
    expect(history.history.map((l) => l.valLoss)).toEqual([0.7, 0.6]);
    history.onTrainBegin!();
    expect(history.history).toEqual([]);
  });

  it('progress reports epochs done, capped at the maximum', () => {
    const calls: string[] = [];
    const progress: ProgressReporter = {
      start: (total, options) => calls.push(`start ${total} ${options?.unit} ${options?.label}`),
      advance: () => calls.push('advance'),
      update: (current) => calls.push(`update ${current}`),
      done: () => calls.push('done'),
    };
    const callback = progressCallback(progress, 3, 'logistic-MES-h5');
    callback.onTrainBegin!();
    for (const epoch of [0, 1, 2, 3]) callback.onEpochEnd!(log(epoch));
    void callback.onTrainEnd!({} as never);
    expect(calls).toEqual(['start 3 epochs logistic-MES-h5', 'update 1', 'update 2', 'update 3', 'update 3', 'done']);
  });
});

describe('configuredCallbacks', () => {
  const quiet: ProgressReporter = { start() {}, advance() {}, update() {}, done() {} };

  it('classical models: history, early stopping with the family patience, progress; no schedule', () => {
    const train = defaultConfig().train;
    const { callbacks, initialLearningRate } = configuredCallbacks(LOGISTIC_CARD, { maxIter: 50 }, train, quiet, 'x');
    expect(callbacks.map((c) => c.name)).toEqual(['history', 'early-stopping', 'progress']);
    expect(initialLearningRate).toBeUndefined();
    const stopper = callbacks[1] as ReturnType<typeof earlyStopping>;
    // Classical patience 10: best at epoch 0, a flat loss stops at epoch 10.
    expect(DEFAULT_PATIENCE.classical).toBe(10);
    expect(
      run(
        stopper,
        Array.from({ length: 30 }, () => 1),
      ),
    ).toBe(10);
  });

  it('neural models get the learning-rate schedule and its initial rate; the configured patience wins', () => {
    const train = { ...defaultConfig().train, earlyStopping: { patience: 3, minDelta: 0 } };
    // Defaults: cosine with 5 warm-up epochs → epoch 0 runs at 1/5 of the base rate.
    const { callbacks, initialLearningRate } = configuredCallbacks(MLP_CARD, { learningRate: 0.01, maxEpochs: 20 }, train, quiet, 'x');
    expect(callbacks.map((c) => c.name)).toEqual(['history', 'early-stopping', 'progress', 'learning-rate-schedule']);
    expect(initialLearningRate).toBeCloseTo(0.002, 15);
    expect(run(callbacks[1]!, [1, 1, 1, 1, 1])).toBe(3);
  });
});
