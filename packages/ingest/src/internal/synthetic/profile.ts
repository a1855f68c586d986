/**
 * Intraday shape of volatility and volume over a Globex day, by Chicago minute of day.
 *
 * Stylised from the well-documented pattern of index and metals futures: quiet overnight
 * with bumps at the Asian (17:00 CT) and European (02:00 CT) opens, a U over regular US
 * hours (08:30 CT open and 15:00 CT close the busiest; e.g. Andersen & Bollerslev 1997,
 * "Intraday periodicity and volatility persistence"), and a lull in the last hour before
 * the 16:00 CT halt. Gold keys off the same US hours (08:30 CT data, equity open), so one
 * shape serves every symbol and the cross-symbol correlation is not diluted by it.
 */

const RTH_OPEN = 8 * 60 + 30;
const RTH_CLOSE = 15 * 60;
const GLOBEX_OPEN = 17 * 60;
const LONDON_OPEN = 2 * 60;

/** Relative volatility at a Chicago minute of day (un-normalised; the generator rescales). */
export function intradayVolatility(minuteCt: number): number {
  if (minuteCt >= RTH_OPEN && minuteCt < RTH_CLOSE) {
    const sinceOpen = minuteCt - RTH_OPEN;
    const toClose = RTH_CLOSE - 1 - minuteCt;
    return 1 + 1.4 * Math.exp(-sinceOpen / 35) + 0.9 * Math.exp(-toClose / 25);
  }
  if (minuteCt >= RTH_CLOSE && minuteCt < GLOBEX_OPEN) return 0.55;
  const sinceGlobexOpen = minuteCt >= GLOBEX_OPEN ? minuteCt - GLOBEX_OPEN : minuteCt + 1440 - GLOBEX_OPEN;
  const asia = 0.35 * Math.exp(-sinceGlobexOpen / 20);
  const london = minuteCt >= LONDON_OPEN && minuteCt < RTH_OPEN ? 0.25 * Math.exp(-(minuteCt - LONDON_OPEN) / 60) : 0;
  // Pre-open ramp into the 07:30 CT US data releases.
  const preOpen = minuteCt >= 7 * 60 + 30 && minuteCt < RTH_OPEN ? 0.3 : 0;
  return 0.45 + asia + london + preOpen;
}

/**
 * Relative volume: more concentrated than volatility (overnight volume is a small fraction
 * of the day's, while overnight volatility is not as far below RTH).
 */
export function intradayVolume(minuteCt: number): number {
  return Math.pow(intradayVolatility(minuteCt), 1.6);
}
