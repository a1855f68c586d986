// The training worker: builds the DMatrices, runs boosting rounds and reports each one, so the
// blocking C calls never stall the main thread's event loop. One worker per fit.
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '@tribar/core';
import type { EpochLog } from '../types.js';
import { xgboostApi } from './library.js';
import { NativeBooster, NativeMatrix } from './native.js';
import { ACKED, STOP, type StopReason, type TrainDone, type TrainRequest, type WorkerReply } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('xgboost/worker runs only as a worker thread');
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

function train(request: TrainRequest): TrainDone {
  const api = xgboostApi(request.libraryPath);
  const control = new Int32Array(request.control);
  const matrices: NativeMatrix[] = [];
  const boosters: NativeBooster[] = [];
  try {
    const dtrain = new NativeMatrix(api, request.train, request.threads);
    matrices.push(dtrain);
    const names = ['train'];
    if (request.validation !== undefined) {
      matrices.push(new NativeMatrix(api, request.validation, request.threads));
      names.push('val');
    }
    const booster = NativeBooster.create(api, matrices, request.params);
    boosters.push(booster);
    booster.setFeatureNames(request.featureNames);

    const started = performance.now();
    const hasValidation = request.validation !== undefined;
    let bestEpoch = -1;
    let bestLoss = Number.POSITIVE_INFINITY;
    let epochs = 0;
    let stoppedBy: StopReason | null = null;
    for (let epoch = 0; epoch < request.rounds; epoch++) {
      if (Atomics.load(control, STOP) !== 0) {
        stoppedBy = 'abort';
        break;
      }
      booster.updateOneIter(epoch, dtrain);
      epochs = epoch + 1;
      const metrics = booster.evalOneIter(epoch, matrices, names);
      const log: EpochLog = { epoch, trainLoss: metrics['train-mlogloss'] ?? Number.NaN, elapsedMs: performance.now() - started };
      if (hasValidation) {
        log.valLoss = metrics['val-mlogloss'] ?? Number.NaN;
        log.valAccuracy = 1 - (metrics['val-merror'] ?? Number.NaN);
        // Strictly lower only: ties keep the earlier (smaller) model, as XGBoost's own early stopping.
        if (log.valLoss < bestLoss) {
          bestLoss = log.valLoss;
          bestEpoch = epoch;
        }
      } else {
        bestEpoch = epoch;
      }
      post({ epoch: log });
      if (request.lockstep) {
        // The main thread acknowledges every round after its hook ran; wait for ours.
        while (Atomics.load(control, ACKED) < epoch + 1 && Atomics.load(control, STOP) === 0) Atomics.wait(control, ACKED, epoch, 1000);
      }
      if (Atomics.load(control, STOP) !== 0) {
        stoppedBy = 'hook';
        break;
      }
      if (hasValidation && request.earlyStoppingRounds > 0 && epoch - bestEpoch >= request.earlyStoppingRounds) {
        stoppedBy = epoch + 1 < request.rounds ? 'early-stopping' : null;
        break;
      }
    }

    let kept = booster;
    if (request.restoreBest && hasValidation && bestEpoch >= 0 && bestEpoch + 1 < epochs) {
      kept = booster.slice(0, bestEpoch + 1);
      boosters.push(kept);
      kept.setFeatureNames(request.featureNames);
    }
    const keptRounds = epochs === 0 ? 0 : kept.boostedRounds();
    if (bestEpoch >= 0) {
      kept.setAttr('best_iteration', String(Math.min(bestEpoch, keptRounds - 1)));
      if (hasValidation) kept.setAttr('best_score', String(bestLoss));
    }
    return { model: kept.toJson(), epochs, keptRounds, bestEpoch, stoppedBy, version: api.version };
  } finally {
    for (const booster of boosters) booster.free();
    for (const matrix of matrices) matrix.free();
  }
}

try {
  const done = train(workerData as TrainRequest);
  post({ done }, [done.model.buffer as ArrayBuffer]);
} catch (error) {
  const { message, hint } = describeError(error);
  post({ error: hint === undefined ? { message } : { message, hint } });
}
