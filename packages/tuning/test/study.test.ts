import { describe, expect, it } from 'vitest';
import { BRANIN } from '../bench/functions.js';
import { RandomSampler } from '../src/internal/samplers/sampler.js';
import { TpeSampler } from '../src/internal/samplers/tpe.js';
import { createStudy } from '../src/internal/study.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Study', () => {
  it('keeps `workers` trials in flight, counts each finished trial once and stops at `trials`', async () => {
    const study = createStudy({
      name: 'parallel',
      space: BRANIN.space,
      sampler: new TpeSampler({ seed: 2, constantLiar: true, startupTrials: 4 }),
    });
    let inFlight = 0;
    let most = 0;
    await study.optimize(
      async (t) => {
        most = Math.max(most, ++inFlight);
        await sleep(2);
        inFlight--;
        return BRANIN.evaluate(t.params, '');
      },
      { trials: 20, workers: 4 },
    );
    expect(most).toBe(4);
    expect(study.trials).toHaveLength(20);
    expect(study.trials.every((t) => t.state === 'complete')).toBe(true);
  });

  it('with a constant liar, parallel TPE trials asked together differ', () => {
    const study = createStudy({
      name: 'liar',
      space: BRANIN.space,
      sampler: new TpeSampler({ seed: 5, constantLiar: true, startupTrials: 3 }),
    });
    for (let i = 0; i < 6; i++) {
      const t = study.ask();
      study.tell(t.number, BRANIN.evaluate(t.params, ''));
    }
    const asked = [study.ask(), study.ask(), study.ask()].map((t) => JSON.stringify(t.params));
    expect(new Set(asked).size).toBe(3);
  });

  it('fails a trial whose objective throws or returns NaN, and tells a finished trial only once', async () => {
    const study = createStudy({ name: 'fail', space: BRANIN.space, sampler: new RandomSampler(1) });
    await study.optimize(
      (t) => {
        if (t.number === 1) throw new Error('diverged');
        return t.number === 2 ? Number.NaN : 1;
      },
      { trials: 3 },
    );
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'fail', 'fail', 'complete', 'complete']);
    expect(study.trials[1]!.error).toBe('diverged');
    expect(study.tell(0, 5)).toBe(false);
    expect(study.trials[0]!.value).toBe(1);
  });

  it('maximises when asked to', async () => {
    const study = createStudy({ name: 'max', space: BRANIN.space, sampler: new RandomSampler(1), direction: 'maximize' });
    await study.optimize((t) => BRANIN.evaluate(t.params, ''), { trials: 10 });
    expect(study.bestTrial!.value).toBe(Math.max(...study.trials.map((t) => t.value!)));
  });
});
