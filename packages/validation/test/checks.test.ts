import { describe, expect, it } from 'vitest';
import {
  checkAlignment,
  checkFeatureQuality,
  checkFinite,
  checkGapsAndRange,
  checkLabels,
  checkSplit,
  checkTimestamps,
  Findings,
  isLabelDerived,
} from '../src/internal/checks.js';
import { countBeyond } from '../src/internal/stats.js';
import { BAR_MS, normals, T0, testConfig } from './fixtures.js';

const v = testConfig().validation;
const times = (n: number) => Float64Array.from({ length: n }, (_, i) => T0 + i * BAR_MS);
const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('timestamps and alignment', () => {
  it('a duplicated timestamp is an issue', () => {
    const findings = new Findings();
    const t = times(5);
    t[3] = t[2] as number;
    checkTimestamps(findings, 'MES', 'features/MES.arrow', t);
    expect(findings.issues).toEqual([{ check: 'duplicates', symbol: 'MES', message: 'features/MES.arrow: 1 duplicated timestamps' }]);
  });
  it('clean timestamps raise nothing; differing rows across files are an issue', () => {
    const findings = new Findings();
    checkTimestamps(findings, 'MES', 'f', times(5));
    expect(findings.issues).toEqual([]);
    checkAlignment(findings, 'MES', 'labels/MES.arrow', times(5), times(4));
    expect(findings.issues[0]?.check).toBe('alignment');
  });
});

describe('NaN and inf', () => {
  it('inf is an issue per column; NaN is one warning with counts', () => {
    const findings = new Findings();
    const frame = {
      timestamp: times(4),
      columns: { a: Float64Array.from([1, Infinity, 2, 3]), b: Float64Array.from([1, Number.NaN, Number.NaN, 3]) },
    };
    checkFinite(findings, 'MES', 'features/MES.arrow', frame, ['a', 'b']);
    expect(findings.issues).toEqual([{ check: 'inf', symbol: 'MES', feature: 'a', message: 'features/MES.arrow: 1 infinite values in a' }]);
    expect(findings.warnings).toHaveLength(1);
    expect(findings.warnings[0]?.message).toContain('b 2 (50.0 %)');
  });
});

describe('gaps and date range', () => {
  it('counts steps above 3× the median and records the range', () => {
    const findings = new Findings();
    const t = times(10);
    for (let i = 6; i < 10; i++) t[i] = (t[i] as number) + 10 * BAR_MS;
    checkGapsAndRange(findings, 'MES', t, v);
    expect(findings.checks['gaps']?.['MES']).toMatchObject({ medianStepMs: BAR_MS, gaps: 1, maxStepMs: 11 * BAR_MS });
    expect(findings.checks['date_range']?.['MES']).toMatchObject({ totalBars: 10, start: new Date(T0).toISOString() });
    expect(findings.issues).toEqual([]);
  });
});

describe('label balance', () => {
  it('warns when a train class share is outside [20 %, 60 %], ignoring −99 and non-train rows', () => {
    const findings = new Findings();
    // Train: 7 long, 2 short, 1 neutral (70 % long, 10 % neutral); val rows are all short.
    const label = Float64Array.from([1, 1, 1, 1, 1, 1, 1, -1, -1, 0, -99, -99, -1, -1, -1]);
    const split = Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -3, -3, 1, 1, 1]);
    checkLabels(findings, 'MES', 5, { timestamp: times(15), columns: { label_h5: label } }, split, v);
    expect(findings.issues).toEqual([]);
    expect(findings.warnings.map((w) => w.message)).toEqual([
      'train long share 70.0 % outside [20 %, 60 %]',
      'train neutral share 10.0 % outside [20 %, 60 %]',
    ]);
    expect(findings.warnings[0]).toMatchObject({ check: 'label_balance', symbol: 'MES', horizon: 5 });
  });
  it('a balanced train part passes; an unknown label value is an issue', () => {
    const findings = new Findings();
    const label = Float64Array.from([1, 0, -1, 1, 0, -1, 7]);
    checkLabels(findings, 'MES', 5, { timestamp: times(7), columns: { label_h5: label } }, new Float64Array(7), v);
    expect(findings.warnings).toEqual([]);
    expect(findings.issues.map((i) => i.message)).toEqual(['1 label values other than −1, 0, 1, −99']);
  });
});

describe('splits', () => {
  const t = times(10);
  const cuts = { trainEnd: T0 + 6 * BAR_MS, valEnd: T0 + 8 * BAR_MS };
  it('accepts a consistent split and flags codes against the cuts and unpurged train labels', () => {
    const ok = new Findings();
    const split = Float64Array.from([0, 0, 0, 0, 0, -1, 1, -1, 2, 2]);
    const end = t.map((x) => x + BAR_MS);
    checkSplit(ok, 'MES', 5, t, split, undefined, end, cuts);
    expect(ok.issues).toEqual([]);
    const bad = new Findings();
    checkSplit(bad, 'MES', 5, t, Float64Array.from([0, 0, 0, 0, 0, 0, 0, 1, 9, 2]), undefined, end, cuts);
    expect(bad.issues.map((i) => i.message)).toEqual([
      '1 rows with an unknown split code',
      '1 rows whose split code disagrees with trainEnd/valEnd',
      '2 train labels end at or after trainEnd (leak into val: purge missing)',
    ]);
  });
});

