import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml } from './format.js';
import type { TuningStudies, TuningStudy, TuningTrial } from './tuning-data.js';

// The report's Tuning section: per study, the optimisation history (value per trial and best so
// far), parameter importance and parallel coordinates (vega-lite, rendered with the other charts),
// and the best trial's one test score with its deflated Sharpe ratio (N = the study's trials).

const TUNING_SECTION_ID = 'tuning';

const complete = (s: TuningStudy) =>
  s.trials.filter((t): t is TuningTrial & { value: number } => t.state === 'complete' && Number.isFinite(t.value));
const chartId = (s: TuningStudy, what: string) => `tuning-${what}-${s.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * Parameter importance as the correlation ratio η² of the objective over each parameter's bins
 * (numbers: up to 5 bins of equally many distinct values among the complete trials; other values: one bin per
 * value): the share of the value's variance its main effect explains, the first-order term of a
 * functional ANOVA on the marginal — fANOVA-lite, without its random forest. Normalised to sum 1;
 * a study with fewer than 3 complete trials or no variance has none.
 */
export function parameterImportance(study: TuningStudy): Array<{ param: string; importance: number }> {
  const trials = complete(study);
  if (trials.length < 3) return [];
  const values = trials.map((t) => t.value);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const total = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  if (!(total > 0)) return [];
  const raw = study.params.map((param) => {
    const having = trials.filter((t) => param in t.params);
    const numeric = having.every((t) => typeof t.params[param] === 'number');
    const groups = new Map<string, number[]>();
    if (numeric) {
      // Bins over the distinct values, so equal values always share a bin (a two-valued parameter gets two).
      const distinct = [...new Set(having.map((t) => t.params[param] as number))].sort((x, y) => x - y);
      const bins = Math.min(5, distinct.length);
      for (const t of having) {
        const key = String(Math.floor((distinct.indexOf(t.params[param] as number) * bins) / distinct.length));
        groups.set(key, [...(groups.get(key) ?? []), t.value]);
      }
    } else for (const t of having) groups.set(String(t.params[param]), [...(groups.get(String(t.params[param])) ?? []), t.value]);
    let between = 0;
    for (const group of groups.values()) {
      const m = group.reduce((a, b) => a + b, 0) / group.length;
      between += group.length * (m - mean) ** 2;
    }
    return { param, importance: between / total };
  });
  const sum = raw.reduce((s, r) => s + r.importance, 0);
  return raw
    .map((r) => ({ param: r.param, importance: sum > 0 ? r.importance / sum : 0 }))
    .sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}

function historySpec(study: TuningStudy): TopLevelSpec {
  const rows = study.trials.flatMap((t) => [
    ...(t.value !== null && Number.isFinite(t.value) ? [{ trial: t.number, series: `value (${t.state})`, value: t.value }] : []),
    ...(t.bestSoFar !== null ? [{ trial: t.number, series: 'best so far', value: t.bestSoFar }] : []),
  ]);
  return {
    title: `Optimisation history, ${study.name} (${study.direction})`,
    data: { values: rows },
    width: 560,
    height: 200,
    layer: [
      {
        transform: [{ filter: "datum.series !== 'best so far'" }],
        mark: { type: 'point', filled: true, size: 28 },
        encoding: {
          x: { field: 'trial', type: 'quantitative' },
          y: { field: 'value', type: 'quantitative', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: null },
        },
      },
      {
        transform: [{ filter: "datum.series === 'best so far'" }],
        mark: { type: 'line', interpolate: 'step-after', color: '#c0392b' },
        encoding: { x: { field: 'trial', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

function importanceSpec(study: TuningStudy, rows: ReadonlyArray<{ param: string; importance: number }>): TopLevelSpec {
  return {
    title: `Parameter importance, ${study.name} (η² of the value over parameter bins)`,
    data: { values: rows },
    width: 400,
    height: { step: 18 },
    mark: 'bar',
    encoding: {
      y: { field: 'param', type: 'nominal', sort: '-x', title: null },
      x: { field: 'importance', type: 'quantitative', title: 'share of variance explained', axis: { format: '.0%' } },
    },
  } as TopLevelSpec;
}

/** One line per complete trial across the parameters, each axis scaled to [0, 1] over the trials (categories by their order). */
export function parallelRows(study: TuningStudy): Array<{ trial: number; param: string; position: number; value: number }> {
  const trials = complete(study);
  const axes = [...study.params, 'value'];
  const scale = new Map<string, (v: unknown) => number>();
  for (const axis of axes) {
    const raw = trials.map((t) => (axis === 'value' ? t.value : t.params[axis]));
    if (raw.every((v) => typeof v === 'number')) {
      const nums = raw as number[];
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      scale.set(axis, (v) => (hi > lo ? ((v as number) - lo) / (hi - lo) : 0.5));
    } else {
      const levels = [...new Set(raw.filter((v) => v !== undefined).map(String))].sort();
      scale.set(axis, (v) => (levels.length > 1 ? levels.indexOf(String(v)) / (levels.length - 1) : 0.5));
    }
  }
  return trials.flatMap((t) =>
    axes
      .filter((a) => a === 'value' || a in t.params)
      .map((a) => ({ trial: t.number, param: a, position: scale.get(a)!(a === 'value' ? t.value : t.params[a]), value: t.value })),
  );
}

function parallelSpec(study: TuningStudy): TopLevelSpec {
  return {
    title: `Parallel coordinates, ${study.name} (each axis scaled to its range; colour = value)`,
    data: { values: parallelRows(study) },
    width: Math.max(240, 110 * (study.params.length + 1)),
    height: 220,
    mark: { type: 'line', opacity: 0.6 },
    encoding: {
      x: { field: 'param', type: 'nominal', sort: [...study.params, 'value'], title: null },
      y: { field: 'position', type: 'quantitative', axis: null },
      detail: { field: 'trial', type: 'nominal' },
      color: { field: 'value', type: 'quantitative', scale: { scheme: 'viridis', reverse: study.direction === 'minimize' } },
    },
  } as TopLevelSpec;
}

/** The section's charts, named per study (left out when a study has nothing to draw). */
export function tuningChartSpecs(tuning: TuningStudies): Array<{ name: string; title: string; spec: TopLevelSpec; empty: boolean }> {
  return tuning.studies.flatMap((s) => {
    const importance = parameterImportance(s);
    return [
      { name: chartId(s, 'history'), title: `Optimisation history ${s.name}`, spec: historySpec(s), empty: s.trials.length === 0 },
      {
        name: chartId(s, 'importance'),
        title: `Parameter importance ${s.name}`,
        spec: importanceSpec(s, importance),
        empty: importance.length === 0,
      },
      { name: chartId(s, 'parallel'), title: `Parallel coordinates ${s.name}`, spec: parallelSpec(s), empty: complete(s).length === 0 },
    ];
  });
}

const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const counts = (s: TuningStudy) => {
  const by = (state: string) => s.trials.filter((t) => t.state === state).length;
  return `${s.trials.length} trials: ${by('complete')} complete, ${by('pruned')} pruned, ${by('fail')} failed`;
};

function testLine(s: TuningStudy): string {
  if (!s.test) return 'The best trial has no test score yet.';
  const { test, backtest, trials, deflatedSharpe } = s.test;
  return `Best trial on test (scored once): log loss ${fmt(test.logLoss)}, macro F1 ${fmt(test.macroF1)}, accuracy ${fmt(test.accuracy)}, Sharpe ${fmt(backtest.sharpe, 2)} over ${backtest.trades} trades, deflated Sharpe ratio ${fmt(deflatedSharpe, 3)} with N = ${trials} trials.`;
}

/** The section's HTML body (charts looked up by name among the page's rendered charts). */
function tuningHtml(tuning: TuningStudies, charts: ReadonlyMap<string, { title: string; svg: string }>): string {
  const figure = (name: string) => {
    const c = charts.get(name);
    return c ? `<figure class="chart" data-chart="${escapeHtml(name)}" aria-label="${escapeHtml(c.title)}">${c.svg}</figure>` : '';
  };
  const warnings = tuning.warnings.map((w) => `<p class="empty">${escapeHtml(w)}</p>`).join('\n');
  const studies = tuning.studies.map((s) => {
    const best = s.best
      ? `best trial #${s.best.number}: ${fmt(s.best.value)} <code>${escapeHtml(JSON.stringify(s.best.params))}</code>`
      : 'no complete trial';
    return [
      `<h3>${escapeHtml(s.name)}</h3>`,
      `<p>${escapeHtml(`${String(s.meta['model'] ?? '')} ${String(s.meta['symbol'] ?? '')} h${String(s.meta['horizon'] ?? '')}, metric ${String(s.meta['metric'] ?? '')} (${s.direction}), sampler ${s.sampler}, pruner ${s.pruner}; ${counts(s)}`)}; ${best}</p>`,
      `<p>${escapeHtml(testLine(s))}</p>`,
      figure(chartId(s, 'history')),
      figure(chartId(s, 'importance')),
      figure(chartId(s, 'parallel')),
    ].join('\n');
  });
  return [...studies, warnings].filter(Boolean).join('\n');
}

