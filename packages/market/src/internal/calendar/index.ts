export { CmeCalendar, cmeCalendar, calendarForSymbol, productForSymbol, toTradingDate, formatTradingDate } from './cme.js';
export type { Session } from './cme.js';
export { holidayRule, easterSunday, addCalendarDays } from './holidays.js';
export type { CmeProduct } from './holidays.js';
export { ZoneClock } from './timezone.js';
