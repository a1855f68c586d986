import type { CleanSymbolReportFile } from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { calendarForSymbol, type Bars, type CmeCalendar } from '@tribar/market';
import { fillOwnedSessionGaps } from './gaps.js';
import { handleOwnedOutliers, type OutlierAction } from './outliers.js';
import { adjustRolls, detectRolls, type RollAdjustment, type RollCalendarEntry, type RollDirection } from './rolls.js';
import { assertStrictlyIncreasing } from './session-ids.js';

/**
 * One symbol's one-minute bars → clean bars, in the only order that keeps each step honest:
 * 1. rolls first, so a roll jump is neither an "outlier" nor smeared into the ATR (adjusted
 *    forward, the causal mode, nothing before a roll depends on it);
 * 2. outliers on the roll-adjusted prices;
 * 3. gap filling last, so flat filler bars never dilute the outlier scale and dropped bad
 *    prints can be replaced like any other missing minute.
 */

export interface CleanOptions {
  maxFillMinutes: number;
  outliers: {
    action: OutlierAction;
    returnZ: number;
    rangeAtr: number;
    /** Trailing window of one-bar returns for the robust scale (default 60; see outliers.ts). */
    returnWindow?: number;
  };
  rolls: {
    detect: boolean;
    adjust: RollAdjustment;
    /** `back` (default) or `forward`, the causal mode: see `adjustRolls`. */
    direction?: RollDirection | undefined;
    jumpMultiple: number;
    calendar: readonly RollCalendarEntry[];
  };
  /** The contract's tick size: measured roll gaps and rebuilt prices are put on its grid. */
  tickSize?: number | undefined;
  /** Session calendar; defaults to the symbol's CME calendar. */
  sessions?: CmeCalendar;
}

/** One symbol's cleaning as `clean-report.json` lists it (before the stage adds resampling and output). */
export type CleanReport = Omit<CleanSymbolReportFile, 'resample' | 'output'>;

/** Cleaning options for one symbol from a run config's `clean` section and its contract. */
export function cleanOptionsFromConfig(config: RunConfig, symbol: string): CleanOptions {
  const contract = config.contracts[symbol] ?? config.defaultContract;
  return {
    maxFillMinutes: config.clean.maxFillMinutes,
    outliers: { ...config.clean.outliers },
    rolls: { ...config.clean.rolls },
    tickSize: contract.tickSize,
  };
}

/**
 * `owned: true` hands `bars` over: its price columns are roll-adjusted in place instead of in a copy, so a caller
 * that has no further use for them (the clean stage, its bars fresh from the file) holds one copy less. The result
 * is the same either way.
 */
export function cleanBars(
  bars: Bars,
  options: CleanOptions,
  { owned = false }: { owned?: boolean } = {},
): { bars: Bars; report: CleanReport } {
  assertStrictlyIncreasing(bars, 'cleaning');
  const sessions = options.sessions ?? calendarForSymbol(bars.symbol);
  // Every step needs each bar's session; roll adjustment and flagging keep the timestamps, so
  // one lookup serves them all.
  const sessionIds = sessions.sessionIds(bars.timestamp);
  const detected = detectRolls(
    bars,
    {
      jumpMultiple: options.rolls.jumpMultiple,
      calendar: options.rolls.calendar,
      detectJumps: options.rolls.detect,
      sessions,
      tickSize: options.tickSize,
    },
    sessionIds,
  );
  // With rolls.detect off only the calendar speaks; a contract column is data, not detection.
  const rollsToUse = options.rolls.detect ? detected : detected.filter((roll) => roll.source === 'calendar');
  const direction = options.rolls.direction ?? 'back';
  const n = bars.timestamp.length;
  const skip = new Uint8Array(n);
  const filledBefore = bars.columns['filled'];
  if (filledBefore) for (let i = 0; i < n; i++) skip[i] = filledBefore[i] === 1 ? 1 : 0;
  if (options.rolls.adjust === 'none') for (const roll of rollsToUse) skip[roll.index] = 1;
  const adjusted = adjustRolls(bars, rollsToUse, options.rolls.adjust, options.tickSize, direction, owned);
  // adjustRolls returns a fresh copy, or the caller's own bars it was handed: outlier handling may work in it.
  const outliers = handleOwnedOutliers(
    adjusted.bars,
    options.outliers.action,
    {
      returnZ: options.outliers.returnZ,
      rangeAtr: options.outliers.rangeAtr,
      ...(options.outliers.returnWindow === undefined ? {} : { returnWindow: options.outliers.returnWindow }),
      sessions,
      skip,
      tickSize: options.tickSize,
    },
    sessionIds,
  );

  // Outlier handling returns cleanBars' own copy (or a fresh selection), so it may be shared.
  // Dropping bad prints changes the rows, and with them the session ids.
  const gapSessionIds = outliers.bars.timestamp === adjusted.bars.timestamp ? sessionIds : sessions.sessionIds(outliers.bars.timestamp);
  const gaps = fillOwnedSessionGaps(outliers.bars, { maxFillMinutes: options.maxFillMinutes, sessions }, gapSessionIds);
  return {
    bars: gaps.bars,
    report: {
      symbol: adjusted.bars.symbol,
      inputBars: n,
      outputBars: gaps.bars.timestamp.length,
      rolls: adjusted.rolls,
      rollAdjustment: { method: options.rolls.adjust, direction },
      nonPositiveAfterAdjustment: adjusted.nonPositivePrices,
      outliers: outliers.report,
      gaps: gaps.report,
    },
  };
}
