// Messages between the model (main thread) and its training worker.
import type { EpochLog } from '../types.js';
import type { MatrixData } from './native.js';

/** Int32 slots of the shared control block. */
export const STOP = 0;
/** Number of rounds whose EpochLog the main thread has handled (lock-step mode). */
export const ACKED = 1;
export const CONTROL_SLOTS = 2;

export interface TrainRequest {
  libraryPath: string;
  params: [string, string][];
  rounds: number;
  /** 0 = the model does not stop by itself. */
  earlyStoppingRounds: number;
  restoreBest: boolean;
  /** Wait after every round until the main thread has run its epoch hook (so a stop applies before the next round). */
  lockstep: boolean;
  control: SharedArrayBuffer;
  train: MatrixData;
  validation?: MatrixData;
  featureNames: string[];
  threads: number;
}

export type StopReason = 'hook' | 'early-stopping' | 'abort';

export interface TrainDone {
  /** The kept model in XGBoost's JSON format. */
  model: Uint8Array;
  /** Rounds trained (before any slicing). */
  epochs: number;
  /** Rounds kept in `model`. */
  keptRounds: number;
  bestEpoch: number;
  stoppedBy: StopReason | null;
  version: string;
}

export type WorkerReply = { epoch: EpochLog } | { done: TrainDone } | { error: { message: string; hint?: string } };
