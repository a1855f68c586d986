import type { RenderedChart } from './charts.js';
import { escapeHtml, formatNumber, htmlTable, percent } from './format.js';
import type { ReportModel } from './model.js';
import { MODELS_SECTION, modelsHtml } from './model-render.js';
import { rollAdjustmentLine } from './shape.js';
import { TEARSHEET_SECTION, tearsheetsHtml } from './tearsheet-render.js';
import { DIAGNOSTICS_SECTION, diagnosticsHtml, trainingTablesHtml } from './ml-render.js';

/** The HTML page: one file, inline CSS and SVG, no script and no external URL. */

const table = (headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>, numericFrom = 1): string =>
  htmlTable(headers, rows, { numericFrom });

/** A titled bullet list, the first `limit` items and a count of the rest. */
function list(title: string, items: readonly string[], limit = 25): string {
  if (items.length === 0) return '';
  const more = items.length > limit ? `<li class="note">… and ${items.length - limit} more</li>` : '';
  return `<h3>${escapeHtml(title)} (${items.length})</h3><ul>${items
    .slice(0, limit)
    .map((item) => `<li>${escapeHtml(item)}</li>`)
    .join('')}${more}</ul>`;
}

const keyValue = (rows: ReadonlyArray<readonly [string, string]>) => table(['key', 'value'], rows, 2);

