// The synthetic objective of the Redis tests: Branin, reported over 4 steps `delayMs` apart.
import { BRANIN } from '../bench/functions.js';
import type { Objective } from '../src/internal/study.js';

export function slowBranin(delayMs: number): Objective {
  return async (trial) => {
    const value = BRANIN.evaluate(trial.params, '');
    for (let step = 0; step < 4; step++) {
      trial.report(value + (3 - step), step);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    trial.setUserAttr('steps', 4);
    return value;
  };
}
