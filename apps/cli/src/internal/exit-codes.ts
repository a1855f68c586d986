/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The pipeline ran and a stage failed, or `compare` found differences. */
  failed: 1,
  /** Bad command-line usage or an invalid config. */
  usage: 2,
  /** A named run does not exist. */
  notFound: 3,
  /** A run's artifacts no longer match its manifest. */
  integrity: 4,
  /** The run folder is being written by another live process (its `run.lock`). */
  locked: 5,
  /** Interrupted (Ctrl-C). */
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
