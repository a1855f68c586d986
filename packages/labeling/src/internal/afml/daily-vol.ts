const DAY_MS = 86_400_000;

/**
 * pandas `Series.ewm(span).std()` (adjust=True, bias=False, ignore_na=False, min_periods=0): the
 * bias-corrected exponentially weighted standard deviation, NaN until two observations.
 */
export function ewmStd(values: Float64Array, span: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const alpha = 2 / (span + 1);
  const decay = 1 - alpha;
  let mean = Number.NaN;
  let variance = 0;
  let sumWeights = 0;
  let sumSquaredWeights = 0;
  let oldWeight = 0;
  let observations = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    const observed = !Number.isNaN(x);
    if (observations > 0) {
      // ignore_na=False: earlier weights decay at every row, observed or not.
      sumWeights *= decay;
      sumSquaredWeights *= decay * decay;
      oldWeight *= decay;
    }
    if (observed) {
      if (observations === 0) {
        mean = x;
        variance = 0;
        sumWeights = 1;
        sumSquaredWeights = 1;
        oldWeight = 1;
      } else {
        const oldMean = mean;
        if (mean !== x) mean = (oldWeight * oldMean + x) / (oldWeight + 1);
        variance = (oldWeight * (variance + (oldMean - mean) ** 2) + (x - mean) ** 2) / (oldWeight + 1);
        sumWeights += 1;
        sumSquaredWeights += 1;
        oldWeight += 1;
      }
      observations++;
    }
    if (observations > 0) {
      const numerator = sumWeights * sumWeights;
      const denominator = numerator - sumSquaredWeights;
      out[i] = denominator > 0 ? Math.sqrt((numerator / denominator) * variance) : Number.NaN;
    }
  }
  return out;
}

/**
 * Daily volatility (AFML snippet 3.1, `getDailyVol`): for each bar, the return since the last bar
 * more than `lookbackMs` (one day) earlier, then its EWM standard deviation with span `span`
 * (default 100). Bars without such an earlier bar are NaN, as the book's series starts later.
 */
export function dailyVolatility(
  timestamp: Float64Array,
  close: Float64Array,
  options: { span?: number; lookbackMs?: number } = {},
): Float64Array {
  const n = close.length;
  const span = options.span ?? 100;
  const lookback = options.lookbackMs ?? DAY_MS;
  const returns = new Float64Array(n).fill(Number.NaN);
  let first = n;
  // searchsorted(t − 1 day, side='left') − 1: the last bar strictly before t − 1 day.
  let before = -1;
  for (let i = 0; i < n; i++) {
    const cut = (timestamp[i] as number) - lookback;
    while (before + 1 < n && (timestamp[before + 1] as number) < cut) before++;
    if (before >= 0) {
      returns[i] = (close[i] as number) / (close[before] as number) - 1;
      if (first === n) first = i;
    }
  }
  const out = new Float64Array(n).fill(Number.NaN);
  if (first < n) out.set(ewmStd(returns.subarray(first), span), first);
  return out;
}
