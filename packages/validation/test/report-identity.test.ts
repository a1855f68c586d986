import { createHash } from 'node:crypto';
import { Rng } from '@tribar/core';
import { describe, expect, it } from 'vitest';
import { validate, type ManifestView, type SymbolInputs } from '../src/internal/stage.js';
import { healthyInputs, testConfig } from './fixtures.js';

/**
 * Two symbols with 60 features built from a few latent factors (many correlated pairs), some with NaN,
 * ±Infinity, constants, ties and a price-level offset, over more rows than one correlation block.
 */
function inputs(): { all: SymbolInputs[]; manifest: ManifestView; cuts: { trainEnd: number; valEnd: number } } {
  const rng = new Rng(11);
  const features: { name: string; family: string; category: string; flag: boolean }[] = [];
  const all: SymbolInputs[] = [];
  let cuts = { trainEnd: 0, valEnd: 0 };
  for (const [s, symbol] of ['MES', 'MGC'].entries()) {
    const base = healthyInputs(6000, 5 + s);
    cuts = base.cuts;
    const n = base.inputs.features.timestamp.length;
    const factors = Array.from({ length: 4 }, () => Float64Array.from({ length: n }, () => rng.normal(0, 1)));
    for (let j = 0; j < 60; j++) {
      const name = `g${String(j).padStart(2, '0')}`;
      if (s === 0) features.push({ name, family: 'test', category: 'unbounded', flag: j % 29 === 28 });
      const factor = factors[j % 4]!;
      const noise = [0.02, 0.2, 2][j % 3]!;
      const column = Float64Array.from({ length: n }, (_, i) =>
        j % 29 === 28 ? (i % 50 === 0 ? 1 : 0) : (j % 5 === 4 ? 5000 : 0) + factor[i]! + rng.normal(0, noise),
      );
      if (j % 7 === 3) for (let k = 0; k < 30; k++) column[rng.int(0, n - 1)] = Number.NaN;
      if (j % 13 === 6) column.fill(3.5);
      if (j % 11 === 10) for (let i = 0; i < n; i++) column[i] = Math.round(column[i]!); // ties
      base.inputs.features.columns[name] = column;
      base.inputs.scaled.columns[name] = Float64Array.from(column, (v) => v / 10);
    }
    all.push({ ...base.inputs, symbol });
  }
  for (const f of ['f_noise', 'f_double', 'f_wave', 'f_low', 'f_flag']) {
    features.push({ name: f, family: 'test', category: f === 'f_flag' ? 'binary' : 'unbounded', flag: f === 'f_flag' });
  }
  return { all, manifest: { features }, cuts };
}

describe('validate: the report stays the same', () => {
  // The digest was recorded with the previous version (per-pair `pearson` correlations, sort-based
  // bin edges): any change to a number, a list or an order in the report changes it.
  it('gives the recorded report, byte for byte, on two symbols × 65 features', () => {
    const { all, manifest, cuts } = inputs();
    const config = { ...testConfig(), symbols: ['MES', 'MGC'], validation: { ...testConfig().validation, sampleRows: 4000 } };
    const report = validate(all, manifest, cuts, config);
    expect(report.featureSelection.correlatedPairs.length).toBeGreaterThan(20);
    expect(report.featureSelection.finalCount).toBeLessThan(report.featureSelection.originalCount);
    const json = JSON.stringify(report);
    expect(createHash('sha256').update(json).digest('hex')).toBe('50a928badae59862f60009493fbd138f7edcb661dd55b7820d1852f7e41a770a');
  });
});
