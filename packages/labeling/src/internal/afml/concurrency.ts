/**
 * Label concurrency (AFML snippet 4.1, `mpNumCoEvents`): for each bar, the number of events whose
 * span [start, end] (both inclusive, as pandas `.loc[tIn:tOut]`) covers it. An end of −1 counts
 * as the last bar (the book's `t1.fillna(closeIdx[-1])`: unclosed events still weigh on others).
 */
export function concurrentEvents(barCount: number, start: Int32Array, end: Int32Array): Int32Array {
  const delta = new Int32Array(barCount + 1);
  for (let e = 0; e < start.length; e++) {
    const from = start[e] as number;
    const to = (end[e] as number) < 0 ? barCount - 1 : (end[e] as number);
    delta[from] = (delta[from] as number) + 1;
    delta[to + 1] = (delta[to + 1] as number) - 1;
  }
  const count = new Int32Array(barCount);
  let running = 0;
  for (let t = 0; t < barCount; t++) {
    running += delta[t] as number;
    count[t] = running;
  }
  return count;
}

/**
 * Average uniqueness of each event (AFML snippet 4.2, `mpSampleTW`): the mean of 1 / c_t over the
 * bars of its span.
 */
export function averageUniqueness(start: Int32Array, end: Int32Array, concurrency: Int32Array): Float64Array {
  const out = new Float64Array(start.length);
  const last = concurrency.length - 1;
  for (let e = 0; e < start.length; e++) {
    const from = start[e] as number;
    const to = (end[e] as number) < 0 ? last : (end[e] as number);
    let sum = 0;
    for (let t = from; t <= to; t++) sum += 1 / (concurrency[t] as number);
    out[e] = sum / (to - from + 1);
  }
  return out;
}

/**
 * Uniqueness of a whole label set: bars covered over bar-event incidences, Σ_t 1[c_t > 0] / Σ_t c_t,
 * which is the span-weighted mean of the events' average uniqueness (the plain mean weighs a
 * short event as much as a long one).
 */
export function pooledUniqueness(concurrency: Int32Array): number {
  let covered = 0;
  let incidences = 0;
  for (const c of concurrency) {
    if (c > 0) covered++;
    incidences += c;
  }
  return incidences === 0 ? Number.NaN : covered / incidences;
}
