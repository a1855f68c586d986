import type { ReportDiagnosticsEntry } from '@tribar/artifacts';
import type { RenderedChart } from './charts.js';
import { escapeHtml, formatNumber, htmlTable, markdownTable, percent } from './format.js';
import { DIAGNOSTIC_CHARTS, diagnosticChartName } from './ml-charts.js';
import { MODEL_CLASSES } from './model-section.js';

/**
 * The ML views as the page and `report.md` show them: the Models section's tables of what issue 18 added
 * (calibration, bet sizing, meta-labeling, ensembles, CV / OOF), and the Model diagnostics section (per fit:
 * ROC AUC / average precision per class, confusion counts, the curves, reliability and importance charts).
 */

export const DIAGNOSTICS_SECTION = ['diagnostics', 'Model diagnostics'] as const;

type Entry = ReportDiagnosticsEntry;
type Table = { title: string; headers: string[]; rows: string[][]; note: string };

const what = (d: Entry) => [d.model, d.symbol, `H${d.horizon}`];
const arrow = (before: number | null, after: number | null, digits = 4) =>
  `${formatNumber(before, digits)} → ${formatNumber(after, digits)}`;

/** The Models section's extra tables, each only when some fit has its block. */
function trainingTables(results: readonly Entry[]): Table[] {
  const tables: Table[] = [];
  const calibrated = results.filter((d) => d.calibration !== null);
  if (calibrated.length > 0)
    tables.push({
      title: 'Calibration (fitted on val; test part before → after)',
      headers: ['model', 'symbol', 'H', 'method', 'Brier', 'ECE'],
      rows: calibrated.map((d) => {
        const c = d.calibration!;
        return [...what(d), c.method, arrow(c.brierBefore, c.brierAfter), arrow(c.eceBefore, c.eceAfter)];
      }),
      note: 'Brier score and expected calibration error of the test probabilities, lower is better.',
    });
  const sized = results.filter((d) => d.betSizing !== null);
  if (sized.length > 0)
    tables.push({
      title: 'Bet sizing (test part)',
      headers: ['model', 'symbol', 'H', 'method', 'max contracts', 'step', 'signals', 'avg |size|', 'contracts traded'],
      rows: sized.map((d) => {
        const b = d.betSizing!;
        return [
          ...what(d),
          b.method,
          formatNumber(b.maxContracts),
          formatNumber(b.step, 3),
          formatNumber(b.signals),
          formatNumber(b.meanContracts),
          formatNumber(b.contractsTraded),
        ];
      }),
      note: 'Signals: test rows with a non-zero size; avg |size|: mean contracts over them; contracts traded: Σ sizes of the backtest’s trades.',
    });
  const meta = results.filter((d) => d.metaLabeling !== null);
  if (meta.length > 0)
    tables.push({
      title: 'Meta-labeling',
      headers: ['model', 'symbol', 'H', 'secondary', 'threshold', 'val samples', 'val profitable', 'test sides', 'acted', 'acted share'],
      rows: meta.map((d) => {
        const m = d.metaLabeling!;
        return [
          ...what(d),
          m.secondary,
          formatNumber(m.threshold, 2),
          formatNumber(m.valSamples),
          percent(m.valProfitableShare),
          formatNumber(m.testSides),
          formatNumber(m.testActed),
          percent(m.actedShare),
        ];
      }),
      note: 'The secondary model is trained on the val rows where the primary took a side; it acts on a test side when its probability reaches the threshold.',
    });
  const ensembles = results.filter((d) => d.ensemble !== null);
  if (ensembles.length > 0)
    tables.push({
      title: 'Ensembles',
      headers: ['model', 'symbol', 'H', 'kind', 'members (weight)', 'weights', 'meta-learner'],
      rows: ensembles.map((d) => {
        const e = d.ensemble!;
        const members = e.members.map((m) => (m.weight === null ? m.model : `${m.model} (${formatNumber(m.weight, 3)})`)).join(', ');
        return [...what(d), e.kind, members, e.weights, e.metaLearner ?? '—'];
      }),
      note: 'Voting weights as configured (equal when none); stacking and blending weigh the members through the fitted meta-learner; bagging draws sequential bootstraps.',
    });
  const cross = results.filter((d) => d.cv !== null || d.oof !== null);
  if (cross.length > 0)
    tables.push({
      title: 'Cross-validation and out-of-fold predictions (train part, purged k-fold)',
      headers: ['model', 'symbol', 'H', 'CV folds', 'macro F1 (mean ± sd)', 'stability', 'OOF rows', 'OOF accuracy', 'OOF log loss'],
      rows: cross.map((d) => [
        ...what(d),
        formatNumber(d.cv?.folds),
        d.cv ? `${formatNumber(d.cv.macroF1Mean, 3)} ± ${formatNumber(d.cv.macroF1Std, 3)}` : '—',
        d.cv?.stability ?? '—',
        formatNumber(d.oof?.rows),
        percent(d.oof?.accuracy),
        formatNumber(d.oof?.logLoss, 3),
      ]),
      note: 'CV: the summary’s folds; OOF: every train row scored by the fold model that did not see its label window (oof.arrow).',
    });
  return tables;
}

