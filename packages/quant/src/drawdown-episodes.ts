/**
 * Drawdown as a fraction of the running peak, and its episodes, as backtesting.py's
 * `compute_drawdown_duration_peaks` defines them: an episode runs from the last bar at a peak
 * (drawdown 0) to the next bar back at a peak, or to the last bar when the equity never recovers;
 * its duration is the time between those two bars and its depth the deepest drawdown inside.
 */

export interface DrawdownEpisode {
  /** Bar of the peak the episode falls from (drawdown 0), or −1 for the initial equity before bar 0. */
  peakIndex: number;
  /** Deepest bar. */
  troughIndex: number;
  /** First bar back at the peak, or the last bar when the equity has not recovered. */
  endIndex: number;
  recovered: boolean;
  /** Deepest drawdown, a fraction of the peak (0.1 = 10 %). */
  depth: number;
  /** Time from the peak to `endIndex` (from the first bar when the peak is the initial equity). */
  durationMs: number;
}

/**
 * 1 − equity / running peak at each bar; `initialEquity` is a peak before bar 0, so a curve that
 * starts by losing counts that loss.
 */
export function drawdownSeries(equity: ArrayLike<number>, initialEquity?: number): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = initialEquity ?? -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e > peak) peak = e;
    out[i] = e >= peak ? 0 : 1 - e / peak;
  }
  return out;
}

/** The episodes of a drawdown series (see the module comment), in time order. */
export function drawdownEpisodes(drawdown: ArrayLike<number>, timestamp: ArrayLike<number>): DrawdownEpisode[] {
  const n = drawdown.length;
  const episodes: DrawdownEpisode[] = [];
  let i = 0;
  let peak = -1;
  while (i < n) {
    if ((drawdown[i] as number) === 0) {
      peak = i++;
      continue;
    }
    let trough = i;
    let j = i;
    while (j < n && (drawdown[j] as number) > 0) {
      if ((drawdown[j] as number) > (drawdown[trough] as number)) trough = j;
      j++;
    }
    const recovered = j < n;
    const endIndex = recovered ? j : n - 1;
    const start = (timestamp[peak < 0 ? 0 : peak] as number) ?? 0;
    episodes.push({
      peakIndex: peak,
      troughIndex: trough,
      endIndex,
      recovered,
      depth: drawdown[trough] as number,
      durationMs: (timestamp[endIndex] as number) - start,
    });
    i = j;
  }
  return episodes;
}
