/** The deepest fall of an equity curve from a prior peak. */
export interface Drawdown {
  /** Largest peak-to-trough fall, a non-negative amount in the equity's units. */
  amount: number;
  /** Index of the peak; −1 when the peak is `initialEquity`, before the first element. */
  peakIndex: number;
  /** Index of the trough; −1 when there is no drawdown. */
  troughIndex: number;
}

/**
 * Maximum drawdown of an equity curve. `initialEquity` (default: none) is a virtual value before
 * index 0, so a curve that starts by losing from 0 counts that loss. For a series of per-trade
 * (or per-bar) PnL, pass its running sum (`cumulativeSum`) and `initialEquity` 0.
 */
export function maxDrawdown(equity: ArrayLike<number>, initialEquity?: number): Drawdown {
  let peak = initialEquity ?? -Infinity;
  let peakAt = -1;
  const best: Drawdown = { amount: 0, peakIndex: -1, troughIndex: -1 };
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e > peak) {
      peak = e;
      peakAt = i;
    } else if (peak - e > best.amount) {
      best.amount = peak - e;
      best.peakIndex = peakAt;
      best.troughIndex = i;
    }
  }
  return best;
}

/** Running sum of a PnL series, left to right: the equity curve it makes from 0. */
export function cumulativeSum(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    out[i] = sum;
  }
  return out;
}
