import type { ReportModel } from './model.js';
import { markdownTable as table, formatNumber, percent } from './format.js';
import { modelsMarkdown } from './model-render.js';
import { tearsheetsMarkdown } from './tearsheet-render.js';
import { diagnosticsMarkdown, trainingTablesMarkdown } from './ml-render.js';
import { rollAdjustmentLine } from './shape.js';

/** `report/report.md`: the report's tables without the charts (they live in index.html). */
export function markdownReport(model: ReportModel): string {
  const s = model.summary;
  const v = model.validation;
  const parts = [
    `# Tribar run report`,
    `Charts: see \`index.html\` beside this file.`,
    '## Run summary',
    s.description ?? '',
    table(
      ['key', 'value'],
      [
        ['status', s.status ?? '—'],
        ['symbols', s.symbols.map((symbol) => `${symbol} (${formatNumber(s.rows[symbol])} rows)`).join(', ')],
        ['horizons', s.horizons.join(', ')],
        ['bar length', `${s.barMinutes} min`],
        ['seed', formatNumber(s.seed)],
      ],
    ),
    model.missing.length > 0 ? `Not found in the run folder: ${model.missing.join(', ')}` : '',
    '## Configuration',
    table(['key', 'value'], model.config),
    '## Pipeline stages',
    table(
      ['stage', 'status', 'outputs'],
      model.stages.map((r) => [r.name, r.status, String(r.outputs)]),
    ),
    '## Data health',
    table(
      ['symbol', 'repairs', 'filled gaps', 'filled bars', 'long gaps', 'long-gap bars', 'rolls', 'outliers flagged'],
      model.health.map((r) => [
        r.symbol,
        ...[r.repairs, r.filledGaps, r.filledBars, r.longGaps, r.longGapBars, r.rolls, r.outliersFlagged].map((x) => formatNumber(x)),
      ]),
    ),
    ...[rollAdjustmentLine(model.health)].filter((line) => line !== undefined),
    '## Label mix',
    table(
      ['symbol', 'horizon', 'label', 'count', 'share'],
      model.labelMix.map((r) => [r.symbol, `H${r.horizon}`, r.label, formatNumber(r.count), percent(r.share)]),
    ),
    '## GA barriers',
    table(
      ['series', 'kUp', 'kDown', 'maxBars', 'fitness', 'valid'],
      model.ga.map((r) => [
        r.series,
        formatNumber(r.kUp),
        formatNumber(r.kDown),
        formatNumber(r.maxBars),
        formatNumber(r.fitness, 3),
        String(r.valid ?? '—'),
      ]),
    ),
    '## Splits',
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
    model.splits.present ? table(['key', 'value'], model.splits.rows) : '_No splits/split.json._',
    '## Scaling',
    model.scaling.present ? table(['key', 'value'], model.scaling.rows) : '_No scale/report.json._',
    model.scaling.byScaler.length > 0
      ? table(
          ['scaler', 'features'],
          model.scaling.byScaler.map((r) => [r.scaler, String(r.features)]),
        )
      : '',
    ...(model.scaling.warnings.length > 0 ? ['Scaling warnings:', model.scaling.warnings.map((w) => `- ${w}`).join('\n')] : []),
    '## Validation',
    v.present ? `Status: **${v.status ?? 'unknown'}**` : '_No validate/report.json._',
    ...(v.issues.length > 0 ? ['Issues:', v.issues.map((i) => `- ${i}`).join('\n')] : []),
    ...(v.warnings.length > 0 ? ['Warnings:', v.warnings.map((w) => `- ${w}`).join('\n')] : []),
    v.checks.length > 0
      ? table(
          ['check', 'status', 'detail'],
          v.checks.map((c) => [c.name, c.status, c.detail]),
        )
      : '',
    '## Baseline backtest (label oracle, test rows, net of costs)',
    table(
      ['symbol', 'horizon', 'trades', 'win rate', 'profit factor', 'Sharpe', 'net USD', 'max DD USD'],
      model.backtest.map((r) => [
        r.symbol,
        `H${r.horizon}`,
        formatNumber(r.trades),
        percent(r.winRate),
        r.profitFactor === null ? '—' : formatNumber(r.profitFactor),
        formatNumber(r.sharpe),
        formatNumber(r.totalUsd),
        formatNumber(r.maxDrawdownUsd),
      ]),
    ),
    modelsMarkdown(model.models),
    model.models.present ? trainingTablesMarkdown(model.diagnostics.results) : '',
    model.models.present ? tearsheetsMarkdown(model.tearsheets, model.summary.timeZone) : '',
    model.models.present ? diagnosticsMarkdown(model.diagnostics) : '',
  ];
  return parts.filter((part) => part !== '').join('\n\n') + '\n';
}