function chart(charts: ReadonlyMap<string, RenderedChart>, name: string, absent: string): string {
  const found = charts.get(name);
  if (!found) return `<p class="empty">${escapeHtml(absent)}</p>`;
  return `<figure class="chart" data-chart="${escapeHtml(name)}" aria-label="${escapeHtml(found.title)}">${found.svg}</figure>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" data-section="${id}">\n<h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; opacity: .8; font-size: 13px; }
nav { padding: 8px 32px; background: #e9ecf1; font-size: 13px; position: sticky; top: 0; }
nav a { margin-right: 14px; color: #1d2330; }
main { padding: 8px 32px 40px; max-width: 1240px; }
section { background: #fff; border: 1px solid #e1e4ea; border-radius: 6px; padding: 12px 20px 16px; margin: 16px 0; overflow-x: auto; }
h2 { font-size: 17px; margin: 4px 0 10px; }
h3 { font-size: 14px; margin: 10px 0 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #edf0f4; text-align: left; vertical-align: top; max-width: 760px; overflow-wrap: anywhere; }
th, td.num { white-space: nowrap; }
th { background: #f3f5f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 8px 0; }
figure.chart svg { max-width: 100%; height: auto; }
.empty, .note { color: #6b7280; font-size: 13px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.pass { background: #dcf3e3; color: #1b6b34; } .fail { background: #fbe0e0; color: #9b1c1c; } .warn { background: #fff1cc; color: #7a5500; }
ul { margin: 4px 0 8px; font-size: 13px; }
table.nowrap td, table.nowrap th { white-space: nowrap; overflow-wrap: normal; }
td.low-sample { color: #9ca3af; }
.confusion-grid { display: flex; flex-wrap: wrap; gap: 4px 28px; }
.metric-grid { display: flex; flex-wrap: wrap; gap: 0 24px; }
.low-sample-note { color: #9ca3af; font-size: 13px; font-weight: 600; }
.tearsheet { border-top: 1px solid #e1e4ea; margin-top: 12px; }
.scroll { overflow-x: auto; max-width: 100%; }
.diagnostics { border-top: 1px solid #e1e4ea; margin-top: 12px; }
.zone { margin-left: 10px; font-size: 12px; }
h4 { font-size: 13px; margin: 8px 0 2px; }
code { font-size: 12px; background: #f3f5f8; padding: 0 3px; border-radius: 3px; }
`;

function statusBadge(status: string | null): string {
  if (status === null) return '<span class="badge warn">unknown</span>';
  const kind = /^(pass|passed|ok|completed|success)$/i.test(status) ? 'pass' : /fail|error/i.test(status) ? 'fail' : 'warn';
  return `<span class="badge ${kind}">${escapeHtml(status)}</span>`;
}

export const SECTIONS = [
  ['summary', 'Run summary'],
  ['config', 'Configuration'],
  ['pipeline', 'Pipeline stages'],
  ['data-health', 'Data health'],
  ['labels', 'Labels'],
  ['ga', 'GA convergence'],
  ['splits', 'Splits'],
  ['correlation', 'Feature correlation'],
  ['scaling', 'Scaling'],
  ['validation', 'Validation'],
  ['backtest', 'Baseline backtest'],
] as const;

export function htmlPage(model: ReportModel, renderedCharts: readonly RenderedChart[]): string {
  const charts = new Map(renderedCharts.map((c) => [c.name, c]));
  const s = model.summary;
  const summary = [
    s.description ? `<p>${escapeHtml(s.description)}</p>` : '',
    table(
      ['symbol', 'rows (labelled)'],
      s.symbols.map((symbol) => [symbol, formatNumber(s.rows[symbol])]),
    ),
    keyValue([
      ['run status', s.status ?? '—'],
      ['horizons (bars)', s.horizons.join(', ')],
      ['bar length', `${s.barMinutes} min`],
      ['seed', formatNumber(s.seed)],
    ]),
    model.missing.length > 0 ? `<p class="note">Not found in the run folder: ${escapeHtml(model.missing.join(', '))}</p>` : '',
  ].join('\n');
  const health = [
    chart(charts, 'data-health', 'No ingest or clean report.'),
    table(
      ['symbol', 'bars in', 'bars out', 'repairs', 'filled gaps', 'filled bars', 'long gaps', 'long-gap bars', 'rolls', 'outliers flagged'],
      model.health.map((r) => [
        r.symbol,
        ...[r.barsIn, r.barsOut, r.repairs, r.filledGaps, r.filledBars, r.longGaps, r.longGapBars, r.rolls, r.outliersFlagged].map((v) =>
          formatNumber(v),
        ),
      ]),
    ),
    ((line) => (line ? `<p>${escapeHtml(line)}</p>` : ''))(rollAdjustmentLine(model.health)),
    model.health.some((r) => r.rollDetails.length > 0)
      ? `<ul>${model.health.flatMap((r) => r.rollDetails.map((d) => `<li>${escapeHtml(r.symbol)} roll: ${escapeHtml(d)}</li>`)).join('')}</ul>`
      : '',
  ].join('\n');
  const labelTable = table(
    ['symbol', 'horizon', 'short', 'neutral', 'long', 'invalid (−99)'],
    s.symbols
      .flatMap((symbol) => s.horizons.map((h) => [symbol, h] as const))
      .map(([symbol, h]) => {
        const share = (label: string) => {
          const row = model.labelMix.find((r) => r.symbol === symbol && r.horizon === h && r.label === label);
          return row ? `${formatNumber(row.count)} (${percent(row.share)})` : '—';
        };
        return [symbol, `H${h}`, share('short'), share('neutral'), share('long'), share('invalid')];
      }),
  );
  const labels = [
    chart(charts, 'label-mix', 'No label files.'),
    labelTable,
    chart(charts, 'bars-to-hit', 'No bars-to-hit columns.'),
    chart(charts, 'quality', 'No quality columns.'),
  ].join('\n');
  const ga = [
    table(
      ['series', 'kUp', 'kDown', 'maxBars', 'fitness', 'valid'],
      model.ga.map((r) => [
        r.series,
        formatNumber(r.kUp),
        formatNumber(r.kDown),
        formatNumber(r.maxBars),
        formatNumber(r.fitness, 3),
        r.valid === null ? '—' : r.valid ? 'yes' : 'no',
      ]),
    ),
    chart(charts, 'ga-convergence', 'No GA convergence records.'),
  ].join('\n');
  const correlation = [...charts.keys()]
    .filter((name) => name.startsWith('correlation-'))
    .map((name) => chart(charts, name, ''))
    .join('\n');
  const v = model.validation;
  const validation = v.present
    ? [
        `<p>Status: ${statusBadge(v.status)}</p>`,
        v.issues.length > 0 ? list('Issues', v.issues) : '<p class="note">No issues.</p>',
        v.warnings.length > 0 ? list('Warnings', v.warnings) : '<p class="note">No warnings.</p>',
        table(
          ['check', 'status', 'detail'],
          v.checks.map((c) => [c.name, c.status, c.detail]),
          3,
        ),
      ].join('\n')
    : '<p class="empty">No validate/report.json in this run.</p>';
  const backtest = [
    '<p class="note">A sanity check of the labels, not a model: on the test rows, hold the realised label from entry to its end bar, one position at a time, net of the round-trip cost. Sharpe: mean / sd of per-trade net returns × √(trades per year), a year = 252 sessions × 23 h.</p>',
    table(
      [
        'symbol',
        'horizon',
        'test rows',
        'trades',
        'win rate',
        'profit factor',
        'Sharpe',
        'net points',
        'net ticks',
        'net USD',
        'max DD USD',
        'avg bars',
        'cost/trade (pts)',
      ],
      model.backtest.map((r) => [
        r.symbol,
        `H${r.horizon}`,
        formatNumber(r.testRows),
        formatNumber(r.trades),
        percent(r.winRate),
        r.profitFactor === null ? (r.trades > 0 ? '∞ (no loss)' : '—') : formatNumber(r.profitFactor),
        formatNumber(r.sharpe),
        formatNumber(r.totalPoints),
        formatNumber(r.totalTicks, 1),
        formatNumber(r.totalUsd),
        formatNumber(r.maxDrawdownUsd),
        formatNumber(r.averageBarsHeld, 1),
        formatNumber(r.cost.roundTripPrice, 4),
      ]),
    ),
    chart(charts, 'backtest-equity', 'No split files: the backtest needs the test rows.'),
  ].join('\n');
  const bodies: Record<
    (typeof SECTIONS)[number][0] | (typeof MODELS_SECTION)[0] | (typeof TEARSHEET_SECTION)[0] | (typeof DIAGNOSTICS_SECTION)[0],
    string
  > = {
    summary,
    config: keyValue(model.config),
    pipeline: table(
      ['stage', 'status', 'outputs'],
      model.stages.map((r) => [r.name, r.status, formatNumber(r.outputs)]),
      2,
    ),
    'data-health': health,
    labels,
    ga,
    splits: [
      chart(charts, 'split-timeline', 'No split files.'),
      model.splits.counts.length > 0
        ? table(
            ['symbol', 'horizon', 'train', 'val', 'test', 'purged', 'embargoed', 'invalid'],
            model.splits.counts.map((r) => [
              r.symbol,
              `H${r.horizon}`,
              ...[r.train, r.val, r.test, r.purged, r.embargoed, r.invalid].map((v) => formatNumber(v)),
            ]),
          )
        : '',
      model.splits.present ? keyValue(model.splits.rows) : '<p class="empty">No splits/split.json in this run.</p>',
    ].join('\n'),
    correlation: correlation || '<p class="empty">No feature columns.</p>',
    scaling: model.scaling.present
      ? [
          chart(charts, 'scaling', 'No features per scaler in the scaling report.'),
          keyValue(model.scaling.rows),
          list('Warnings', model.scaling.warnings),
        ].join('\n')
      : '<p class="empty">No scale/report.json in this run.</p>',
    validation,
    backtest,
    models: model.models.present ? modelsHtml(model.models, charts) + trainingTablesHtml(model.diagnostics.results) : '',
    tearsheets: model.models.present ? tearsheetsHtml(model.tearsheets, charts, s.timeZone) : '',
    diagnostics: model.models.present ? diagnosticsHtml(model.diagnostics, charts) : '',
  };
  // A run without a train stage has no Models or tearsheet section at all (Phase 1 reports stay as they were).
  const sections: ReadonlyArray<readonly [keyof typeof bodies, string]> = model.models.present
    ? [...SECTIONS, MODELS_SECTION, TEARSHEET_SECTION, DIAGNOSTICS_SECTION]
    : SECTIONS;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tribar run report</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Tribar run report</h1><p>${statusBadge(s.status)} <span class="zone">Times in tables: ${escapeHtml(s.timeZone)}</span></p></header>
<nav>${sections.map(([id, title]) => `<a href="#${id}">${escapeHtml(title)}</a>`).join('')}</nav>
<main>
${sections.map(([id, title]) => section(id, title, bodies[id])).join('\n')}
</main>
</body>
</html>
`;
}
