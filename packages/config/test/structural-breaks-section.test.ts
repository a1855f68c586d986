import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../src/index.js';

describe('features.structuralBreaks', () => {
  it('is off by default and takes the book-like defaults when present', () => {
    expect(defaultConfig().features.structuralBreaks).toBeUndefined();
    expect(parseConfig({ features: { structuralBreaks: {} } }).features.structuralBreaks).toEqual({
      window: 100,
      minLength: 20,
      lags: 1,
      adf: ['constant', 'linear', 'quadratic'],
      martingale: ['polynomial', 'polynomial-log', 'exponential', 'power'],
      phi: 0.5,
      chow: true,
      cusum: true,
    });
  });

  it('rejects a minLength the SADF regression cannot fit and a window too short for the Chow test', () => {
    expect(() => parseConfig({ features: { structuralBreaks: { minLength: 6, lags: 2 } } })).toThrow(
      /features\.structuralBreaks\.minLength: minLength must exceed the 6 regressors/,
    );
    expect(parseConfig({ features: { structuralBreaks: { minLength: 6, lags: 2, adf: [] } } }).features.structuralBreaks?.minLength).toBe(
      6,
    );
    expect(() => parseConfig({ features: { structuralBreaks: { window: 40, minLength: 20 } } })).toThrow(
      /features\.structuralBreaks\.window: window must be at least 2 × minLength \+ 1 = 41/,
    );
    expect(() => parseConfig({ features: { structuralBreaks: { phi: 2 } } })).toThrow(/structuralBreaks\.phi/);
  });
});
