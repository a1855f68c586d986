import type { RollAdjustmentFile, RollEventFile } from '@tribar/artifacts';
import { UsageError } from '@tribar/core';
import { calendarForSymbol, type Bars, type CmeCalendar } from '@tribar/market';
import { contractCycleOf, rollWindowOf } from './contract-cycles.js';
import { medianInPlace } from './robust.js';
import { copyBars, sessionIdsOf, tickRounder } from './session-ids.js';

/**
 * Contract rolls in a continuous front-month series, and back-adjustment.
 *
 * The original never adjusted rolls (original-system.md §3: its DataCleaner only *reported*
 * |pct_change| > 5 %, which no real roll reaches: MES's is 0.5 %), so every roll stayed in
 * the data as a one-bar return of several hundred ticks: a fake label, a fake feature spike.
 */

export type RollSource = RollEventFile['source'];
export type RollAdjustment = RollEventFile['method'];
/** Which contract's level the adjusted series keeps: the latest (`back`) or the earliest (`forward`). */
export type RollDirection = RollAdjustmentFile['direction'];

/** One roll as `clean-report.json` lists it, so the contract's type. */
export type RollEvent = RollEventFile;

export interface RollCalendarEntry {
  symbol: string;
  /** ISO time of the first bar of the new contract. */
  at: string;
  /** The known spread new − old; without it the open gap measured in the bars is used. */
  gap?: number | undefined;
}

export interface DetectRollsOptions {
  /** A session-open gap beyond this multiple of the typical open gap is a roll candidate. */
  jumpMultiple: number;
  /** Known rolls; they win over detected ones at the same bar. */
  calendar?: readonly RollCalendarEntry[];
  /** Detect from the size of session-open gaps (a `contract` column, when present, always wins). */
  detectJumps?: boolean;
  /** Session calendar; defaults to the symbol's CME calendar. */
  sessions?: CmeCalendar;
  /** Accept jumps only inside the symbol's roll windows and in its carry direction (default true). */
  useContractCycle?: boolean;
  /** Session opens before each open that define the typical open gap (default 20). */
  neighbourhood?: number;
  /** Measured gaps are rounded to this grid (a difference of two tick prices is a tick multiple). */
  tickSize?: number | undefined;
}

function makeEvent(bars: Bars, index: number, gap: number, source: RollSource): RollEvent {
  const previousClose = bars.close[index - 1] as number;
  const timestamp = bars.timestamp[index] as number;
  return {
    symbol: bars.symbol,
    index,
    timestamp,
    time: new Date(timestamp).toISOString(),
    gap,
    ratio: (previousClose + gap) / previousClose,
    source,
    method: 'none',
  };
}

/**
 * Session-open jumps: gap_j = open of a session's first bar − close of the previous bar. The
 * typical gap is the median |gap| of the `neighbourhood` opens *before* it (a local scale, so a
 * calm month and a volatile one are judged against themselves); a roll candidate exceeds
 * `jumpMultiple` times it. With a known contract cycle only candidates inside a roll window
 * and in the carry direction count, and of those only one larger (in multiples) than every
 * earlier candidate of its window.
 *
 * Causal: whether bar t opens a new contract is decided from bars ≤ t only, so deleting later
 * bars never changes an earlier decision (test/rolls-causal.test.ts). It used to take the
 * median over 20 opens on each side and keep only the *largest* candidate of a window, both
 * of which looked up to 20 sessions ahead: a later open decided whether an earlier one was a
 * roll. The price of causality: a weekend move that clears the bar before the window's real
 * roll is taken as a roll too (it cannot be taken back); the real roll, larger, still is one.
 * In 12 synthetic years of MES and MGC without a contract column all 96 rolls are found, and
 * 9 weekend moves of 8–13 × the typical open gap (2–13 points) besides; on the real files
 * exactly the one roll each. A `contract` column or `clean.rolls.calendar` is exact.
 */
