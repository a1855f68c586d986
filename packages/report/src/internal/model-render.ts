import { trainEquity, trainSummary } from '@tribar/artifacts';
import type { RenderedChart } from './charts.js';
import { escapeHtml, formatNumber, htmlTable, markdownTable, percent } from './format.js';
import { MODEL_CLASSES, rowShares, type ModelResult, type ModelsSection } from './model-section.js';

/** File name of a result's equity curve in its folder (the trainer's artifact). */
const EQUITY_FILE = trainEquity('m', 's', 1).path.split('/').at(-1) ?? '';

/** The Models section of the HTML page and of `report.md`. */

export const MODELS_SECTION = ['models', 'Models'] as const;
export const MODEL_EQUITY_CHART = 'model-equity';

const MODEL_TABLE_HEADERS = [
  'model',
  'symbol',
  'H',
  'test accuracy',
  'macro F1',
  'log loss',
  'trades',
  'win rate',
  'profit factor',
  'net $',
  'Sharpe',
  'Sortino',
  'max DD $',
  'PSR',
  'DSR',
  'epochs / best',
  'backend',
] as const;

const resultName = (r: Pick<ModelResult, 'model' | 'symbol' | 'horizon'>) => `${r.model} ${r.symbol} H${r.horizon}`;

function epochs(fit: ModelResult['fit']): string {
  if (fit.epochs === null && fit.bestEpoch === null) return '—';
  return `${formatNumber(fit.epochs)} / ${formatNumber(fit.bestEpoch)}${fit.stoppedEarly ? ' (early stop)' : ''}`;
}

/** Columns of the backtest's figures (win rate … DSR): greyed when the backtest made too few trades to mean anything. */
const BACKTEST_FIGURES = [MODEL_TABLE_HEADERS.indexOf('win rate'), MODEL_TABLE_HEADERS.indexOf('DSR')] as const;

/** Whether a result's backtest made fewer than `minTrades` trades (a Sharpe from one trade says nothing). */
const lowSample = (r: ModelResult, minTrades: number) => r.backtest !== null && r.backtest !== undefined && r.backtest.trades < minTrades;

/**
 * One row of the metrics table, as text (the same cells in HTML and Markdown). Sharpe and DSR carry their trade
 * count; a backtest below `minTrades` trades says "n = …, not meaningful" in its trades cell.
 */
function modelTableRow(r: ModelResult, minTrades: number): string[] {
  const b = r.backtest;
  const trades = b?.trades ?? null;
  const n = trades === null ? '' : ` (n = ${formatNumber(trades)})`;
  const profitFactor =
    b === null ? '—' : b.profitFactor === null ? (trades !== null && trades > 0 ? '∞ (no loss)' : '—') : formatNumber(b.profitFactor);
  return [
    r.model,
    r.symbol,
    `H${r.horizon}`,
    percent(r.test?.accuracy),
    formatNumber(r.test?.macroF1, 3),
    formatNumber(r.test?.logLoss, 3),
    trades !== null && lowSample(r, minTrades)
      ? `${formatNumber(trades)} — not meaningful (< ${formatNumber(minTrades)})`
      : formatNumber(trades),
    percent(b?.winRate),
    profitFactor,
    formatNumber(b?.totalUsd),
    b?.sharpe == null ? formatNumber(b?.sharpe) : `${formatNumber(b.sharpe)}${n}`,
    formatNumber(b?.sortino),
    formatNumber(b?.maxDrawdownUsd),
    formatNumber(b?.psr),
    b?.dsr == null ? formatNumber(b?.dsr) : `${formatNumber(b.dsr)}${n}`,
    epochs(r.fit),
    r.backend ?? '—',
  ];
}

/** Confusion cells as `count (row %)`: rows = true class, columns = predicted. */
function confusionRows(confusion: readonly (readonly number[])[], shares = rowShares(confusion)): string[][] {
  return confusion.map((row, t) => [
    MODEL_CLASSES[t] as string,
    ...row.map((count, p) => `${formatNumber(count)} (${percent(shares[t]?.[p])})`),
    formatNumber(row.reduce((a, c) => a + c, 0)),
  ]);
}

const CONFUSION_HEADERS = ['true \\ predicted', ...MODEL_CLASSES, 'rows'];
const TRACKING_HEADERS = ['model', 'symbol', 'H', 'folder'];
const trackingRow = (r: ModelResult) => [r.model, r.symbol, `H${r.horizon}`, r.dir];
// The tracker run ids are not shown: they differ between two runs of one config + seed, and the report's bytes may not.
const TRACKING_NOTE =
  'Every fit was tracked in the run\u2019s `mlruns` store (MLflow file layout), one tracker run per model × symbol × horizon, tagged `tribar.pipelineRun`, `tribar.model`, `tribar.symbol` and `tribar.horizon`; its run id is in the run\u2019s `state.json` (train stage metrics) and log:';
const noEquity = (results: readonly ModelResult[]) => results.filter((r) => r.equityPoints === null);

