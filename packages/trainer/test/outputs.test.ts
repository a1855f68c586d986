import { describe, expect, it } from 'vitest';
import { EXIT_DATA_END, EXIT_SIGNAL, EXIT_STOP, EXIT_TAKE_PROFIT, EXIT_TIMEOUT } from '../src/internal/backtest/types.js';
import { tradeExit } from '../src/internal/outputs.js';

describe('tradeExit', () => {
  it('names the barrier by price: a long hits upper for profit, a short hits lower', () => {
    expect(tradeExit(EXIT_TAKE_PROFIT, 1)).toBe('upper');
    expect(tradeExit(EXIT_STOP, 1)).toBe('lower');
    expect(tradeExit(EXIT_TAKE_PROFIT, -1)).toBe('lower');
    expect(tradeExit(EXIT_STOP, -1)).toBe('upper');
    expect(tradeExit(EXIT_TIMEOUT, -1)).toBe('timeout');
    expect(tradeExit(EXIT_SIGNAL, 1)).toBe('signal');
    expect(tradeExit(EXIT_DATA_END, 1)).toBe('end');
    expect(() => tradeExit(9, 1)).toThrow(/unknown exit reason code 9/);
  });
});
