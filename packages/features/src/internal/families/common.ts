import { logReturn } from '../kernels/elementwise.js';
import { rollingMax, rollingMean, rollingMin, rollingStd } from '../kernels/rolling.js';
import { atr as wilderAtr, ema as emaKernel } from '../kernels/smoothing.js';
import type { FeatureInput } from '../registry.js';

// Intermediates several families read, memoised per symbol in `input.shared` so each is computed once.

/** √(252·78): the original's annualisation factor for five-minute bars (§4.2). */
export const ANNUALISATION = Math.sqrt(252 * 78);

function closeLogReturn(input: FeatureInput): Float64Array {
  return input.shared.get('log_return_1', () => logReturn(input.bars.close, 1));
}

export function sharedAtr(input: FeatureInput, p: number): Float64Array {
  const { high, low, close } = input.bars;
  return input.shared.get(`atr/${p}`, () => wilderAtr(high, low, close, p));
}

export function sharedEma(input: FeatureInput, p: number): Float64Array {
  return input.shared.get(`ema/${p}`, () => emaKernel(input.bars.close, p));
}

export function sharedSma(input: FeatureInput, p: number): Float64Array {
  return input.shared.get(`sma/${p}`, () => rollingMean(input.bars.close, p));
}

/** Historical volatility: rolling std (ddof 1) of one-bar log returns × √(252·78). */
export function sharedHvol(input: FeatureInput, p: number): Float64Array {
  return input.shared.get(`hvol/${p}`, () => {
    const out = rollingStd(closeLogReturn(input), p);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * ANNUALISATION;
    return out;
  });
}

export function typicalPrice(input: FeatureInput): Float64Array {
  return input.shared.get('typical_price', () => {
    const { high, low, close } = input.bars;
    const out = new Float64Array(close.length);
    for (let i = 0; i < out.length; i++) out[i] = ((high[i] as number) + (low[i] as number) + (close[i] as number)) / 3;
    return out;
  });
}

/** Highest high and lowest low over p bars (stochastic and Williams %R share them at p = 14). */
export function highestHigh(input: FeatureInput, p: number): Float64Array {
  return input.shared.get(`hh/${p}`, () => rollingMax(input.bars.high, p));
}

export function lowestLow(input: FeatureInput, p: number): Float64Array {
  return input.shared.get(`ll/${p}`, () => rollingMin(input.bars.low, p));
}
