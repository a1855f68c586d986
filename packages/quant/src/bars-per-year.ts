/**
 * Bars in a year of a bar length, for annualising per-bar figures: 252 CME sessions of 23 hours
 * (1,380 minutes). One definition, so the report's oracle backtest and the trainer's model backtest
 * annualise alike.
 */
export function barsPerYear(barMinutes: number): number {
  return (252 * 1380) / barMinutes;
}
