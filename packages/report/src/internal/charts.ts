import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BacktestRow, ConvergenceRow, CorrelationCell, HealthRow, LabelMixRow, SeriesHistogramRow, SplitSegment } from './shape.js';

/** A chart rendered on the server: inline SVG, no script needed to view it. */
export interface RenderedChart {
  name: string;
  title: string;
  svg: string;
}

const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/** vega-lite → vega → SVG with the headless renderer (`renderer: 'none'`, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vegaSpec = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const LABEL_COLORS = { domain: ['short', 'neutral', 'long', 'invalid'], range: ['#d62728', '#9e9e9e', '#2ca02c', '#ffbf00'] };
const ZONE_COLORS = {
  domain: ['train', 'val', 'test', 'purged', 'embargoed', 'invalid'],
  range: ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#b279a2', '#bab0ac'],
};

export function labelMixSpec(rows: readonly LabelMixRow[]): TopLevelSpec {
  return {
    title: 'Label mix per symbol × horizon',
    data: {
      values: rows.map((row) => ({ ...row, series: `${row.symbol} H${row.horizon}`, rank: LABEL_COLORS.domain.indexOf(row.label) })),
    },
    width: 560,
    height: { step: 26 },
    mark: 'bar',
    encoding: {
      y: { field: 'series', type: 'nominal', title: null, sort: null },
      x: { field: 'share', type: 'quantitative', stack: 'normalize', title: 'share of rows', axis: { format: '%' } },
      color: { field: 'label', type: 'nominal', scale: LABEL_COLORS, title: 'label' },
      order: { field: 'rank', sort: 'ascending' },
      tooltip: [{ field: 'series' }, { field: 'label' }, { field: 'count' }],
    },
  } as TopLevelSpec;
}

/** Facet order as the rows come (symbol, then horizon), not alphabetical (`H20` before `H5`). */
const seriesOrder = (rows: ReadonlyArray<{ series: string }>) => [...new Set(rows.map((row) => row.series))];

function histogramSpec(title: string, xTitle: string, rows: readonly SeriesHistogramRow[]): TopLevelSpec {
  return {
    title,
    data: { values: rows },
    width: 260,
    height: 140,
    facet: { field: 'series', type: 'nominal', title: null, sort: seriesOrder(rows) },
    columns: 4,
    resolve: { scale: { y: 'independent' } },
    spec: {
      mark: { type: 'bar', color: '#4c78a8' },
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: 'binned', title: xTitle },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative', title: 'rows' },
      },
    },
  } as TopLevelSpec;
}

export const barsToHitSpec = (rows: readonly SeriesHistogramRow[]) => histogramSpec('Bars to hit (labels ±1)', 'bars to barrier', rows);
export const qualitySpec = (rows: readonly SeriesHistogramRow[]) => histogramSpec('Label quality', 'quality score', rows);

export function convergenceSpec(rows: readonly ConvergenceRow[]): TopLevelSpec {
  return {
    title: 'GA convergence (fitness per generation)',
    data: { values: rows },
    width: 260,
    height: 160,
    facet: { field: 'series', type: 'nominal', title: null, sort: seriesOrder(rows) },
    columns: 4,
    resolve: { scale: { y: 'independent' } },
    spec: {
      mark: { type: 'line', point: { size: 12 } },
      encoding: {
        x: { field: 'generation', type: 'quantitative' },
        y: { field: 'fitness', type: 'quantitative', scale: { zero: false } },
        color: { field: 'measure', type: 'nominal', title: null, scale: { range: ['#1f77b4', '#ff7f0e'] } },
      },
    },
  } as TopLevelSpec;
}

export function splitTimelineSpec(segments: readonly SplitSegment[]): TopLevelSpec {
  return {
    title: 'Split timeline (purge and embargo zones between the parts)',
    data: { values: segments },
    width: 760,
    height: { step: 24 },
    mark: { type: 'bar', minBandSize: 1 } as never,
    encoding: {
      y: { field: 'track', type: 'nominal', title: null, sort: null },
      x: { field: 'start', type: 'temporal', title: null, scale: { type: 'utc' }, axis: { format: '%b %d', labelOverlap: true } },
      x2: { field: 'end' },
      color: { field: 'zone', type: 'nominal', scale: ZONE_COLORS, title: 'zone' },
      tooltip: [
        { field: 'track' },
        { field: 'zone' },
        { field: 'rows' },
        { field: 'start', type: 'temporal', format: '%Y-%m-%d %H:%M', formatType: 'utc' },
        { field: 'end', type: 'temporal', format: '%Y-%m-%d %H:%M', formatType: 'utc' },
      ],
    },
  } as TopLevelSpec;
}

