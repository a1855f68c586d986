import { defaultConfig, parseConfig } from '@tribar/config';
import { describe, expect, it } from 'vitest';
import { barrierCostPrice, costAsReturn, roundTripCost } from '../src/internal/costs.js';

describe('costs in one unit', () => {
  it('is (commission + 2 × slippage) ticks × tick size, per symbol', () => {
    const config = defaultConfig();
    // MES: (0.5 + 2 × 0.5) ticks × 0.25 = 0.375; MGC: (0.3 + 2 × 0.75) × 0.1 = 0.18.
    expect(roundTripCost(config, 'MES')).toMatchObject({ ticks: 1.5, price: 0.375, usd: 1.875, known: true });
    expect(roundTripCost(config, 'MGC').price).toBeCloseTo(0.18, 12);
    expect(roundTripCost(config, 'ZZZ')).toMatchObject({ known: false, price: 0.015 });
    expect(costAsReturn(0.375, 4500)).toBeCloseTo(0.375 / 4500, 15);
  });

  it('widens barriers only when labels.costAware', () => {
    expect(barrierCostPrice(defaultConfig(), 'MES')).toBe(0);
    expect(barrierCostPrice(parseConfig({ labels: { costAware: true } }), 'MES')).toBe(0.375);
  });
});
