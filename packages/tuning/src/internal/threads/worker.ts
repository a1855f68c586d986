// A trial worker thread: loads the run's data once, then fits and scores the trials it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { createDefaultRegistry } from '@tribar/models';
import { Tracker } from '@tribar/tracker';
import { ModelObjective } from '../objective.js';
import { TrialPruned, type Trial } from '../study.js';
import type { ThreadRequest, ThreadSetup } from './pool.js';

const setup = workerData as ThreadSetup;
const flag = new Int32Array(setup.pruneFlag);
const port = parentPort!;
const tracker = setup.trackingDir ? await Tracker.open(setup.trackingDir) : undefined;
const objective = await ModelObjective.load({
  ...setup.objective,
  registry: createDefaultRegistry(),
  ...(tracker && setup.parentRunId ? { tracker, parentRunId: setup.parentRunId } : {}),
});
port.postMessage({ type: 'ready' });

port.on('message', (request: ThreadRequest) => {
  Atomics.store(flag, 0, 0);
  const { number, params } = request;
  const trial: Trial = {
    number,
    params,
    report: (value, step) => port.postMessage({ type: 'report', number, step, value }),
    // The study decides after each report; the answer arrives here one report later at most.
    shouldPrune: () => Atomics.load(flag, 0) === 1,
    setUserAttr: (key, value) => port.postMessage({ type: 'attr', number, key, value }),
  };
  objective.run(trial).then(
    (value) => port.postMessage({ type: 'done', number, value }),
    (error: unknown) =>
      port.postMessage(
        error instanceof TrialPruned
          ? { type: 'pruned', number }
          : { type: 'error', number, message: error instanceof Error ? error.message : String(error) },
      ),
  );
});