export function correlationSpec(symbol: string, cells: readonly CorrelationCell[]): TopLevelSpec {
  const names = [...new Set(cells.map((cell) => cell.x))];
  return {
    title: `Feature correlation, ${symbol} (Pearson)`,
    data: { values: cells },
    width: { step: 16 },
    height: { step: 16 },
    mark: 'rect',
    encoding: {
      x: { field: 'x', type: 'nominal', sort: names, title: null, axis: { labelAngle: -60 } },
      y: { field: 'y', type: 'nominal', sort: names, title: null },
      color: { field: 'r', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'redblue', reverse: true }, title: 'r' },
      tooltip: [{ field: 'x' }, { field: 'y' }, { field: 'r', format: '.2f' }],
    },
  } as TopLevelSpec;
}

export function healthSpec(rows: readonly HealthRow[]): TopLevelSpec {
  const values = rows.flatMap((row) =>
    (
      [
        ['repairs', row.repairs],
        ['filled bars', row.filledBars],
        ['long-gap bars', row.longGapBars],
        ['rolls', row.rolls],
        ['outliers flagged', row.outliersFlagged],
      ] as const
    ).map(([measure, count]) => ({ symbol: row.symbol, measure, count: count ?? 0 })),
  );
  return {
    title: 'Data health per symbol',
    data: { values },
    width: 180,
    height: { step: 14 },
    facet: { field: 'measure', type: 'nominal', title: null, sort: null, header: { labelFontSize: 12 } },
    columns: 5,
    resolve: { scale: { x: 'independent' } },
    spec: {
      mark: { type: 'bar', color: '#72b7b2' },
      encoding: {
        y: { field: 'symbol', type: 'nominal', title: null },
        x: { field: 'count', type: 'quantitative', title: 'count', scale: { domain: { unionWith: [0, 1] } } },
      },
    },
  } as TopLevelSpec;
}

export function equitySpec(rows: readonly BacktestRow[]): TopLevelSpec {
  const values = rows
    .filter((row) => row.equity.length > 0)
    .flatMap((row) => [
      { series: `${row.symbol} H${row.horizon}`, trade: 0, usd: 0 },
      ...row.equity.map((usd, i) => ({ series: `${row.symbol} H${row.horizon}`, trade: i + 1, usd })),
    ]);
  return {
    title: 'Label-oracle baseline: cumulative net PnL (USD per contract) on the test part',
    data: { values },
    width: 260,
    height: 150,
    facet: { field: 'series', type: 'nominal', title: null, sort: seriesOrder(values) },
    columns: 4,
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      mark: { type: 'line', color: '#54a24b' },
      encoding: {
        x: { field: 'trade', type: 'quantitative', title: 'trade' },
        y: { field: 'usd', type: 'quantitative', title: 'USD' },
      },
    },
  } as TopLevelSpec;
}

export function scalingSpec(rows: ReadonlyArray<{ scaler: string; features: number }>): TopLevelSpec {
  return {
    title: 'Features per scaler (fitted on train)',
    data: { values: rows },
    width: 360,
    height: { step: 20 },
    mark: { type: 'bar', color: '#9d755d' },
    encoding: {
      y: { field: 'scaler', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'features', type: 'quantitative', title: 'features' },
    },
  } as TopLevelSpec;
}

/** Render every spec; a chart whose data is empty is left out (its section says so). */
export async function renderCharts(
  specs: ReadonlyArray<{ name: string; title: string; spec: TopLevelSpec; empty: boolean }>,
): Promise<RenderedChart[]> {
  // Vega numbers SVG gradient and clip ids with process-wide counters: start them afresh for each page, so its ids
  // are unique within the page and the same bytes come out for the same run, whatever was rendered before.
  vega.resetSVGDefIds();
  const charts: RenderedChart[] = [];
  for (const { name, title, spec, empty } of specs) {
    if (!empty) charts.push({ name, title, svg: await renderSvg(spec) });
  }
  return charts;
}
