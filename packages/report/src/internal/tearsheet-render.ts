import type { ReportTearsheetEntry } from '@tribar/artifacts';
import type { RenderedChart } from './charts.js';
import { escapeHtml, formatNumber, htmlTable, markdownTable } from './format.js';
import { TEARSHEET_CHARTS, tearsheetChartName } from './tearsheet-charts.js';
import { TEARSHEET_TRADES } from './tearsheet.js';

/** The Backtest tearsheets section of the HTML page and of `report.md`: numbers formatted for people. */

export const TEARSHEET_SECTION = ['tearsheets', 'Backtest tearsheets'] as const;

type Stats = ReportTearsheetEntry['stats'];
type Num = number | null | undefined;

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/**
 * An ISO date and time in the run's zone (`data.timezone`): `2026-01-05 14:00 UTC`, `2026-01-05 08:00 CST`;
 * '—' without a time.
 */
export function isoTime(ms: Num, timeZone = 'UTC'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (timeZone === 'UTC') return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const parts = Object.fromEntries(
    zoneFormat(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']} ${parts['timeZoneName']}`;
}

/** A duration in days, hours and minutes (`2d 3h 5m`, `45m`, `0m`); '—' when undefined. */
export function duration(ms: Num): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  const parts = [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 || (d === 0 && h === 0) ? `${m}m` : ''].filter(Boolean);
  return (ms < 0 ? '−' : '') + parts.join(' ');
}

const pct = (value: Num, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(digits)} %`;
const usd = (value: Num) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : `$${formatNumber(value)}`);
const sampleNote = (s: Stats) => `n = ${formatNumber(s.trades)}, not meaningful`;

/**
 * The `backtestStats` figures as `[label, value, depends on the trades]` rows. Sharpe and DSR carry their trade count;
 * below `minTrades` trades every figure that depends on them is greyed.
 */
export function metricRows(s: Stats, zone = 'UTC'): Array<[string, string, boolean]> {
  const n = ` (n = ${formatNumber(s.trades)})`;
  return [
    ['Start', isoTime(s.start, zone), false],
    ['End', isoTime(s.end, zone), false],
    ['Duration', duration(s.durationMs), false],
    ['Bars', formatNumber(s.bars), false],
    ['Exposure time', pct(s.exposurePct, 1), true],
    ['Equity final', usd(s.equityFinal), true],
    ['Equity peak', usd(s.equityPeak), true],
    ['Return', pct(s.returnPct), true],
    ['Buy & hold return', pct(s.buyHoldReturnPct), false],
    ['Return (ann.)', pct(s.annualReturnPct), true],
    ['Volatility (ann.)', pct(s.annualVolatilityPct), true],
    ['CAGR', pct(s.cagrPct), true],
    ['Sharpe ratio', `${formatNumber(s.sharpe)}${n}`, true],
    ['Sortino ratio', formatNumber(s.sortino), true],
    ['Calmar ratio', formatNumber(s.calmar), true],
    ['Max drawdown', pct(s.maxDrawdownPct), true],
    ['Avg drawdown', pct(s.avgDrawdownPct), true],
    ['Max drawdown duration', duration(s.maxDrawdownDurationMs), true],
    ['Avg drawdown duration', duration(s.avgDrawdownDurationMs), true],
    ['Trades', formatNumber(s.trades), true],
    ['Win rate', pct(s.winRatePct, 1), true],
    ['Best trade', pct(s.bestTradePct, 3), true],
    ['Worst trade', pct(s.worstTradePct, 3), true],
    ['Avg trade', pct(s.avgTradePct, 3), true],
    ['Expectancy', `${pct(s.expectancyPct, 3)} (${usd(s.expectancy)})`, true],
    ['Max trade duration', duration(s.maxTradeDurationMs), true],
    ['Avg trade duration', duration(s.avgTradeDurationMs), true],
    ['Profit factor', formatNumber(s.profitFactor), true],
    ['SQN', formatNumber(s.sqn), true],
    ['Kelly criterion', formatNumber(s.kelly, 3), true],
    ['Costs', usd(s.costs), true],
    ['PSR', formatNumber(s.psr, 3), true],
    ['DSR', `${formatNumber(s.dsr, 3)}${n}`, true],
    ['Min track record (bars)', formatNumber(s.minTrackRecordPeriods === null ? null : Math.ceil(s.minTrackRecordPeriods)), true],
  ];
}

const DRAWDOWN_HEADERS = ['#', 'peak', 'trough', 'recovered', 'depth', 'duration'];
const drawdownRows = (t: ReportTearsheetEntry, zone: string) =>
  t.worstDrawdowns.map((d, i) => [
    String(i + 1),
    isoTime(d.peak, zone),
    isoTime(d.trough, zone),
    d.recovery === null ? 'not recovered' : isoTime(d.recovery, zone),
    pct(d.depthPct),
    duration(d.durationMs),
  ]);

const TRADE_HEADERS = ['#', 'entry', 'exit', 'side', 'size', 'entry price', 'exit price', 'PnL ticks', 'PnL $', 'duration', 'closed by'];
/** The trade list's rows (the first `TEARSHEET_TRADES` of `trades.arrow`). */
const tradeRows = (t: ReportTearsheetEntry, zone: string) =>
  t.trades.map((trade, i) => [
    String(i + 1),
    isoTime(trade.entryTime, zone),
    isoTime(trade.exitTime, zone),
    trade.side === null ? '—' : trade.side > 0 ? 'long' : 'short',
    formatNumber(trade.size),
    formatNumber(trade.entryPrice),
    formatNumber(trade.exitPrice),
    formatNumber(trade.pnlTicks, 1),
    formatNumber(trade.pnlUsd),
    duration(trade.durationMs),
    trade.exit,
  ]);

const title = (t: ReportTearsheetEntry) => `${t.model} ${t.symbol} H${t.horizon}`;
const tradesNote = (t: ReportTearsheetEntry, zone: string) =>
  `Trades: the first ${formatNumber(Math.min(TEARSHEET_TRADES, t.trades.length))} of ${formatNumber(t.stats.trades)}, times in ${zone}; PnL net of costs; closed by the upper or lower barrier (by price), the timeout, an opposite signal or the end of the data.`;
const basisNote = (t: ReportTearsheetEntry) =>
  `Test part, one contract; equity starts from its notional at the first test close (${usd(t.initialEquity)}), per-bar returns annualised with ${formatNumber(t.annualization.periodsPerYear)} bars a year; statistics by backtestStats (@tribar/quant).`;

/** What the week chart shows, or why it is missing. */
const weekNote = (t: ReportTearsheetEntry) =>
  t.week === null || t.week.missing !== null
    ? `No price chart of a week: ${t.week?.missing ?? 'not drawn'}.`
    : `Price chart: the UTC week (from Monday 00:00 UTC) of the test part with the most trade entries (${formatNumber(t.week.trades)}), ${formatNumber(t.week.bars)} bars drawn as ${t.week.mode === 'ohlc' ? 'OHLC bars' : 'the close (at most 800 points: each bucket\u2019s low and high)'}; dashed: each trade\u2019s upper (entry + ${formatNumber(t.week.barrier?.kUp)}·ATR) and lower (entry − ${formatNumber(t.week.barrier?.kDown)}·ATR) barrier up to the vertical barrier (grey, ${formatNumber(t.week.barrier?.maxBars)} bars after the signal).`;

function chartHtml(charts: ReadonlyMap<string, RenderedChart>, name: string): string {
  const found = charts.get(name);
  if (!found) return '';
  return `<figure class="chart" data-chart="${escapeHtml(name)}" aria-label="${escapeHtml(found.title)}">${found.svg}</figure>`;
}

function tearsheetHtml(t: ReportTearsheetEntry, charts: ReadonlyMap<string, RenderedChart>, zone: string): string {
  const low = t.stats.lowSample;
  const rows = metricRows(t.stats, zone);
  // Three side-by-side key–value tables keep the metric block short.
  const third = Math.ceil(rows.length / 3);
  const metricTables = [0, 1, 2]
    .map((k) => {
      const part = rows.slice(k * third, (k + 1) * third);
      return htmlTable(
        ['metric', 'value'],
        part.map(([label, value]) => [label, value]),
        { numericFrom: 1, className: 'nowrap', cellClass: (r, c) => (low && c === 1 && part[r]?.[2] ? 'low-sample' : undefined) },
      );
    })
    .join('');
  return [
    `<div class="tearsheet" data-tearsheet="${escapeHtml(title(t))}">`,
    `<h3>${escapeHtml(title(t))}</h3>`,
    low
      ? `<p class="low-sample-note">${escapeHtml(sampleNote(t.stats))}: fewer than ${formatNumber(t.stats.minTrades)} trades, the greyed figures say nothing.</p>`
      : '',
    `<p class="note">${escapeHtml(basisNote(t))}</p>`,
    `<div class="metric-grid">${metricTables}</div>`,
    ...TEARSHEET_CHARTS.filter((c) => c !== 'distribution').map((c) => chartHtml(charts, tearsheetChartName(t, c))),
    `<p class="note">${escapeHtml(weekNote(t))}</p>`,
    '<h4>Five worst drawdowns</h4>',
    htmlTable(DRAWDOWN_HEADERS, drawdownRows(t, zone), { numericFrom: 4, className: 'nowrap' }),
    `<h4>Trade list</h4><p class="note">${escapeHtml(tradesNote(t, zone))}</p>`,
    `<div class="scroll">${htmlTable(TRADE_HEADERS, tradeRows(t, zone), { numericFrom: 4, numericTo: 10, className: 'nowrap' })}</div>`,
    chartHtml(charts, tearsheetChartName(t, 'distribution')),
    '</div>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** The body of the HTML tearsheet section. */
export function tearsheetsHtml(
  tearsheets: { results: ReportTearsheetEntry[]; warnings: string[] },
  charts: ReadonlyMap<string, RenderedChart>,
  zone = 'UTC',
): string {
  const warnings =
    tearsheets.warnings.length > 0
      ? `<ul class="model-warnings">${tearsheets.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
      : '';
  if (tearsheets.results.length === 0) return `<p class="empty">No tearsheet: no readable trade list.</p>${warnings}`;
  return [
    '<p class="note">Per model × symbol × horizon, the backtest of its test-part predictions (the Models section\u2019s backtest), with every figure of backtesting.py\u2019s and quantstats\u2019 core statistics. The label-oracle baseline is a sanity check of the labels and stays in its own section.</p>',
    ...tearsheets.results.map((t) => tearsheetHtml(t, charts, zone)),
    warnings,
  ].join('\n');
}

/** The tearsheet section of `report.md` (empty when there is no tearsheet and nothing to say). */
export function tearsheetsMarkdown(tearsheets: { results: ReportTearsheetEntry[]; warnings: string[] }, zone = 'UTC'): string {
  if (tearsheets.results.length === 0 && tearsheets.warnings.length === 0) return '';
  const parts = [`## ${TEARSHEET_SECTION[1]}`];
  for (const t of tearsheets.results) {
    parts.push(`### ${title(t)}`);
    if (t.stats.lowSample) parts.push(`**${sampleNote(t.stats)}** (fewer than ${formatNumber(t.stats.minTrades)} trades).`);
    parts.push(
      basisNote(t),
      markdownTable(
        ['metric', 'value'],
        metricRows(t.stats, zone).map(([label, value, depends]) => [
          label,
          t.stats.lowSample && depends ? `${value} (${sampleNote(t.stats)})` : value,
        ]),
      ),
      '#### Monthly returns (UTC months)',
      markdownTable(
        ['month', 'return'],
        t.monthlyReturns.map((m) => [m.month, pct(m.returnPct)]),
      ),
      '#### Five worst drawdowns',
      markdownTable(DRAWDOWN_HEADERS, drawdownRows(t, zone)),
      '#### Trade list',
      tradesNote(t, zone),
      markdownTable(TRADE_HEADERS, tradeRows(t, zone)),
    );
  }
  if (tearsheets.warnings.length > 0) parts.push('Tearsheet warnings:', tearsheets.warnings.map((w) => `- ${w}`).join('\n'));
  return parts.join('\n\n');
}
