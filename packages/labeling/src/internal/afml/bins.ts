import type { AfmlEvents } from './events.js';

/** Labeled events: the events that ended, with their return and bin. */
export interface AfmlBins extends AfmlEvents {
  /** close[t1] / close[t0] − 1, times the side when meta-labeling. */
  ret: Float64Array;
  /** sign(ret) (the book's 3.7); meta-labeling: 1 if ret > 0 else 0. */
  bin: Int8Array;
}

/**
 * Labels of events (AFML snippet 3.7, `getBins`): events without t1 are dropped; the bin is the
 * sign of the return at t1, also when the vertical barrier was touched first (the book's 3.7).
 * `verticalBarrierZero` gives 0 to those instead, the variant the book suggests in its
 * exercises and popular implementations offer; it does not apply to meta-labels.
 */
export function getBins(close: Float64Array, events: AfmlEvents, options: { verticalBarrierZero?: boolean } = {}): AfmlBins {
  let count = 0;
  for (const end of events.end) if (end >= 0) count++;
  const pick = <T extends Int32Array | Float64Array>(values: T, make: (n: number) => T): T => {
    const out = make(count);
    let at = 0;
    for (let e = 0; e < events.end.length; e++) if ((events.end[e] as number) >= 0) out[at++] = values[e] as number;
    return out;
  };
  const meta = events.side !== undefined;
  const bins: AfmlBins = {
    index: pick(events.index, (n) => new Int32Array(n)),
    end: pick(events.end, (n) => new Int32Array(n)),
    target: pick(events.target, (n) => new Float64Array(n)),
    touch: pick(events.touch, (n) => new Float64Array(n)),
    ...(meta ? { side: pick(events.side as Float64Array, (n) => new Float64Array(n)) } : {}),
    ret: new Float64Array(count),
    bin: new Int8Array(count),
  };
  for (let e = 0; e < count; e++) {
    const side = bins.side === undefined ? 1 : (bins.side[e] as number);
    const ret = ((close[bins.end[e] as number] as number) / (close[bins.index[e] as number] as number) - 1) * side;
    bins.ret[e] = ret;
    if (meta) bins.bin[e] = ret > 0 ? 1 : 0;
    else if (options.verticalBarrierZero && bins.touch[e] === 0) bins.bin[e] = 0;
    else bins.bin[e] = ret > 0 ? 1 : ret < 0 ? -1 : 0;
  }
  return bins;
}

/**
 * Drop rare labels (AFML snippet 3.8, `dropLabels`): while the rarest bin's share is not above
 * `minShare` and at least three bins remain, remove the events of the rarest bin (on a tie, the
 * lowest bin). Returns the indices of the events kept.
 */
export function dropRareLabels(bin: Int8Array, minShare = 0.05): Int32Array {
  let keep = Int32Array.from(bin.keys());
  for (;;) {
    const counts = new Map<number, number>();
    for (const e of keep) counts.set(bin[e] as number, (counts.get(bin[e] as number) ?? 0) + 1);
    if (counts.size < 3) break;
    let rarest = 0;
    let fewest = Infinity;
    for (const [value, count] of [...counts].sort((a, b) => a[0] - b[0])) {
      if (count < fewest) {
        fewest = count;
        rarest = value;
      }
    }
    if (fewest / keep.length > minShare) break;
    keep = keep.filter((e) => bin[e] !== rarest);
  }
  return keep;
}
