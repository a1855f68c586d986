// Public API of @tribar/market: what a futures bar series is and when its market trades.
// Everything else is internal.
export { barsToTable, tableToBars, emptyBars, mapBarColumns, OHLCV_FIELDS } from './internal/bars.js';
export type { Bars } from './internal/bars.js';
export {
  CmeCalendar,
  cmeCalendar,
  calendarForSymbol,
  toTradingDate,
  formatTradingDate,
  addCalendarDays,
  ZoneClock,
} from './internal/calendar/index.js';
export type { Session, CmeProduct } from './internal/calendar/index.js';
export { calendarCuts, countBefore } from './internal/split-cuts.js';
export type { CalendarCuts, SplitRatios } from './internal/split-cuts.js';