describe('feature quality on train rows', () => {
  it('a constant feature is an issue, a constant flag a warning', () => {
    const findings = new Findings();
    const n = 200;
    const frame = {
      timestamp: times(n),
      columns: { c: new Float64Array(n).fill(3), flag: new Float64Array(n), ok: Float64Array.from({ length: n }, (_, i) => Math.sin(i)) },
    };
    checkFeatureQuality(
      findings,
      'MES',
      frame,
      [
        { name: 'c', flag: false },
        { name: 'flag', flag: true },
        { name: 'ok', flag: false },
      ],
      allRows(n),
      v,
    );
    expect(findings.issues).toEqual([{ check: 'constant', symbol: 'MES', feature: 'c', message: 'c is constant (3) on train rows' }]);
    expect(findings.warnings.map((w) => w.check)).toEqual(['constant']);
  });
  it('only train rows count: a feature constant in train but varying later is still constant', () => {
    const findings = new Findings();
    const x = Float64Array.from({ length: 200 }, (_, i) => (i < 150 ? 1 : i));
    checkFeatureQuality(findings, 'MES', { timestamp: times(200), columns: { x } }, [{ name: 'x', flag: false }], allRows(150), v);
    expect(findings.issues.map((i) => i.check)).toEqual(['constant']);
  });
  it('warns on large scale, skew and outliers', () => {
    const findings = new Findings();
    const n = 1000;
    const big = Float64Array.from({ length: n }, (_, i) => 1000 + (i % 7));
    const tail = Float64Array.from({ length: n }, (_, i) => (i % 50 === 0 ? 100 : i % 3));
    checkFeatureQuality(
      findings,
      'MES',
      { timestamp: times(n), columns: { big, tail } },
      [
        { name: 'big', flag: false },
        { name: 'tail', flag: false },
      ],
      allRows(n),
      v,
    );
    expect(findings.warnings.map((w) => w.check)).toEqual(['scale', 'skew', 'outliers']);
    expect(findings.warnings[0]?.message).toContain('big');
    expect(findings.warnings[1]?.message).toContain('tail');
  });
});

describe('label-derived names', () => {
  it('matches label columns per horizon, not ordinary features', () => {
    expect(['mfe_h20', 'pain_to_gain_h5', 'touch_type_h5', 'label_h5', 'fwd_return_h20'].every(isLabelDerived)).toBe(true);
    expect(['log_return_5', 'mae_ratio', 'quality', 'rsi_14'].some(isLabelDerived)).toBe(false);
  });
});

describe('outlier threshold from config', () => {
  it('uses outlierSigma and outlierShare', () => {
    const n = 1000;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 50 === 0 ? 8 : (i % 3) - 1));
    const run = (outlierSigma: number) => {
      const findings = new Findings();
      checkFeatureQuality(findings, 'MES', { timestamp: times(n), columns: { x } }, [{ name: 'x', flag: false }], allRows(n), {
        ...v,
        outlierSigma,
        skewLimit: 100,
      });
      return findings.warnings.map((w) => w.check);
    };
    expect(run(5)).toEqual(['outliers']);
    expect(run(20)).toEqual([]);
  });
});

describe('outlier share', () => {
  it('warns exactly when countBeyond does, for σ of 3, 5 and 10 (counted by moments) and others', () => {
    const n = 4000;
    let warned = 0;
    for (const sigma of [2.5, 3, 4, 5, 10]) {
      for (const [t, share] of [0.001, 0.004, 0.01, 0.03].entries()) {
        const x = normals(n, 40 + t).map((z, i) => (i % 97 === 0 ? z * 30 : z));
        x[5] = Number.NaN;
        const rows = allRows(n - 100);
        const findings = new Findings();
        checkFeatureQuality(findings, 'MES', { timestamp: times(n), columns: { x } }, [{ name: 'x', flag: false }], rows, {
          ...v,
          outlierSigma: sigma,
          outlierShare: share,
        });
        let finite = 0;
        let sum = 0;
        for (const i of rows) {
          if (!Number.isFinite(x[i]!)) continue;
          finite++;
          sum += x[i]!;
        }
        const stats = (findings.checks['feature_quality']!['MES'] as Record<string, { mean: number; std: number }>)['x']!;
        expect(stats.mean).toBe(sum / finite);
        const expected = countBeyond(x, rows, stats.mean, stats.std, sigma) / finite > share;
        const got = findings.warnings.some((w) => w.check === 'outliers');
        expect(got).toBe(expected);
        if (got) warned++;
      }
    }
    expect(warned).toBeGreaterThan(3);
    expect(warned).toBeLessThan(20);
  });
});
