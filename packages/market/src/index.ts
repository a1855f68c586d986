// Public API of @tribar/market: what a futures bar series is and when its market trades.
export { barsToTable, tableToBars, emptyBars, barCount, OHLCV_FIELDS } from './bars.js';
export type { Bars } from './bars.js';
export {
  CmeCalendar,
  cmeCalendar,
  calendarForSymbol,
  productForSymbol,
  toTradingDate,
  formatTradingDate,
  utcDateOf,
  holidayRule,
  easterSunday,
  addCalendarDays,
  ZoneClock,
} from './calendar/index.js';
export type { Session, CmeProduct, HolidayRule } from './calendar/index.js';
export { calendarCuts, countBefore } from './split-cuts.js';
export type { CalendarCuts, SplitRatios } from './split-cuts.js';
