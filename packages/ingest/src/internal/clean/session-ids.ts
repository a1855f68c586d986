import { DataError } from '@tribar/core';
import { mapBarColumns, type Bars, type CmeCalendar } from '@tribar/market';

/** The CME session (`yyyymmdd`, -1 outside sessions) of every bar: `CmeCalendar.sessionIds`. */
export function sessionIdsOf(timestamps: Float64Array, calendar: CmeCalendar): Int32Array {
  return calendar.sessionIds(timestamps);
}

/** Cleaning assumes one bar per timestamp in time order; repair (src/repair) establishes it. */
export function assertStrictlyIncreasing(bars: Bars, where: string): void {
  const t = bars.timestamp;
  for (let i = 1; i < t.length; i++) {
    if (!((t[i] as number) > (t[i - 1] as number))) {
      throw new DataError(
        `timestamps must increase strictly; bar ${i} is at or before bar ${i - 1}`,
        { file: `${bars.symbol} bars`, row: i + 1, field: 'timestamp' },
        {
          hint: `sort and de-duplicate the bars (the ingest repair step) before ${where}`,
        },
      );
    }
  }
}

/** A new Bars with the same symbol and the rows where `keep` is 1, every extra column included. */
export function selectRows(bars: Bars, keep: Uint8Array): Bars {
  let count = 0;
  for (let i = 0; i < keep.length; i++) count += keep[i] as number;
  return mapBarColumns(bars, (values) => {
    const out = new Float64Array(count);
    let j = 0;
    for (let i = 0; i < values.length; i++) if (keep[i] === 1) out[j++] = values[i] as number;
    return out;
  });
}

/** A deep copy, so cleaning steps never write into their caller's arrays. */
export function copyBars(bars: Bars): Bars {
  return mapBarColumns(bars, (values) => values.slice());
}

/** Rounds prices to a tick grid so a shifted or rebuilt price keeps its decimal spelling. */
export function tickRounder(tickSize: number | undefined): (price: number) => number {
  if (tickSize === undefined || !(tickSize > 0)) return (price) => price;
  const perUnit = Math.round(1 / tickSize);
  if (Math.abs(1 / tickSize - perUnit) < 1e-9) return (price) => Math.round(price * perUnit) / perUnit;
  return (price) => Math.round(price / tickSize) * tickSize;
}
