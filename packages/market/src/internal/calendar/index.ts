export { CmeCalendar, cmeCalendar, calendarForSymbol, productForSymbol, toTradingDate, formatTradingDate, utcDateOf } from './cme.js';
export type { Session } from './cme.js';
export { holidayRule, easterSunday, addCalendarDays } from './holidays.js';
export type { CmeProduct, HolidayRule } from './holidays.js';
export { ZoneClock } from './timezone.js';
