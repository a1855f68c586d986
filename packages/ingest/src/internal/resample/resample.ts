import { DataError, UsageError } from '@tribar/core';
import { calendarForSymbol, type Bars, type CmeCalendar } from '@tribar/market';

/**
 * One-minute bars → N-minute bars.
 *
 * Bins are aligned to the clock (:00, :05, … for N = 5; to multiples of N minutes since the
 * Unix epoch in general), left-closed and left-labelled, as pandas `resample('5min')` and the
 * original did (original-system.md §3 step 6), so bar times line up across symbols and with
 * other tools. The fix over the original: a bin never spans a session break. Where the daily
 * halt, a weekend or a holiday falls inside a bin's span, the bars on each side go to separate
 * output bars; the part after the break is labelled with the session open (its first possible
 * minute) instead of the clock bin start, which keeps labels unique and increasing and never
 * stamps a bar at a time the market was closed. (Bars outside every session, which a clean
 * input does not have, are grouped among themselves by bin.)
 *
 * open = first, high = max, low = min, close = last, volume = sum; `sourceBars` counts the
 * input bars (summing an existing `sourceBars`, so resampling twice stays exact), `filled`
 * and `outlier` are summed and OR-ed, other extra columns take the last value.
 */

export interface ResampleOptions {
  /** Session calendar; defaults to the symbol's CME calendar. */
  sessions?: CmeCalendar;
}

type ColumnRule = 'sum' | 'max' | 'last';

function ruleFor(name: string): ColumnRule {
  if (name === 'filled' || name === 'sourceBars') return 'sum';
  if (name === 'outlier') return 'max';
  return 'last';
}

export function resampleBars(bars: Bars, minutes = 5, options: ResampleOptions = {}): Bars {
  if (!(Number.isInteger(minutes) && minutes >= 1)) {
    throw new UsageError(`resample needs a whole number of minutes ≥ 1, got ${minutes}`, {
      hint: 'set timeframes.targetMinutes to e.g. 5',
    });
  }
  const calendar = options.sessions ?? calendarForSymbol(bars.symbol);
  const binMs = minutes * 60_000;
  const n = bars.timestamp.length;
  const time = bars.timestamp;
  const open = bars.open;
  const high = bars.high;
  const low = bars.low;
  const close = bars.close;
  const volume = bars.volume;
  // Output bars ≤ clock bins touched (span/bin + 2) + session-id changes (sorted times enter and
  // leave each session once, ≤ 2 × (span/day + 2)); sizing to that, not to n, keeps the
  // allocation near the output's size. Sorted input is checked in the loop.
  const span = n > 0 ? (time[n - 1] as number) - (time[0] as number) : 0;
  const capacity = Math.min(n, Math.ceil(span / binMs) + 2 * Math.ceil(span / 86_400_000) + 8);
  const outTime = new Float64Array(capacity);
  const outOpen = new Float64Array(capacity);
  const outHigh = new Float64Array(capacity);
  const outLow = new Float64Array(capacity);
  const outClose = new Float64Array(capacity);
  const outVolume = new Float64Array(capacity);
  const outCount = new Float64Array(capacity);
  const sourceCount = bars.columns['sourceBars'];
  const firstSource = new Int32Array(capacity + 1);

  let sessionOpen = Number.POSITIVE_INFINITY;
  let sessionClose = Number.NEGATIVE_INFINITY;
  let sessionId = -1;
  // The open bin is [binStart, binEnd) ∩ the current session; a bar outside it starts a new
  // output bar. Comparing against binEnd avoids a floating-point modulo per row.
  let binEnd = Number.NEGATIVE_INFINITY;
  let binSession = -2;
  let k = -1;
  let h = 0;
  let l = 0;
  let c = 0;
  let v = 0;
  let count = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    if (!(t > previous)) {
      throw new DataError(
        'timestamps must increase strictly to resample',
        { file: `${bars.symbol} bars`, row: i + 1, field: 'timestamp' },
        {
          hint: 'sort and de-duplicate the bars (the ingest repair step) first',
        },
      );
    }
    previous = t;
    if (t < sessionOpen || t >= sessionClose) {
      const session = calendar.sessionAt(t);
      if (session === undefined) {
        // Outside every session: keep the bar, grouped only with out-of-session neighbours.
        sessionId = -1;
        sessionOpen = Number.POSITIVE_INFINITY;
        sessionClose = Number.NEGATIVE_INFINITY;
      } else {
        sessionId = session.id;
        sessionOpen = session.openMs;
        sessionClose = session.closeMs;
      }
    }
    const weight = sourceCount ? (sourceCount[i] as number) : 1;
    if (t < binEnd && sessionId === binSession) {
      const high_ = high[i] as number;
      const low_ = low[i] as number;
      if (high_ > h) h = high_;
      if (low_ < l) l = low_;
      c = close[i] as number;
      v += volume[i] as number;
      count += weight;
      continue;
    }
    if (k >= 0) {
      outHigh[k] = h;
      outLow[k] = l;
      outClose[k] = c;
      outVolume[k] = v;
      outCount[k] = count;
    }
    k++;
    const remainder = t % binMs;
    const binStart = t - (remainder < 0 ? remainder + binMs : remainder);
    binEnd = binStart + binMs;
    binSession = sessionId;
    let label = sessionId !== -1 && sessionOpen > binStart ? sessionOpen : binStart;
    // A piece of bars outside every session that shares a bin with an earlier piece: label it
    // with its own first bar, the only time known to be after the earlier piece.
    if (k > 0 && label <= (outTime[k - 1] as number)) label = t;
    outTime[k] = label;
    outOpen[k] = open[i] as number;
    h = high[i] as number;
    l = low[i] as number;
    c = close[i] as number;
    v = volume[i] as number;
    count = weight;
    firstSource[k] = i;
  }
  if (k >= 0) {
    outHigh[k] = h;
    outLow[k] = l;
    outClose[k] = c;
    outVolume[k] = v;
    outCount[k] = count;
  }
  const size = k + 1;
  firstSource[size] = n;
  // Extra columns in a second pass over the output bars' source ranges: one tight loop per
  // column and rule instead of a rule dispatch per input row and column.
  const columns: Record<string, Float64Array> = {};
  for (const name of Object.keys(bars.columns)) {
    if (name === 'sourceBars') continue;
    const source = bars.columns[name] as Float64Array;
    const target = new Float64Array(size);
    const rule = ruleFor(name);
    for (let b = 0; b < size; b++) {
      const from = firstSource[b] as number;
      const to = firstSource[b + 1] as number;
      let value = source[from] as number;
      if (rule === 'sum') for (let i = from + 1; i < to; i++) value += source[i] as number;
      else if (rule === 'max') for (let i = from + 1; i < to; i++) value = Math.max(value, source[i] as number);
      else value = source[to - 1] as number;
      target[b] = value;
    }
    columns[name] = target;
  }
  columns['sourceBars'] = outCount.slice(0, size);
  return {
    symbol: bars.symbol,
    timestamp: outTime.slice(0, size),
    open: outOpen.slice(0, size),
    high: outHigh.slice(0, size),
    low: outLow.slice(0, size),
    close: outClose.slice(0, size),
    volume: outVolume.slice(0, size),
    columns,
  };
}