function detectJumps(bars: Bars, sessionIds: Int32Array, options: DetectRollsOptions): RollEvent[] {
  const opens: number[] = [];
  for (let i = 1; i < sessionIds.length; i++) if (sessionIds[i] !== sessionIds[i - 1] && sessionIds[i] !== -1) opens.push(i);
  const gaps = Float64Array.from(opens, (i) => (bars.open[i] as number) - (bars.close[i - 1] as number));
  const reach = options.neighbourhood ?? 20;
  const scratch = new Float64Array(reach);
  const cycle = options.useContractCycle === false ? undefined : contractCycleOf(bars.symbol);
  const largestInWindow = new Map<number, number>();
  const events: RollEvent[] = [];
  for (let j = 0; j < opens.length; j++) {
    let size = 0;
    for (let m = Math.max(0, j - reach); m < j; m++) scratch[size++] = Math.abs(gaps[m] as number);
    const typical = size > 0 ? medianInPlace(scratch, size) : Number.NaN;
    const gap = gaps[j] as number;
    if (!(typical > 0) || !(Math.abs(gap) > options.jumpMultiple * typical)) continue;
    const index = opens[j] as number;
    const event = { ...makeEvent(bars, index, gap, 'jump'), multiple: Math.abs(gap) / typical };
    if (cycle) {
      const window = rollWindowOf(cycle, sessionIds[index] as number);
      if (window === -1 || (cycle.carrySign !== 0 && Math.sign(gap) !== cycle.carrySign)) continue;
      if (event.multiple <= (largestInWindow.get(window) ?? 0)) continue;
      largestInWindow.set(window, event.multiple);
    }
    events.push(event);
  }
  return events;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** First index with timestamp ≥ t (binary search), or the length when none. */
function firstAtOrAfter(timestamps: Float64Array, t: number): number {
  let low = 0;
  let high = timestamps.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((timestamps[middle] as number) < t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Every roll in one symbol's bars, in time order, from (by precedence) a calendar entry, a
 * change in a `contract` column, or a session-open jump. Entries for other symbols or outside
 * the bars' time range are ignored. `sessionIds`, when given, must be the calendar's session
 * ids of these timestamps: a caller that already has them saves the lookup.
 */
export function detectRolls(bars: Bars, options: DetectRollsOptions, sessionIds?: Int32Array): RollEvent[] {
  const roundGap = tickRounder(options.tickSize);
  const byIndex = new Map<number, RollEvent>();
  const n = bars.timestamp.length;
  const contract = bars.columns['contract'];
  if (contract) {
    for (let i = 1; i < n; i++) {
      if (contract[i] !== contract[i - 1]) {
        byIndex.set(i, makeEvent(bars, i, roundGap((bars.open[i] as number) - (bars.close[i - 1] as number)), 'contract'));
      }
    }
  } else if (options.detectJumps !== false && n > 1) {
    const ids = sessionIds ?? sessionIdsOf(bars.timestamp, options.sessions ?? calendarForSymbol(bars.symbol));
    for (const event of detectJumps(bars, ids, options)) {
      byIndex.set(event.index, { ...makeEvent(bars, event.index, roundGap(event.gap), 'jump'), multiple: event.multiple });
    }
  }
  for (const entry of options.calendar ?? []) {
    if (entry.symbol !== bars.symbol) continue;
    // Strict ISO with a zone: V8's Date.parse would read 'March 15' as 2001-03-15 local time.
    const at = ISO_INSTANT.test(entry.at) ? Date.parse(entry.at) : Number.NaN;
    if (Number.isNaN(at)) {
      throw new UsageError(`roll calendar time '${entry.at}' for ${entry.symbol} is not an ISO time`, {
        hint: 'write clean.rolls.calendar[].at with a zone, like 2026-03-15T22:00:00Z',
      });
    }
    const index = firstAtOrAfter(bars.timestamp, at);
    if (index === 0 || index >= n) continue;
    const measured = roundGap((bars.open[index] as number) - (bars.close[index - 1] as number));
    byIndex.set(index, makeEvent(bars, index, entry.gap ?? measured, 'calendar'));
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/**
 * Adjust the rolls away. `back` moves prices before each roll onto the newest contract, so the
 * last price is a real traded price, but every new roll moves every earlier price: a run that
 * ends before a roll has other prices than one that goes past it (look-ahead for anything
 * learned on the early part). `forward` moves prices from each roll on onto the earliest
 * contract instead (the same gap, subtracted), so nothing before a roll ever changes and a
 * price at bar t depends on bars ≤ t only; the latest prices are then off the traded level by
 * the sum of the gaps. `difference` adds (back) or subtracts (forward) each roll's gap (keeps
 * point moves and the tick grid; long histories can drive the far end ≤ 0); `ratio`
 * multiplies (back) or divides (forward) by each roll's ratio (keeps percentage returns,
 * leaves the grid). Volume is untouched. Returns new bars and the rolls stamped with the
 * method used.
 */
export function adjustRolls(
  bars: Bars,
  rolls: readonly RollEvent[],
  method: RollAdjustment,
  tickSize?: number,
  direction: RollDirection = 'back',
  owned = false,
): { bars: Bars; rolls: RollEvent[]; nonPositivePrices: number } {
  const stamped = rolls.map((roll) => ({ ...roll, method }));
  // `owned`: the caller hands its bars over (read from a file for this alone), so they are adjusted where they lie.
  const out = owned ? { ...bars, columns: { ...bars.columns } } : copyBars(bars);
  if (method === 'none' || rolls.length === 0) return { bars: out, rolls: stamped, nonPositivePrices: 0 };
  const round = method === 'difference' ? tickRounder(tickSize) : (price: number) => price;
  const fields = [out.open, out.high, out.low, out.close];
  const n = out.timestamp.length;
  const forward = direction === 'forward';
  // Back walks from the newest bar down (rolls at index i+1 and later apply to bar i); forward
  // walks up (rolls at index ≤ i apply to bar i, with the opposite sign).
  const order = [...rolls].sort((a, b) => (forward ? a.index - b.index : b.index - a.index));
  let offset = 0;
  let factor = 1;
  let next = 0;
  let nonPositivePrices = 0;
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    while (next < order.length && (forward ? (order[next] as RollEvent).index <= i : (order[next] as RollEvent).index > i)) {
      const roll = order[next] as RollEvent;
      offset += forward ? -roll.gap : roll.gap;
      factor = forward ? factor / roll.ratio : factor * roll.ratio;
      next++;
    }
    if (next === 0) continue;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f] as Float64Array;
      const value = method === 'difference' ? round((field[i] as number) + offset) : (field[i] as number) * factor;
      field[i] = value;
      if (!(value > 0)) nonPositivePrices++;
    }
  }
  return { bars: out, rolls: stamped, nonPositivePrices };
}
