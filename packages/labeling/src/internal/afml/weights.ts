/**
 * Sample weights by return attribution (AFML snippet 4.10, `mpSampleW`): |Σ_{t ∈ [start, end]}
 * r_t / c_t| with r_t = ln(close_t / close_{t−1}), scaled so the weights sum to the number of
 * events. As in the book (and popular implementations), the span includes the return into the
 * start bar, r_start, which happened before the event; a NaN return (the first bar) is skipped as
 * pandas' sum does.
 */
export function returnAttributionWeights(close: Float64Array, start: Int32Array, end: Int32Array, concurrency: Int32Array): Float64Array {
  const out = new Float64Array(start.length);
  const last = close.length - 1;
  let total = 0;
  for (let e = 0; e < start.length; e++) {
    const from = start[e] as number;
    const to = (end[e] as number) < 0 ? last : (end[e] as number);
    let sum = 0;
    for (let t = Math.max(1, from); t <= to; t++) {
      const r = Math.log(close[t] as number) - Math.log(close[t - 1] as number);
      if (!Number.isNaN(r)) sum += r / (concurrency[t] as number);
    }
    out[e] = Math.abs(sum);
    total += out[e] as number;
  }
  if (total > 0) for (let e = 0; e < out.length; e++) out[e] = ((out[e] as number) * out.length) / total;
  return out;
}

/**
 * Time-decay factors (AFML snippet 4.11, `getTimeDecay`) over events in time order, piecewise
 * linear in cumulative uniqueness: the newest weighs 1, the oldest `lastWeight` (c ∈ [0, 1]); for
 * c ∈ (−1, 0) the oldest share (−c) of the events weighs 0. c = 1 means no decay.
 */
export function timeDecayWeights(uniqueness: Float64Array, lastWeight = 1): Float64Array {
  const n = uniqueness.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let cumulative = 0;
  for (let e = 0; e < n; e++) out[e] = cumulative += uniqueness[e] as number;
  const total = cumulative;
  const slope = lastWeight >= 0 ? (1 - lastWeight) / total : 1 / ((lastWeight + 1) * total);
  const constant = 1 - slope * total;
  for (let e = 0; e < n; e++) {
    const weight = constant + slope * (out[e] as number);
    out[e] = weight < 0 ? 0 : weight;
  }
  return out;
}
