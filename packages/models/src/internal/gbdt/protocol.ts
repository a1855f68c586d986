// The shared control block between the boosting thread and one histogram worker.
import type { MessagePort } from 'node:worker_threads';

/** Int32 slots of a worker's control block. */
export const CONTROL = {
  /** Sequence number of the latest command (the worker waits on it). */
  COMMAND: 0,
  /** Sequence number of the latest finished command (the main thread waits on it). */
  DONE: 1,
  /** Histogram id to fill, or −1: exit. */
  HIST: 2,
  BEGIN: 3,
  END: 4,
  CLASS: 5,
  FEATURE_START: 6,
  FEATURE_END: 7,
  /** Non-zero after the worker failed. */
  FAILED: 8,
  SLOTS: 9,
} as const;

export interface WorkerInit {
  control: SharedArrayBuffer;
  /** Histograms arrive here as `{ id, buffer }`, read synchronously (the worker never yields). */
  port: MessagePort;
  bins: SharedArrayBuffer;
  rows: number;
  binOffset: number[];
  binCount: number[];
  grad: SharedArrayBuffer[];
  hess: SharedArrayBuffer[];
  idx: SharedArrayBuffer;
  features: SharedArrayBuffer;
}