export function trainingTablesHtml(results: readonly Entry[]): string {
  return trainingTables(results)
    .map(
      (t) =>
        `<h3>${escapeHtml(t.title)}</h3><p class="note">${escapeHtml(t.note)}</p><div class="scroll">${htmlTable(t.headers, t.rows, { numericFrom: 3, className: 'nowrap' })}</div>`,
    )
    .join('\n');
}

export function trainingTablesMarkdown(results: readonly Entry[]): string {
  return trainingTables(results)
    .map((t) => `### ${t.title}\n\n${t.note}\n\n${markdownTable(t.headers, t.rows)}`)
    .join('\n\n');
}

const CLASS_HEADERS = ['class', 'test rows of the class', 'ROC AUC', 'average precision'];
const classRows = (d: Entry) =>
  d.classes.map((c) => [c.class, formatNumber(c.positives), formatNumber(c.rocAuc, 3), formatNumber(c.averagePrecision, 3)]);
const CONFUSION_HEADERS = ['true \\ predicted', ...MODEL_CLASSES];
const confusionRows = (d: Entry) =>
  (d.confusion ?? []).map((row, t) => [MODEL_CLASSES[t] ?? String(t), ...row.map((n) => formatNumber(n))]);
const importanceRows = (d: Entry) =>
  d.importance.flatMap((m) =>
    m.features.map((f, i) => [m.method, String(i + 1), f.feature, formatNumber(f.value, 4), formatNumber(f.stdError, 4)]),
  );
const IMPORTANCE_HEADERS = ['method', 'rank', 'feature', 'importance', 'std error'];
const title = (d: Entry) => `${d.model} ${d.symbol} H${d.horizon}`;

function chartHtml(charts: ReadonlyMap<string, RenderedChart>, name: string): string {
  const found = charts.get(name);
  return found
    ? `<figure class="chart" data-chart="${escapeHtml(name)}" aria-label="${escapeHtml(found.title)}">${found.svg}</figure>`
    : '';
}

/** The body of the HTML Model diagnostics section. */
export function diagnosticsHtml(diagnostics: { results: Entry[]; warnings: string[] }, charts: ReadonlyMap<string, RenderedChart>): string {
  const warnings =
    diagnostics.warnings.length > 0
      ? `<ul class="model-warnings">${diagnostics.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
      : '';
  if (diagnostics.results.length === 0) return `<p class="empty">No model result to diagnose.</p>${warnings}`;
  const parts = [
    '<p class="note">Per model × symbol × horizon, from the test rows of its predictions.arrow: one-vs-rest ROC and precision–recall (area: ROC AUC, average precision), the confusion counts, the reliability of the top-class probability (before and after calibration when the fit was calibrated) and the feature importance when the run wrote it.</p>',
  ];
  for (const d of diagnostics.results) {
    const body =
      d.testRows === null
        ? '<p class="empty">No predictions.arrow: no ROC, PR or confusion counts.</p>'
        : [
            `<div class="metric-grid">${htmlTable(CLASS_HEADERS, classRows(d), { className: 'nowrap' })}${htmlTable(CONFUSION_HEADERS, confusionRows(d), { className: 'nowrap' })}</div>`,
          ].join('\n');
    parts.push(
      `<div class="diagnostics" data-diagnostics="${escapeHtml(title(d))}">`,
      `<h3>${escapeHtml(title(d))} <span class="note">${d.testRows === null ? '' : `${formatNumber(d.testRows)} test rows`}</span></h3>`,
      body,
      ...DIAGNOSTIC_CHARTS.map((c) => chartHtml(charts, diagnosticChartName(d, c))),
      d.importance.length === 0 ? '<p class="note">No feature importance for this fit.</p>' : '',
      '</div>',
    );
  }
  parts.push(warnings);
  return parts.filter((p) => p !== '').join('\n');
}

/** The Model diagnostics section of `report.md` (empty when there is nothing to say). */
export function diagnosticsMarkdown(diagnostics: { results: Entry[]; warnings: string[] }): string {
  if (diagnostics.results.length === 0 && diagnostics.warnings.length === 0) return '';
  const parts = [`## ${DIAGNOSTICS_SECTION[1]}`];
  for (const d of diagnostics.results) {
    parts.push(`### ${title(d)}`);
    if (d.testRows === null) parts.push('_No predictions.arrow._');
    else parts.push(markdownTable(CLASS_HEADERS, classRows(d)), markdownTable(CONFUSION_HEADERS, confusionRows(d)));
    if (d.importance.length > 0) parts.push(markdownTable(IMPORTANCE_HEADERS, importanceRows(d)));
  }
  if (diagnostics.warnings.length > 0) parts.push('Diagnostics warnings:', diagnostics.warnings.map((w) => `- ${w}`).join('\n'));
  return parts.join('\n\n');
}
