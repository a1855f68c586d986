import { DataError, UsageError } from '@tribar/core';

/**
 * Session number of every row: 0 from the first row, +1 wherever the step from the previous row is
 * longer than one bar (the daily maintenance halt, a weekend, a hole the cleaner did not fill).
 * Timestamps must increase strictly; a repeated or backwards step means the table is corrupt.
 */
export function sessionIds(timestampMs: ArrayLike<number>, barMs: number, source = '<memory>'): Int32Array {
  if (!(barMs > 0) || !Number.isFinite(barMs))
    throw new UsageError(`sessionIds: barMs must be a positive number of milliseconds, got ${barMs}`);
  const n = timestampMs.length;
  const out = new Int32Array(n);
  let session = 0;
  for (let i = 0; i < n; i++) {
    const t = timestampMs[i] as number;
    if (!Number.isFinite(t))
      throw new DataError(`timestamp is not a finite number (${t})`, { file: source, row: i + 1, field: 'timestamp' });
    if (i > 0) {
      const step = t - (timestampMs[i - 1] as number);
      if (!(step > 0)) {
        throw new DataError(
          `timestamps must increase strictly; row ${i + 1} is ${step} ms after the row before`,
          { file: source, row: i + 1, field: 'timestamp' },
          {
            hint: 'Re-run the pipeline; every per-symbol table is sorted and de-duplicated by time.',
          },
        );
      }
      if (step > barMs) session++;
    }
    out[i] = session;
  }
  return out;
}

export interface WindowRule {
  /** The row's split code (`split_h{h}`); a window's rows all carry t's code. */
  split: ArrayLike<number>;
  lookback: number;
  /** Session of every row (`sessionIds`); omitted when windows may span session breaks. */
  sessions?: Int32Array | undefined;
}

/**
 * Per row t, whether the window t−lookback+1 … t is allowed: it starts at or after row 0, every row
 * in it has t's split code (so purge and embargo rows, which carry negative codes, break windows and
 * a window never reaches back across a train/val/test boundary) and, when `sessions` is given, every
 * row is in t's session. O(n): the length of the current run of equal (split, session) is carried along.
 */
export function windowFits(rule: WindowRule): Uint8Array {
  const { split, lookback, sessions } = rule;
  if (!Number.isInteger(lookback) || lookback < 1) throw new UsageError(`lookback must be a positive integer, got ${lookback}`);
  const n = split.length;
  if (sessions && sessions.length !== n) throw new UsageError(`windowFits: ${sessions.length} session ids for ${n} split codes`);
  const fits = new Uint8Array(n);
  let run = 0;
  for (let t = 0; t < n; t++) {
    const same = t > 0 && split[t] === split[t - 1] && (!sessions || sessions[t] === sessions[t - 1]);
    run = same ? run + 1 : 1;
    fits[t] = run >= lookback ? 1 : 0;
  }
  return fits;
}
