// A pool worker: builds the fitness from the module and init it is given (at start, or later with
// a `load` message, so one pool serves many searches), then evaluates the batches it is sent. It
// draws no random numbers, so results never depend on which worker evaluated what.
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '@tribar/core';
import { evaluateAll, loadEvaluator, type EvaluatorModule, type FitnessFunction } from './evaluator.js';

type Message = { id: number; genomes: number[][] } | { id: number; load: EvaluatorModule };

const port = parentPort;
if (port === null) throw new Error('worker.ts runs only as a worker thread');

let fitness: FitnessFunction | undefined;
const initial = (workerData as { evaluator?: EvaluatorModule } | undefined)?.evaluator;
try {
  if (initial !== undefined) fitness = await loadEvaluator(initial);
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ fatal: describeError(error) });
  throw error;
}

// Messages are handled one at a time in arrival order, so a batch sent after a `load` always
// sees the new fitness.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: Message) => {
  queue = queue.then(async () => {
    try {
      if ('load' in message) {
        fitness = await loadEvaluator(message.load);
        port.postMessage({ id: message.id, fitness: [] });
      } else {
        if (fitness === undefined) throw new Error('no evaluator loaded in this worker');
        port.postMessage({ id: message.id, fitness: evaluateAll(fitness, message.genomes) });
      }
    } catch (error) {
      port.postMessage({ id: message.id, error: describeError(error) });
    }
  });
});
