import { TribarError } from '@tribar/core';

/**
 * Too few bars to predict even one row: the features' warm-up (and, for sequence families, the
 * window) needs `needed` target-timeframe bars after cleaning and resampling, the input gave `have`.
 */
export class InsufficientHistoryError extends TribarError {
  /** Target-timeframe bars needed for the first prediction. */
  readonly needed: number;
  /** Target-timeframe bars the input gave after cleaning and resampling. */
  readonly have: number;
  /** `needed - have`: how many more bars the caller must send. */
  readonly missing: number;
  /** Minutes per target-timeframe bar (one missing bar is this many one-minute bars). */
  readonly barMinutes: number;

  constructor(needed: number, have: number, barMinutes: number, detail: string) {
    const missing = needed - have;
    super(
      'INSUFFICIENT_HISTORY',
      `too few bars: ${have} ${barMinutes}-minute bar(s) after cleaning and resampling, ${needed} needed (${detail}); ${missing} bar(s) missing`,
      {
        hint: `Send at least ${missing * barMinutes} more one-minute bars of history (older bars, same session calendar) before the bars to predict.`,
      },
    );
    this.needed = needed;
    this.have = have;
    this.missing = missing;
    this.barMinutes = barMinutes;
  }
}
