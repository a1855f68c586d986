import { trainResultName } from '@tribar/artifacts';
import type { TopLevelSpec } from 'vega-lite';
import type { Diagnostics } from './ml-views.js';

/** The ML views' charts, server-rendered vega-lite like the rest: per fit, ROC + PR curves, reliability, importance. */

export const DIAGNOSTIC_CHARTS = ['curves', 'reliability', 'importance'] as const;
export type DiagnosticChart = (typeof DIAGNOSTIC_CHARTS)[number];

/** `data-chart` name of one diagnostics chart, e.g. `diagnostics-xgboost-MES-h20-curves`. */
export const diagnosticChartName = (d: { model: string; symbol: string; horizon: number }, chart: DiagnosticChart) =>
  `diagnostics-${trainResultName(d.model, d.symbol, d.horizon)}-${chart}`;

const CLASS_COLOURS = { domain: ['short', 'neutral', 'long'], range: ['#e45756', '#9e9e9e', '#54a24b'] };
const UNIT = { domain: [0, 1] };

/** One-vs-rest ROC and precision–recall curves of the three classes (at most 200 points each). */
function curvesSpec(d: Diagnostics): TopLevelSpec {
  const auc = new Map(d.entry.classes.map((c) => [c.class, c]));
  const label = (name: string, value: number | null | undefined) =>
    `${name} (${value === null || value === undefined ? '—' : value.toFixed(3)})`;
  const roc = d.curves.flatMap((c) =>
    c.roc.map((p) => ({ class: c.class, key: label(c.class, auc.get(c.class)?.rocAuc), x: p.x, y: p.y })),
  );
  const pr = d.curves.flatMap((c) =>
    c.pr.map((p) => ({ class: c.class, key: label(c.class, auc.get(c.class)?.averagePrecision), x: p.x, y: p.y })),
  );
  const panel = (values: object[], title: string, x: string, y: string, diagonal: boolean) => ({
    width: 300,
    height: 240,
    title,
    layer: [
      ...(diagonal
        ? [
            {
              data: {
                values: [
                  { x: 0, y: 0 },
                  { x: 1, y: 1 },
                ],
              },
              mark: { type: 'line', color: '#c8ccd4', strokeDash: [4, 4] },
              encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
            },
          ]
        : []),
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.5, interpolate: diagonal ? 'linear' : 'step-after' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: x, scale: UNIT },
          y: { field: 'y', type: 'quantitative', title: y, scale: UNIT },
          color: { field: 'class', type: 'nominal', title: 'class', scale: CLASS_COLOURS },
          detail: { field: 'key' },
        },
      },
    ],
  });
  return {
    title: 'ROC and precision–recall, one class against the rest (test part)',
    hconcat: [
      panel(
        roc,
        `ROC (AUC ${d.entry.classes.map((c) => c.rocAuc?.toFixed(3) ?? '—').join(' / ')})`,
        'false-positive rate',
        'true-positive rate',
        true,
      ),
      panel(
        pr,
        `Precision–recall (AP ${d.entry.classes.map((c) => c.averagePrecision?.toFixed(3) ?? '—').join(' / ')})`,
        'recall',
        'precision',
        false,
      ),
    ],
  } as TopLevelSpec;
}

/** Reliability of the top-class probability: before (and after) calibration, against the diagonal. */
function reliabilitySpec(d: Diagnostics): TopLevelSpec {
  const r = d.entry.reliability;
  const rows = (bins: NonNullable<typeof r>['before'], curve: string) =>
    bins
      .filter((b) => b.confidence !== null && b.accuracy !== null)
      .map((b) => ({ curve, confidence: b.confidence, accuracy: b.accuracy, rows: b.rows }));
  const values = r
    ? [...rows(r.before, r.after ? 'before calibration' : 'model'), ...(r.after ? rows(r.after, 'after calibration') : [])]
    : [];
  return {
    title: `Reliability of the top-class probability (test part${r?.source === 'calibration' ? ', calibrated on val' : ''})`,
    width: 300,
    height: 240,
    layer: [
      {
        data: {
          values: [
            { confidence: 0, accuracy: 0 },
            { confidence: 1, accuracy: 1 },
          ],
        },
        mark: { type: 'line', color: '#c8ccd4', strokeDash: [4, 4] },
        encoding: { x: { field: 'confidence', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'confidence', type: 'quantitative', title: 'mean predicted probability', scale: UNIT },
          y: { field: 'accuracy', type: 'quantitative', title: 'observed accuracy', scale: UNIT },
          color: { field: 'curve', type: 'nominal', title: null },
        },
      },
    ],
  } as TopLevelSpec;
}

const METHOD_TITLES = {
  mdi: 'MDI (share)',
  mda: 'MDA (log-loss increase)',
  sfi: 'SFI (score)',
  model: "model's own (gain for tree families)",
};

/** Top features per importance method, one bar panel each. */
function importanceSpec(d: Diagnostics): TopLevelSpec {
  return {
    title: 'Feature importance (top features per method)',
    hconcat: d.entry.importance.map((m) => ({
      data: { values: m.features.map((f) => ({ feature: f.feature, value: f.value })) },
      width: 200,
      height: { step: 14 },
      title: METHOD_TITLES[m.method],
      mark: { type: 'bar', color: '#4c78a8' },
      encoding: {
        y: { field: 'feature', type: 'nominal', sort: '-x', title: null },
        x: { field: 'value', type: 'quantitative', title: null },
      },
    })),
  } as TopLevelSpec;
}

/** The specs of every fit's diagnostics, in page order; a chart without data is left out. */
export function diagnosticChartSpecs(results: readonly Diagnostics[]) {
  return results.flatMap((d) => {
    const what = `${d.entry.model} ${d.entry.symbol} H${d.entry.horizon}`;
    return [
      { name: diagnosticChartName(d.entry, 'curves'), title: `ROC and PR ${what}`, spec: curvesSpec(d), empty: d.curves.length === 0 },
      {
        name: diagnosticChartName(d.entry, 'reliability'),
        title: `Reliability ${what}`,
        spec: reliabilitySpec(d),
        empty: d.entry.reliability === null || d.entry.reliability.before.every((b) => b.rows === 0),
      },
      {
        name: diagnosticChartName(d.entry, 'importance'),
        title: `Feature importance ${what}`,
        spec: importanceSpec(d),
        empty: d.entry.importance.length === 0,
      },
    ];
  });
}
