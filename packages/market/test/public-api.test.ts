import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/market` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'CmeCalendar',
  'OHLCV_FIELDS',
  'ZoneClock',
  'addCalendarDays',
  'barsToTable',
  'calendarCuts',
  'calendarForSymbol',
  'cmeCalendar',
  'countBefore',
  'emptyBars',
  'formatTradingDate',
  'mapBarColumns',
  'tableToBars',
  'toTradingDate',
];

describe('the public face of @tribar/market', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
