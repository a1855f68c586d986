/**
 * Backtest statistics of AFML ch. 14 (López de Prado) over typed arrays: the drawdown list and
 * time under water (snippet 14.4), bets concentration (snippet 14.3), the timing of flattenings
 * and flips (snippet 14.1) and the average holding period (snippet 14.2). Sharpe-ratio
 * significance (PSR, DSR, MinTRL) lives in `sharpe-significance.ts`, the equity-curve engine in
 * `backtest-stats.ts`; these are the book's remaining figures, each a pure function.
 */

export interface DrawdownList {
  /** Each drawdown's depth in the series' units (high-water mark − lowest value before the next high). */
  amount: Float64Array;
  /** The same depth as a fraction of its high-water mark (1 − min / hwm). */
  fraction: Float64Array;
  /** Index where each high-water mark was first set. */
  peakIndex: Int32Array;
  /** Index of each drawdown's lowest value (the first one on ties). */
  troughIndex: Int32Array;
  /**
   * Time under water as the book computes it: the time from one drawdown's high-water mark to the
   * next drawdown's (one fewer than the drawdowns), in the units of `time` (indices by default).
   */
  timeUnderWater: Float64Array;
}

/**
 * Snippet 14.4 (`computeDD_TuW`): group a PnL or dollar series by its running maximum (the
 * high-water mark); every high-water mark followed by a lower value is one drawdown, as deep as the
 * lowest value before the next high-water mark. `time` (same length, increasing) dates the marks;
 * by default the index is the time.
 */
export function drawdownList(series: ArrayLike<number>, time?: ArrayLike<number>): DrawdownList {
  const n = series.length;
  const peaks: number[] = [];
  const troughs: number[] = [];
  let hwm = -Infinity;
  let peakAt = -1;
  let troughAt = -1;
  const close = (): void => {
    if (peakAt >= 0 && (series[troughAt] as number) < hwm) {
      peaks.push(peakAt);
      troughs.push(troughAt);
    }
  };
  for (let i = 0; i < n; i++) {
    const v = series[i] as number;
    if (v > hwm) {
      close();
      hwm = v;
      peakAt = i;
      troughAt = i;
    } else if (v < (series[troughAt] as number)) {
      troughAt = i;
    }
  }
  close();
  const m = peaks.length;
  const out: DrawdownList = {
    amount: new Float64Array(m),
    fraction: new Float64Array(m),
    peakIndex: Int32Array.from(peaks),
    troughIndex: Int32Array.from(troughs),
    timeUnderWater: new Float64Array(Math.max(0, m - 1)),
  };
  const at = (i: number): number => (time === undefined ? i : (time[i] as number));
  for (let k = 0; k < m; k++) {
    const high = series[peaks[k] as number] as number;
    const low = series[troughs[k] as number] as number;
    out.amount[k] = high - low;
    out.fraction[k] = 1 - low / high;
    if (k > 0) out.timeUnderWater[k - 1] = at(peaks[k] as number) - at(peaks[k - 1] as number);
  }
  return out;
}

/**
 * Snippet 14.3 (`getHHI`): the normalised Herfindahl–Hirschman index of a set of bet returns or
 * counts, (Σw² − 1/n) / (1 − 1/n) with w = x / Σx: 0 when evenly spread, 1 when all in one. NaN for
 * two or fewer values, as the book.
 */
export function herfindahlIndex(values: ArrayLike<number>): number {
  const n = values.length;
  if (n <= 2) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const w = (values[i] as number) / sum;
    sq += w * w;
  }
  return (sq - 1 / n) / (1 - 1 / n);
}

export interface BetsConcentration {
  /** HHI of the non-negative bet returns. */
  positive: number;
  /** HHI of the negative bet returns. */
  negative: number;
  /** HHI of the number of bets per calendar month (UTC), empty months between the first and last counting 0; NaN without timestamps. */
  time: number;
}

/**
 * Snippet 14.3's three concentrations: of positive returns (`ret >= 0`), of negative returns and of
 * bets over time (bets per month, `timestamp` in epoch ms, as the book's monthly `TimeGrouper`).
 */
export function betsConcentration(returns: ArrayLike<number>, timestamp?: ArrayLike<number>): BetsConcentration {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (r >= 0) pos.push(r);
    else if (r < 0) neg.push(r);
  }
  let time = Number.NaN;
  if (timestamp !== undefined && timestamp.length > 0) {
    const month = (t: number): number => {
      const d = new Date(t);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    };
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < timestamp.length; i++) {
      const m = month(timestamp[i] as number);
      if (m < first) first = m;
      if (m > last) last = m;
    }
    const counts = new Float64Array(last - first + 1);
    for (let i = 0; i < timestamp.length; i++) counts[month(timestamp[i] as number) - first]! += 1;
    time = herfindahlIndex(counts);
  }
  return { positive: herfindahlIndex(pos), negative: herfindahlIndex(neg), time };
}

/**
 * Snippet 14.1: the indices where a bet ends — the position goes flat (0 after non-0), flips sign,
 * or the series ends (the last index, always included) — in increasing order.
 */
export function betTiming(position: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  const n = position.length;
  for (let i = 1; i < n; i++) {
    const prev = position[i - 1] as number;
    const cur = position[i] as number;
    if ((cur === 0 && prev !== 0) || cur * prev < 0) out.push(i);
  }
  if (n > 0 && out[out.length - 1] !== n - 1) out.push(n - 1);
  return Int32Array.from(out);
}

/**
 * Snippet 14.2 (`getHoldingPeriod`): the average holding period by average-entry-time pairing. An
 * increase moves the average entry time toward the new contracts' time; a decrease closes
 * |Δposition| contracts held since the average entry time; a flip closes the whole old position and
 * restarts the entry time. Returns the size-weighted mean holding time in the units of `time`
 * (indices by default), or NaN when nothing was closed.
 */
export function averageHoldingPeriod(position: ArrayLike<number>, time?: ArrayLike<number>): number {
  const n = position.length;
  const at = (i: number): number => (time === undefined ? i : (time[i] as number) - (time[0] as number));
  let entry = 0;
  let weighted = 0;
  let weights = 0;
  for (let i = 1; i < n; i++) {
    const prev = position[i - 1] as number;
    const cur = position[i] as number;
    const diff = cur - prev;
    const t = at(i);
    if (diff * prev >= 0) {
      if (cur !== 0) entry = (entry * prev + t * diff) / cur;
    } else if (cur * prev < 0) {
      weighted += (t - entry) * Math.abs(prev);
      weights += Math.abs(prev);
      entry = t;
    } else {
      weighted += (t - entry) * Math.abs(diff);
      weights += Math.abs(diff);
    }
  }
  return weights > 0 ? weighted / weights : Number.NaN;
}
