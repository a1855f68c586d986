import type { ReportDiagnosticsEntry } from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import type { ResultFiles, SplitPredictions } from './ml-data.js';
import { classCurves, confusionCounts, columnReliability, thinCurve, type CurvePoint } from './ml-metrics.js';
import { MODEL_CLASSES } from './model-section.js';
import type { RunData } from './run-data.js';
import type { ModelTrades } from './tearsheet-data.js';

/**
 * The ML views of one fit (`ReportDiagnosticsEntry` in report.json, curves for the charts): per-class ROC and
 * precision–recall with their areas, confusion counts and a reliability curve from the test rows of
 * `predictions.arrow`; the calibration, bet sizing and meta-labeling blocks of `metrics.json`; the feature
 * importance of `importance.json` (MDA, SFI, MDI) or the family's own (`metrics.json` `featureImportance`: gain
 * for tree families); the ensemble's members from the config; CV from the summary and OOF scores from `oof.arrow`.
 */

/** Features listed per importance method, largest first. */
const TOP_FEATURES = 15;
/** Points kept per ROC or PR curve in the charts (the areas use every point). */
const CURVE_POINTS = 200;

export interface Diagnostics {
  entry: ReportDiagnosticsEntry;
  curves: Array<{ class: string; roc: CurvePoint[]; pr: CurvePoint[] }>;
}

type Entry = ReportDiagnosticsEntry;
const finiteOrNull = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/** Accuracy and mean log loss (natural log, probabilities clipped at 1e-15 like scikit-learn) of a split's predictions. */
function scores(p: SplitPredictions): { rows: number; accuracy: number | null; logLoss: number | null } {
  const n = p.label.length;
  if (n === 0) return { rows: 0, accuracy: null, logLoss: null };
  let hits = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const t = p.label[i] as number;
    if (p.predicted[i] === t) hits++;
    const q = p.proba[t]?.[i] ?? Number.NaN;
    loss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, q)));
  }
  return { rows: n, accuracy: hits / n, logLoss: finiteOrNull(loss / n) };
}

function importanceOf(files: ResultFiles): Entry['importance'] {
  const out: Entry['importance'] = [];
  const top = (rows: Array<{ feature: string; value: number | null; stdError: number | null }>) =>
    rows
      .filter((r) => r.value !== null && Number.isFinite(r.value))
      .sort((a, b) => (b.value as number) - (a.value as number) || a.feature.localeCompare(b.feature))
      .slice(0, TOP_FEATURES);
  const imp = files.importance;
  if (imp?.mdi) out.push({ method: 'mdi', features: top(imp.mdi.map((r) => ({ feature: r.feature, value: r.share, stdError: null }))) });
  if (imp?.mda)
    out.push({ method: 'mda', features: top(imp.mda.map((r) => ({ feature: r.feature, value: r.mean, stdError: r.stdError }))) });
  if (imp?.sfi)
    out.push({ method: 'sfi', features: top(imp.sfi.map((r) => ({ feature: r.feature, value: r.mean, stdError: r.stdError }))) });
  const own = files.metrics?.featureImportance;
  if (own && out.length === 0) {
    out.push({ method: 'model', features: top(Object.entries(own).map(([feature, value]) => ({ feature, value, stdError: null }))) });
  }
  return out.filter((m) => m.features.length > 0);
}

function ensembleOf(config: RunConfig, model: string): Entry['ensemble'] {
  const spec = config.train.ensembles.find((e) => e.name === model);
  if (!spec) return null;
  const equal = spec.kind === 'voting' && spec.weights === undefined;
  return {
    kind: spec.kind,
    members: spec.members.map((m, i) => ({
      model: m,
      weight: spec.kind === 'voting' ? (spec.weights?.[i] ?? 1 / spec.members.length) : null,
    })),
    weights: spec.kind === 'voting' ? (equal ? 'equal' : 'given') : spec.kind === 'bagging' ? 'bootstrap' : 'fitted',
    metaLearner: spec.kind === 'stacking' || spec.kind === 'blending' ? spec.metaLearner : null,
  };
}

/** One fit's diagnostics from its files, its trades (contracts traded) and the run's config (ensembles). */
export function buildDiagnostics(files: ResultFiles, trades: ModelTrades | undefined, config: RunConfig): Diagnostics {
  const test = files.test;
  const curves: Diagnostics['curves'] = [];
  const classes: Entry['classes'] = [];
  if (test) {
    MODEL_CLASSES.forEach((name, c) => {
      const positive = Array.from(test.label, (t) => t === c);
      const curve = classCurves(positive, test.proba[c] as Float64Array);
      classes.push({
        class: name,
        positives: curve.positives,
        rocAuc: finiteOrNull(curve.rocAuc),
        averagePrecision: finiteOrNull(curve.averagePrecision),
      });
      curves.push({ class: name, roc: thinCurve(curve.roc, CURVE_POINTS), pr: thinCurve(curve.pr, CURVE_POINTS) });
    });
  }
  const m = files.metrics;
  const calibration = m?.calibration
    ? {
        method: m.calibration.method,
        brierBefore: m.calibration.test.before.brier,
        brierAfter: m.calibration.test.after.brier,
        eceBefore: m.calibration.test.before.ece,
        eceAfter: m.calibration.test.after.ece,
      }
    : null;
  const reliability: Entry['reliability'] = m?.calibration
    ? { source: 'calibration', before: m.calibration.test.before.reliability, after: m.calibration.test.after.reliability }
    : test
      ? { source: 'predictions', before: columnReliability(test.label, test.proba), after: null }
      : null;
  const sizing = m?.betSizing;
  const meta = m?.metaLabeling;
  const entry: Entry = {
    model: files.model,
    symbol: files.symbol,
    horizon: files.horizon,
    testRows: test ? test.label.length : null,
    classes,
    confusion: test ? confusionCounts(test.label, test.predicted) : null,
    reliability,
    importance: importanceOf(files),
    calibration,
    betSizing: sizing
      ? {
          method: sizing.method,
          maxContracts: sizing.maxContracts,
          step: sizing.step,
          signals: sizing.signals,
          meanContracts: sizing.meanContracts,
          contractsTraded: trades ? trades.trades.reduce((sum, t) => sum + t.size, 0) : null,
        }
      : null,
    metaLabeling: meta
      ? {
          secondary: meta.secondary,
          threshold: meta.threshold,
          valSamples: meta.valSamples,
          valProfitableShare: meta.valProfitableShare,
          testSides: meta.testSides,
          testActed: meta.testActed,
          actedShare: meta.testSides > 0 ? meta.testActed / meta.testSides : null,
        }
      : null,
    ensemble: ensembleOf(config, files.model),
    cv: files.cv,
    oof: files.oof ? scores(files.oof) : null,
  };
  return { entry, curves };
}

export interface DiagnosticsSet {
  results: Diagnostics[];
  warnings: string[];
}

/** The diagnostics of every fit of the run (none without a train stage). */
export function buildAllDiagnostics(data: Pick<RunData, 'train' | 'config'>): DiagnosticsSet {
  const train = data.train;
  if (train === undefined) return { results: [], warnings: [] };
  const results = train.files.map((files) =>
    buildDiagnostics(
      files,
      train.trades.find((t) => t.model === files.model && t.symbol === files.symbol && t.horizon === files.horizon),
      data.config,
    ),
  );
  return { results, warnings: [...train.fileWarnings] };
}
