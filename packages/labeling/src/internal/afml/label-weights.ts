import { INVALID_LABEL } from '@tribar/quant';
import { averageUniqueness, concurrentEvents } from './concurrency.js';
import { returnAttributionWeights, timeDecayWeights } from './weights.js';

export interface LabelWeights {
  /** Average uniqueness of each row's label over bars [i, endIndex]; NaN on −99 rows. */
  uniqueness: Float64Array;
  /** Return-attribution weight (AFML 4.10), scaled to average 1 over valid rows; 0 on −99 rows. */
  returnWeight: Float64Array;
  /** Time-decay factor (AFML 4.11) in row order; 0 on −99 rows. */
  decayWeight: Float64Array;
}

/**
 * AFML ch. 4 weights for per-bar triple-barrier labels: every valid row is an event spanning
 * its entry bar to the bar where its label was decided (`label_end_index`).
 */
export function tripleBarrierLabelWeights(close: Float64Array, label: Int8Array, endIndex: Int32Array, timeDecay = 1): LabelWeights {
  const n = label.length;
  let count = 0;
  for (let i = 0; i < n; i++) if ((label[i] as number) !== INVALID_LABEL) count++;
  const rows = new Int32Array(count);
  const end = new Int32Array(count);
  let at = 0;
  for (let i = 0; i < n; i++) {
    if ((label[i] as number) === INVALID_LABEL) continue;
    rows[at] = i;
    end[at++] = endIndex[i] as number;
  }
  const concurrency = concurrentEvents(n, rows, end);
  const u = averageUniqueness(rows, end, concurrency);
  const w = returnAttributionWeights(close, rows, end, concurrency);
  const d = timeDecayWeights(u, timeDecay);
  const uniqueness = new Float64Array(n).fill(Number.NaN);
  const returnWeight = new Float64Array(n);
  const decayWeight = new Float64Array(n);
  for (let e = 0; e < count; e++) {
    const i = rows[e] as number;
    uniqueness[i] = u[e] as number;
    returnWeight[i] = w[e] as number;
    decayWeight[i] = d[e] as number;
  }
  return { uniqueness, returnWeight, decayWeight };
}
