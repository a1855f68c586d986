import { UsageError } from '@tribar/core';

/**
 * Vertical barriers (AFML snippet 3.4, `addVerticalBarrier`): for each event, the first bar at or
 * after event time + `spanMs`; −1 when the data end first (the book drops those, leaving NaT,
 * which `getEvents` reads as "no vertical barrier").
 */
export function verticalBarriers(timestamp: Float64Array, eventIndex: Int32Array, spanMs: number): Int32Array {
  const n = timestamp.length;
  const out = new Int32Array(eventIndex.length);
  let at = 0;
  for (let e = 0; e < eventIndex.length; e++) {
    const target = (timestamp[eventIndex[e] as number] as number) + spanMs;
    if (e > 0 && (eventIndex[e] as number) < (eventIndex[e - 1] as number)) at = 0;
    while (at < n && (timestamp[at] as number) < target) at++;
    out[e] = at < n ? at : -1;
  }
  return out;
}

/** Events as parallel arrays, one entry per event, in time order. */
export interface AfmlEvents {
  /** Bar of the event (t0). */
  index: Int32Array;
  /** Bar of the first touch (t1), or −1 when no barrier was reached before the data end. */
  end: Int32Array;
  /** Barrier width as a return (trgt), e.g. the daily volatility at t0. */
  target: Float64Array;
  /** Side of the primary model (meta-labeling) or undefined. */
  side?: Float64Array;
  /** Which barrier set t1: 1 profit taking, −1 stop loss, 0 vertical, NaN none. */
  touch: Float64Array;
}

export interface GetEventsOptions {
  /** Candidate event bars, e.g. from `cusumEvents`. */
  eventIndex: Int32Array;
  /** Target per bar (the book's `trgt` series), e.g. `dailyVolatility`. */
  target: Float64Array;
  /** [profit taking, stop loss] multiples of the target; 0 disables that barrier. */
  ptSl: readonly [number, number];
  /** Events whose target is not above this are dropped (the book's `trgt > minRet`). */
  minReturn?: number;
  /** Vertical barrier bar per event (aligned with `eventIndex`), −1 for none; default none. */
  verticalBarrier?: Int32Array;
  /** Side per bar (+1 long, −1 short) for meta-labeling; events where it is NaN are dropped. */
  side?: Float64Array;
}

/**
 * Triple-barrier events (AFML snippets 3.2 `applyPtSlOnT1`, 3.3/3.6 `getEvents`) on closes: the
 * path from t0 (inclusive) to the vertical barrier (or the last bar) is scanned for the first
 * return × side above pt·trgt or below −sl·trgt, strictly; t1 is the earliest of the three.
 * Without a side the book uses ptSl[0] for both barriers (symmetric), and so does this; with a
 * side both multiples apply.
 */
export function getEvents(close: Float64Array, options: GetEventsOptions): AfmlEvents {
  const { eventIndex, target, ptSl } = options;
  const minReturn = options.minReturn ?? 0;
  if (options.verticalBarrier !== undefined && options.verticalBarrier.length !== eventIndex.length) {
    throw new UsageError('verticalBarrier must have one entry per event', { hint: 'use verticalBarriers(timestamp, eventIndex, span)' });
  }
  const sides = options.side;
  const [ptMultiple, slMultiple] = sides === undefined ? [ptSl[0], ptSl[0]] : [ptSl[0], ptSl[1]];
  const n = close.length;
  const kept: number[] = [];
  for (let e = 0; e < eventIndex.length; e++) {
    const t0 = eventIndex[e] as number;
    const trgt = target[t0] as number;
    if (!(trgt > minReturn)) continue;
    if (sides !== undefined && Number.isNaN(sides[t0] as number)) continue;
    kept.push(e);
  }
  const count = kept.length;
  const out: AfmlEvents = {
    index: new Int32Array(count),
    end: new Int32Array(count),
    target: new Float64Array(count),
    touch: new Float64Array(count),
    ...(sides !== undefined ? { side: new Float64Array(count) } : {}),
  };
  for (let k = 0; k < count; k++) {
    const e = kept[k] as number;
    const t0 = eventIndex[e] as number;
    const trgt = target[t0] as number;
    const side = sides === undefined ? 1 : (sides[t0] as number);
    const vertical = options.verticalBarrier?.[e] ?? -1;
    const last = vertical >= 0 ? vertical : n - 1;
    const pt = ptMultiple > 0 ? ptMultiple * trgt : Number.NaN;
    const sl = slMultiple > 0 ? -slMultiple * trgt : Number.NaN;
    const entry = close[t0] as number;
    let end = vertical;
    let touch = vertical >= 0 ? 0 : Number.NaN;
    for (let t = t0; t <= last; t++) {
      const r = ((close[t] as number) / entry - 1) * side;
      // The earliest of stop loss and profit taking; on one bar both cannot hold.
      if (r < sl) {
        end = t;
        touch = -1;
        break;
      }
      if (r > pt) {
        end = t;
        touch = 1;
        break;
      }
    }
    out.index[k] = t0;
    out.end[k] = end;
    out.target[k] = trgt;
    out.touch[k] = touch;
    if (out.side !== undefined) out.side[k] = side;
  }
  return out;
}