/** A confusion matrix as an HTML table, each cell shaded by its row share (no script, no chart). */
function confusionHtml(r: ModelResult): string {
  const title = `<h3>${escapeHtml(resultName(r))} <span class="note">test part${r.test?.rows != null ? `, ${formatNumber(r.test.rows)} rows` : ''}</span></h3>`;
  const confusion = r.test?.confusion;
  if (!confusion)
    return `<div class="confusion" data-confusion="${escapeHtml(resultName(r))}">${title}<p class="empty">No confusion matrix.</p></div>`;
  const shares = rowShares(confusion);
  const cells = confusionRows(confusion, shares);
  const head = CONFUSION_HEADERS.map((h, i) => `<th${i > 0 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = cells
    .map((row, t) => {
      const tds = row.map((cell, i) => {
        if (i === 0) return `<th>${escapeHtml(cell)}</th>`;
        const share = shares[t]?.[i - 1];
        const shade = share === undefined ? '' : ` style="background: rgba(76, 120, 168, ${(share * 0.6).toFixed(3)})"`;
        return `<td class="num"${shade}>${escapeHtml(cell)}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="confusion" data-confusion="${escapeHtml(resultName(r))}">${title}<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function warningsHtml(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<h3>Warnings (${warnings.length})</h3><ul class="model-warnings">${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`;
}

function equityHtml(models: ModelsSection, charts: ReadonlyMap<string, RenderedChart>): string {
  const found = charts.get(MODEL_EQUITY_CHART);
  const missing = noEquity(models.results);
  if (!found) return `<p class="empty">No equity curve: no readable <code>${EQUITY_FILE}</code> for any model.</p>`;
  const figure = `<figure class="chart" data-chart="${MODEL_EQUITY_CHART}" aria-label="${escapeHtml(found.title)}">${found.svg}</figure>`;
  const note = missing.length > 0 ? `<p class="note">No equity curve for ${escapeHtml(missing.map(resultName).join(', '))}.</p>` : '';
  return figure + note;
}

/** The body of the HTML Models section. */
export function modelsHtml(models: ModelsSection, charts: ReadonlyMap<string, RenderedChart>): string {
  if (models.results.length === 0) {
    return [`<p class="empty">${trainSummary.path} holds no readable model result.</p>`, warningsHtml(models.warnings)].join('\n');
  }
  return [
    `<p class="note">Each model is fitted on the train part, early-stopped on val and scored once on the test part; its backtest trades the test bars net of the contract costs. PSR/DSR: probabilistic and deflated Sharpe ratio; n: the backtest\u2019s trades. Backtests with fewer than ${formatNumber(models.minTrades)} trades are greyed: their figures are not meaningful.</p>`,
    htmlTable(
      MODEL_TABLE_HEADERS,
      models.results.map((r) => modelTableRow(r, models.minTrades)),
      {
        numericFrom: 3,
        numericTo: MODEL_TABLE_HEADERS.length - 1,
        className: 'nowrap',
        cellClass: (row, column) => {
          const r = models.results[row];
          const greyed =
            column === MODEL_TABLE_HEADERS.indexOf('trades') || (column >= BACKTEST_FIGURES[0] && column <= BACKTEST_FIGURES[1]);
          return r !== undefined && greyed && lowSample(r, models.minTrades) ? 'low-sample' : undefined;
        },
      },
    ),
    equityHtml(models, charts),
    '<h3>Confusion matrices (test part; rows = true class, columns = predicted, % of the row)</h3>',
    `<div class="confusion-grid">${models.results.map(confusionHtml).join('\n')}</div>`,
    `<p class="note">${escapeHtml(TRACKING_NOTE).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`,
    htmlTable(TRACKING_HEADERS, models.results.map(trackingRow), { numericFrom: TRACKING_HEADERS.length, className: 'nowrap' }),
    warningsHtml(models.warnings),
  ].join('\n');
}

/** The Models section of `report.md` (empty string when the run has no train stage). */
export function modelsMarkdown(models: ModelsSection): string {
  if (!models.present) return '';
  const parts = ['## Models'];
  if (models.results.length === 0) parts.push(`_${trainSummary.path} holds no readable model result._`);
  else {
    parts.push(
      markdownTable(
        MODEL_TABLE_HEADERS,
        models.results.map((r) => modelTableRow(r, models.minTrades)),
      ),
    );
    const missing = noEquity(models.results);
    if (missing.length > 0) parts.push(`No equity curve for ${missing.map(resultName).join(', ')}.`);
    parts.push('### Confusion matrices (test part; rows = true class, columns = predicted, % of the row)');
    for (const r of models.results) {
      parts.push(
        `#### ${resultName(r)}`,
        r.test?.confusion ? markdownTable(CONFUSION_HEADERS, confusionRows(r.test.confusion)) : '_No confusion matrix._',
      );
    }
    parts.push(TRACKING_NOTE, markdownTable(TRACKING_HEADERS, models.results.map(trackingRow)));
  }
  if (models.warnings.length > 0) parts.push('Model warnings:', models.warnings.map((w) => `- ${w}`).join('\n'));
  return parts.join('\n\n');
}
