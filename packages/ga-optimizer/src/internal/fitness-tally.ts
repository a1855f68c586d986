/** Running sums over one label set, in row order: all a score needs. */
export interface LabelTally {
  long: number;
  short: number;
  neutral: number;
  /** Sums of the per-trade net return, its square, and bars to hit over long + short labels. */
  sum: number;
  sumSquares: number;
  barsSum: number;
}

export const emptyTally = (): LabelTally => ({ long: 0, short: 0, neutral: 0, sum: 0, sumSquares: 0, barsSum: 0 });