/** The page with the Tuning section (and its nav link) added after the others; unchanged without studies. */
export function withTuningHtml(
  html: string,
  tuning: TuningStudies,
  charts: ReadonlyArray<{ name: string; title: string; svg: string }>,
): string {
  if (tuning.studies.length === 0 && tuning.warnings.length === 0) return html;
  const body = tuningHtml(tuning, new Map(charts.map((c) => [c.name, c])));
  const section = `<section id="${TUNING_SECTION_ID}" data-section="${TUNING_SECTION_ID}">\n<h2>Tuning</h2>\n${body}\n</section>\n`;
  return html.replace('</nav>', `<a href="#${TUNING_SECTION_ID}">Tuning</a></nav>`).replace('</main>', `${section}</main>`);
}

/** The Markdown report's Tuning section; empty without studies. */
export function tuningMarkdown(tuning: TuningStudies): string {
  if (tuning.studies.length === 0) return '';
  const lines = ['', '## Tuning', ''];
  for (const s of tuning.studies) {
    lines.push(`### ${s.name}`, '', `${counts(s)}; sampler ${s.sampler}, pruner ${s.pruner}, ${s.direction}.`, '');
    if (s.best) lines.push(`Best trial #${s.best.number}: ${fmt(s.best.value)} \`${JSON.stringify(s.best.params)}\``, '');
    lines.push(testLine(s), '', '| parameter | importance |', '| --- | --- |');
    for (const r of parameterImportance(s)) lines.push(`| ${r.param} | ${(100 * r.importance).toFixed(1)}% |`);
    lines.push('');
  }
  return lines.join('\n');
}
