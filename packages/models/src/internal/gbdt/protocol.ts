// The shared control block between the boosting thread and its workers: one job at a time.
import type { MessagePort } from 'node:worker_threads';
import type { SplitParams } from './split.js';

/** Int32 slots of the control block; worker k reports in DONE + 2k and FAILED + 2k. */
export const CONTROL = {
  /** Sequence number of the latest job (the workers wait on it). */
  COMMAND: 0,
  /** Histogram id to fill, or −1: exit. */
  HIST: 1,
  /** Parent histogram id to make the sibling's (parent − node), or −1. */
  PARENT: 2,
  BEGIN: 3,
  END: 4,
  CLASS: 5,
  FEATURE_COUNT: 6,
  /** 1 when the node's (7) / the sibling's (8) best split is wanted. */
  EVAL_NODE: 7,
  EVAL_SIBLING: 8,
  /** The next chunk (or row block) to take (Atomics.add). */
  CLAIM: 9,
  /** JOB_NODE or JOB_PARTITION. */
  KIND: 10,
  /** A partition's split: feature, last left bin, 1 when missing goes left. */
  SPLIT_FEATURE: 11,
  SPLIT_BIN: 12,
  DEFAULT_LEFT: 13,
  /** Rows per block of a partition. */
  BLOCK: 14,
  /** Sequence number of worker k's latest finished job: slot DONE + 2k. */
  DONE: 15,
  /** Non-zero after worker k failed: slot FAILED + 2k. */
  FAILED: 16,
} as const;

/** Job kinds: a node job (`runChunk` per chunk) or a row partition (`partitionBlock` per block). */
export const JOB_NODE = 0;
export const JOB_PARTITION = 1;

/** Int32 slots of a control block for `workers` workers. */
export function controlSlots(workers: number): number {
  return CONTROL.DONE + 2 * workers;
}

/** Float64 slots of the totals block: the node's G, H, N, then the sibling's. */
export const TOTALS_SLOTS = 6;

export interface WorkerInit {
  /** This worker's number (its DONE / FAILED slots). */
  index: number;
  control: SharedArrayBuffer;
  totals: SharedArrayBuffer;
  results: SharedArrayBuffer;
  /** Histograms arrive here as `{ id, buffer }`, read synchronously (the worker never yields). */
  port: MessagePort;
  bins: SharedArrayBuffer;
  rows: number;
  binOffset: number[];
  binCount: number[];
  grad: SharedArrayBuffer[];
  hess: SharedArrayBuffer[];
  idx: SharedArrayBuffer;
  spare: SharedArrayBuffer;
  /** Per row block of a partition, its left rows (Int32). */
  lefts: SharedArrayBuffer;
  features: SharedArrayBuffer;
  params: SplitParams;
}
