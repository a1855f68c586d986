import type { BarrierParams, ContractSpec, RunConfig } from './schema.js';

export type BarrierSource = 'symbol' | 'horizon' | 'fallback';

export interface ResolvedBarrier {
  params: BarrierParams;
  source: BarrierSource;
  /** Dotted config path the parameters came from, for messages. */
  path: string;
}

/** Barrier parameters for a symbol and horizon: the symbol's entry, else the horizon's, else the fallback rule. */
export function barrierFor(config: RunConfig, symbol: string, horizon: number): ResolvedBarrier {
  const key = String(horizon);
  const own = config.barriers.bySymbol[symbol]?.[key];
  if (own) return { params: own, source: 'symbol', path: `barriers.bySymbol.${symbol}.${key}` };
  const shared = config.barriers.byHorizon[key];
  if (shared) return { params: shared, source: 'horizon', path: `barriers.byHorizon.${key}` };
  const { kUp, kDown, maxBarsPerHorizonBar } = config.barriers.fallback;
  return {
    params: { kUp, kDown, maxBars: Math.ceil(maxBarsPerHorizonBar * horizon) },
    source: 'fallback',
    path: 'barriers.fallback',
  };
}

export interface ResolvedContract extends ContractSpec {
  /** False when the symbol had no entry and `defaultContract` was used. */
  known: boolean;
  /** Round-trip cost in ticks: commission plus slippage on both fills. */
  roundTripTicks: number;
  /** Round-trip cost in price units. */
  roundTripPrice: number;
  /** Round-trip cost in US dollars per contract. */
  roundTripUsd: number;
}

export function contractFor(config: RunConfig, symbol: string): ResolvedContract {
  const own = config.contracts[symbol];
  const spec = own ?? config.defaultContract;
  const roundTripTicks = spec.commissionTicks + 2 * spec.slippageTicks;
  return {
    ...spec,
    known: own !== undefined,
    roundTripTicks,
    roundTripPrice: roundTripTicks * spec.tickSize,
    roundTripUsd: roundTripTicks * spec.tickValue,
  };
}

export interface LabelWindow {
  bars: number;
  /** Where the number comes from, e.g. `barriers.bySymbol.MES.20.maxBars`. */
  path: string;
}

/**
 * The longest label window any run of this config can produce, in target bars: the largest
 * maxBars over configured symbols and horizons, and the GA's upper bound when it is enabled.
 * Purging must cover it, or a train label could end inside validation.
 */
export function longestLabelWindow(config: RunConfig): LabelWindow {
  let longest: LabelWindow = { bars: 0, path: '' };
  for (const symbol of config.symbols) {
    for (const horizon of config.horizons) {
      const barrier = barrierFor(config, symbol, horizon);
      if (barrier.params.maxBars > longest.bars) {
        longest = { bars: barrier.params.maxBars, path: `${barrier.path}${barrier.source === 'fallback' ? '' : '.maxBars'}` };
      }
      if (config.ga.enabled) {
        const gaBars = Math.ceil(config.ga.bounds.maxBarsPerHorizonBar[1] * horizon);
        if (gaBars > longest.bars) {
          longest = { bars: gaBars, path: `ga.bounds.maxBarsPerHorizonBar[1] × horizon ${horizon}` };
        }
      }
    }
  }
  return longest;
}
