/**
 * Symmetric CUSUM filter (AFML snippet 2.4) on log returns: bar i is an event when the running
 * sum of positive log returns since the last reset exceeds h, or the sum of negative ones falls
 * below −h; only the side that fired is reset, as in the book.
 *
 * The book applies `gRaw.diff()` to whatever series it is given; here it is ln(close), so h is a
 * log return. `threshold` may be one number (the book) or one value per bar (as popular
 * implementations allow, e.g. a multiple of daily volatility). A NaN return resets both sums to 0,
 * as Python's max(0, NaN) and min(0, NaN) do in the book's loop.
 */
export function cusumEvents(close: Float64Array, threshold: number | Float64Array): Int32Array {
  const n = close.length;
  const events = new Int32Array(n);
  let count = 0;
  let sumUp = 0;
  let sumDown = 0;
  const perBar = typeof threshold !== 'number';
  for (let i = 1; i < n; i++) {
    const step = Math.log(close[i] as number) - Math.log(close[i - 1] as number);
    const h = perBar ? (threshold[i] as number) : threshold;
    const up = sumUp + step;
    const down = sumDown + step;
    sumUp = up > 0 ? up : 0;
    sumDown = down < 0 ? down : 0;
    if (sumDown < -h) {
      sumDown = 0;
      events[count++] = i;
    } else if (sumUp > h) {
      sumUp = 0;
      events[count++] = i;
    }
  }
  return events.slice(0, count);
}
