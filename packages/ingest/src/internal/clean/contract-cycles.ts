import { addCalendarDays } from '@tribar/market';

/**
 * When a continuous front-month series can roll, per product family. A roll-jump detector
 * that looks only at the size of session-open gaps cannot tell a roll from a weekend move:
 * in the real MES file the 2026-03-15 roll gap (+36) is smaller than three ordinary weekend
 * gaps (−68, −46.5, −41), and in MGC the 2026-01-25 roll (+59.2) is smaller than the
 * 2026-02-01 sell-off gap (−79.8). What separates them is *when* and *which way*: the front
 * contract is abandoned in the days before expiry (index) or first notice (metals), and the
 * next contract trades above it by the cost of carry, so the jump is positive in contango.
 */
export interface ContractCycle {
  readonly name: string;
  /** Delivery months of the contracts the front month walks through. */
  readonly months: readonly number[];
  /** Trading date `yyyymmdd` by which every front-month series has left the contract for `year`/`month`. */
  rollDeadline(year: number, month: number): number;
  /** Calendar days before the deadline in which vendors roll. */
  readonly windowDays: number;
  /** Expected sign of new − old contract price: +1 in contango (carry above dividends / lease rates), 0 unknown. */
  readonly carrySign: 1 | -1 | 0;
}

const ymd = (year: number, month: number, day: number): number => year * 10000 + month * 100 + day;

/** Third Friday of the month: the last trading day of CME quarterly equity-index futures. */
function thirdFriday(year: number, month: number): number {
  const firstDow = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return ymd(year, month, 1 + ((5 - firstDow + 7) % 7) + 14);
}

/** Last weekday of the month before delivery: first notice day of COMEX metals (holidays ignored). */
function firstNoticeDay(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month - 1, 0));
  const back = last.getUTCDay() === 0 ? 2 : last.getUTCDay() === 6 ? 1 : 0;
  return addCalendarDays(ymd(last.getUTCFullYear(), last.getUTCMonth() + 1, last.getUTCDate()), -back);
}

// Equity carry (rate − dividend yield) has been positive since 2022; in the 2020–21 zero-rate
// years index spreads were near zero or negative, so pass a roll calendar for such history.
const EQUITY_QUARTERLY: ContractCycle = {
  name: 'equity index quarterly',
  months: [3, 6, 9, 12],
  rollDeadline: thirdFriday,
  windowDays: 20,
  carrySign: 1,
};
const GOLD: ContractCycle = {
  name: 'COMEX gold',
  months: [2, 4, 6, 8, 10, 12],
  rollDeadline: firstNoticeDay,
  windowDays: 20,
  carrySign: 1,
};
const SILVER: ContractCycle = {
  name: 'COMEX silver',
  months: [3, 5, 7, 9, 12],
  rollDeadline: firstNoticeDay,
  windowDays: 20,
  carrySign: 1,
};

const CYCLES: Record<string, ContractCycle> = {
  ES: EQUITY_QUARTERLY,
  MES: EQUITY_QUARTERLY,
  NQ: EQUITY_QUARTERLY,
  MNQ: EQUITY_QUARTERLY,
  RTY: EQUITY_QUARTERLY,
  M2K: EQUITY_QUARTERLY,
  YM: EQUITY_QUARTERLY,
  MYM: EQUITY_QUARTERLY,
  GC: GOLD,
  MGC: GOLD,
  SI: SILVER,
  SIL: SILVER,
};

/** The contract cycle of a known symbol, or undefined (then any session open may roll). */
export function contractCycleOf(symbol: string): ContractCycle | undefined {
  return CYCLES[symbol.toUpperCase()];
}

/**
 * The roll window a trading date falls in, named by its deadline `yyyymmdd`, or -1 when the
 * date is in no window of the cycle.
 */
export function rollWindowOf(cycle: ContractCycle, tradingDate: number): number {
  const year = Math.floor(tradingDate / 10000);
  for (const y of [year, year + 1]) {
    for (const month of cycle.months) {
      const deadline = cycle.rollDeadline(y, month);
      if (tradingDate <= deadline && tradingDate >= addCalendarDays(deadline, -cycle.windowDays)) return deadline;
    }
  }
  return -1;
}
