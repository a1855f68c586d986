import { contractFor, type RunConfig } from '@tribar/config';

/**
 * Trading costs in one unit: price units of the symbol, as the barriers are. The original mixed
 * ticks, tick values and prices in one fitness term (§6, §17.6); here every cost is
 * (commission + 2 × slippage) ticks × tick size, from the symbol's contract in the config.
 */
export interface RoundTripCost {
  symbol: string;
  /** Commission plus slippage on both fills, in ticks. */
  ticks: number;
  /** The same in price units: what a barrier distance must exceed to pay for the trade. */
  price: number;
  /** The same in US dollars per contract. */
  usd: number;
  /** False when the symbol had no contract entry and `defaultContract` was used. */
  known: boolean;
}

export function roundTripCost(config: RunConfig, symbol: string): RoundTripCost {
  const contract = contractFor(config, symbol);
  return {
    symbol,
    ticks: contract.roundTripTicks,
    price: contract.roundTripPrice,
    usd: contract.roundTripUsd,
    known: contract.known,
  };
}

/** The `costPrice` the kernel adds to both barrier distances: the round trip when `labels.costAware`, else 0. */
export function barrierCostPrice(config: RunConfig, symbol: string): number {
  return config.labels.costAware ? roundTripCost(config, symbol).price : 0;
}

/** A cost in price units as a fraction of a price (e.g. to compare with returns). */
export function costAsReturn(costPrice: number, price: number): number {
  return costPrice / price;
}
