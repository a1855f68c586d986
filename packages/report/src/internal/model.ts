import {
  STAGE,
  type ReportDiagnosticsEntry,
  type ReportTearsheetEntry,
  type RunState,
  type ScaleReportFile,
  type SplitSummaryFile,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import {
  SPLIT_ZONES,
  barMinutes,
  backtestRows,
  healthRows,
  labelMixRows,
  stageRows,
  type BacktestRow,
  type HealthRow,
  type LabelMixRow,
  type StageRow,
} from './shape.js';
import type { ModelsSection } from './model-section.js';
import { isObject, type RunData } from './run-data.js';
import { buildTearsheets, type Tearsheets } from './tearsheet.js';
import { buildAllDiagnostics, type DiagnosticsSet } from './ml-views.js';
import { isoTime } from './tearsheet-render.js';

/** What `report/report.json` holds: every table of the report, no charts. */
export interface ReportModel {
  summary: {
    description: string | null;
    status: string | null;
    symbols: string[];
    horizons: number[];
    barMinutes: number;
    seed: number | null;
    /** IANA zone of every time in the tables (`data.timezone`). */
    timeZone: string;
    rows: Record<string, number>;
  };
  config: Array<[string, string]>;
  stages: StageRow[];
  health: HealthRow[];
  labelMix: LabelMixRow[];
  ga: Array<{
    series: string;
    kUp: number | null;
    kDown: number | null;
    maxBars: number | null;
    fitness: number | null;
    valid: boolean | null;
  }>;
  splits: { present: boolean; rows: Array<[string, string]>; counts: SplitCountRow[] };
  scaling: { present: boolean; rows: Array<[string, string]>; byScaler: Array<{ scaler: string; features: number }>; warnings: string[] };
  validation: {
    present: boolean;
    status: string | null;
    issues: string[];
    warnings: string[];
    checks: Array<{ name: string; status: string; detail: string }>;
  };
  backtest: Array<Omit<BacktestRow, 'equity'>>;
  /** The trained models (`train/summary.json`); `present: false` for a run without a train stage. */
  models: ModelsSection;
  /** The backtest tearsheet of every model × symbol × horizon whose trades could be read, and why the others have none. */
  tearsheets: { results: ReportTearsheetEntry[]; warnings: string[] };
  /** The ML views of every model × symbol × horizon, and the files that could not be read. */
  diagnostics: { results: ReportDiagnosticsEntry[]; warnings: string[] };
  /** Artifacts the report looked for and did not find. */
  missing: string[];
}

function display(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '');
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** `a.b.c → value` rows of an object's scalars (arrays of scalars inline), at most `limit`. */
export function flattenScalars(value: unknown, limit = 60, prefix = '', depth = 0): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (!isObject(value)) return prefix ? [[prefix, display(value)]] : rows;
  for (const [key, child] of Object.entries(value)) {
    if (rows.length >= limit) break;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(child) && depth < 3) rows.push(...flattenScalars(child, limit - rows.length, path, depth + 1));
    else rows.push([path, display(child)]);
  }
  return rows.slice(0, limit);
}

/** A finding as one line: `[check] MES H5 feature: message` (strings kept as they are). */
function findingText(item: unknown): string {
  if (typeof item === 'string') return item;
  if (!isObject(item) || typeof item['message'] !== 'string') return display(item);
  const where = [
    typeof item['symbol'] === 'string' ? item['symbol'] : '',
    typeof item['horizon'] === 'number' ? `H${item['horizon']}` : '',
    typeof item['feature'] === 'string' ? item['feature'] : '',
  ].filter(Boolean);
  const check = typeof item['check'] === 'string' ? `[${item['check']}] ` : '';
  return `${check}${where.length > 0 ? `${where.join(' ')}: ` : ''}${item['message']}`;
}

function textList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(findingText) : [];
}

function findingChecks(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.filter(isObject).map((item) => String(item['check'])) : []);
}

function checkStatus(check: unknown): string {
  if (typeof check === 'boolean') return check ? 'pass' : 'fail';
  if (!isObject(check)) return display(check);
  if (typeof check['status'] === 'string') return check['status'];
  if (typeof check['passed'] === 'boolean') return check['passed'] ? 'pass' : 'fail';
  if (typeof check['ok'] === 'boolean') return check['ok'] ? 'pass' : 'fail';
  return '—';
}

function checkDetail(check: unknown): string {
  if (!isObject(check)) return '';
  const { status: _s, passed: _p, ok: _o, name: _n, ...rest } = check;
  return typeof check['message'] === 'string' ? check['message'] : Object.keys(rest).length > 0 ? display(rest) : '';
}

/**
 * Validation checks as rows, whether the report lists them or keys them by name. A check without
 * its own status is `fail` when an issue names it, `warn` when a warning does, else `pass`.
 */
export function checkRows(
  checks: unknown,
  findings: { issues?: unknown; warnings?: unknown } = {},
): Array<{ name: string; status: string; detail: string }> {
  const failed = findingChecks(findings.issues);
  const warned = findingChecks(findings.warnings);
  const status = (name: string, check: unknown) => {
    const own = checkStatus(check);
    if (own !== '—') return own;
    return failed.has(name) ? 'fail' : warned.has(name) ? 'warn' : 'pass';
  };
  if (Array.isArray(checks)) {
    return checks.map((check, i) => {
      const name = isObject(check) && typeof check['name'] === 'string' ? check['name'] : `check ${i + 1}`;
      return { name, status: status(name, check), detail: checkDetail(check) };
    });
  }
  if (isObject(checks))
    return Object.entries(checks).map(([name, check]) => ({ name, status: status(name, check), detail: checkDetail(check) }));
  return [];
}

interface SplitCountRow {
  symbol: string;
  horizon: number;
  train: number;
  val: number;
  test: number;
  purged: number;
  embargoed: number;
  invalid: number;
}

/** Rows per split zone, counted from the split columns themselves. */
function splitCountRows(data: Pick<RunData, 'columns' | 'horizons'>): SplitCountRow[] {
  const rows: SplitCountRow[] = [];
  for (const c of data.columns) {
    for (const h of data.horizons) {
      const split = c.split.get(h);
      if (!split) continue;
      const row: SplitCountRow = { symbol: c.symbol, horizon: h, train: 0, val: 0, test: 0, purged: 0, embargoed: 0, invalid: 0 };
      for (const code of split) {
        const zone = SPLIT_ZONES[code] as keyof Omit<SplitCountRow, 'symbol' | 'horizon'> | undefined;
        if (zone !== undefined) row[zone]++;
      }
      rows.push(row);
    }
  }
  return rows;
}

/** The scaling report's headline: cut, policy, leakage check, options, features per category and scaler, rows per split. */
function scalingSummary(scale: ScaleReportFile | undefined): ReportModel['scaling'] {
  if (scale === undefined) return { present: false, rows: [], byScaler: [], warnings: [] };
  const rows: Array<[string, string]> = [
    ['trainEndIso', scale.trainEndIso],
    ['clipPolicy', scale.clipPolicy],
    ['leakageCheck.ok', display(scale.leakageCheck.ok)],
    ...flattenScalars(scale.options, 20, 'options'),
  ];
  for (const [category, names] of Object.entries(scale.featuresByCategory)) rows.push([`features in ${category}`, String(names.length)]);
  rows.push(['log-transformed features', String(scale.logFeatures.length)]);
  for (const [symbol, entry] of Object.entries(scale.symbols)) {
    rows.push([
      `${symbol} rows by split`,
      Object.entries(entry.rowsBySplit)
        .map(([k, v]) => `${k} ${display(v)}`)
        .join(', '),
    ]);
  }
  const byScaler = Object.entries(scale.featuresByScaler).map(([scaler, names]) => ({ scaler, features: names.length }));
  return { present: true, rows, byScaler, warnings: scale.warnings.map(findingText) };
}

function gaRows(data: Pick<RunData, 'gaSummary' | 'symbols' | 'horizons'>): ReportModel['ga'] {
  const rows: ReportModel['ga'] = [];
  for (const symbol of data.symbols) {
    for (const h of data.horizons) {
      const result = data.gaSummary?.results[symbol]?.[String(h)];
      if (!result) continue;
      rows.push({
        series: `${symbol} H${h}`,
        kUp: result.kUp,
        kDown: result.kDown,
        maxBars: result.maxBars,
        fitness: result.fitness,
        valid: result.valid,
      });
    }
  }
  return rows;
}

/** The config paths the report's Configuration table shows (each declared in the stage's `configKeys`). */
export const CONFIG_TABLE_KEYS = [
  'timeframes',
  'horizons',
  'splits',
  'labels.sameBarRule',
  'labels.costAware',
  'ga.enabled',
  'ga.populationSize',
  'ga.generations',
  'scaling.defaultScaler',
  'contracts',
] as const;

function configRows(config: RunConfig): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const key of CONFIG_TABLE_KEYS) {
    const value = key.split('.').reduce<unknown>((node, part) => (isObject(node) ? node[part] : undefined), config);
    if (value === undefined) continue;
    if (isObject(value)) rows.push(...flattenScalars(value, 30, key));
    else rows.push([key, display(value)]);
  }
  return rows;
}

/** An ISO date-time string (`2026-01-05T14:00:00.000Z`) as `split.json` writes its cut times. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * `split.json` without its per-symbol summaries (the count table shows them) and code legend; its times
 * (`…Ms` epoch milliseconds and ISO strings) as dates in the run's zone.
 */
function splitRows(split: SplitSummaryFile | undefined, zone: string): Array<[string, string]> {
  if (split === undefined) return [];
  const { symbols: _symbols, codes: _codes, ...rest } = split;
  const flat = Object.entries(rest as Record<string, unknown>);
  const times = new Map<string, string>();
  for (const [key, value] of flat) {
    if (typeof value === 'number' && key.endsWith('Ms')) times.set(key, isoTime(value, zone));
    else if (typeof value === 'string' && ISO_TIME.test(value) && Number.isFinite(Date.parse(value)))
      times.set(key, isoTime(Date.parse(value), zone));
  }
  return flattenScalars(rest, 40).map(([key, value]) => [key, times.get(key) ?? value]);
}

/**
 * The run's status as the report can know it. The report is written by the run's last stage,
 * while `state.json` still says `running`: judge by every other stage instead.
 */
export function runStatusAtReport(state: Pick<RunState, 'status' | 'stages'> | undefined): string | null {
  if (state === undefined) return null;
  const status = state.status;
  if (status !== 'running') return status;
  const stages = Object.values(state.stages).filter((stage) => stage.name !== STAGE.report);
  if (stages.some((stage) => stage.status === 'failed')) return 'failed';
  return stages.length > 0 && stages.every((stage) => stage.status === 'completed') ? 'completed' : 'running';
}

/** The train stage's results as the report shows them (equity curves left to the chart). */
function modelsSection(data: Pick<RunData, 'train' | 'config'>): ModelsSection {
  const train = data.train;
  const minTrades = data.config.report.minTrades;
  if (train === undefined) return { present: false, results: [], warnings: [], minTrades };
  return { present: true, results: train.results.map((result) => ({ ...result })), warnings: [...train.warnings], minTrades };
}

export function buildReportModel(
  data: RunData,
  backtest: readonly BacktestRow[] = backtestRows(data),
  tearsheets: Tearsheets = buildTearsheets(data),
  diagnostics: DiagnosticsSet = buildAllDiagnostics(data),
): ReportModel {
  const first = data.columns[0];
  const validate = data.validate;
  return {
    summary: {
      description: data.config.description,
      status: runStatusAtReport(data.state),
      symbols: data.symbols,
      horizons: data.horizons,
      barMinutes: barMinutes(data.config, first?.timestamp ?? []),
      seed: data.config.seed,
      timeZone: data.config.data.timezone,
      rows: Object.fromEntries(data.columns.map((c) => [c.symbol, c.timestamp.length])),
    },
    config: configRows(data.config),
    stages: stageRows(data.state),
    health: healthRows(data.symbols, data.ingest, data.clean),
    labelMix: data.columns.flatMap((c) =>
      data.horizons.flatMap((h) => (c.label.has(h) ? labelMixRows(c.symbol, h, c.label.get(h) as Float64Array) : [])),
    ),
    ga: gaRows(data),
    splits: { present: data.split !== undefined, rows: splitRows(data.split, data.config.data.timezone), counts: splitCountRows(data) },
    scaling: scalingSummary(data.scale),
    validation: {
      present: validate !== undefined,
      status: validate?.status ?? null,
      issues: textList(validate?.issues),
      warnings: textList(validate?.warnings),
      checks: checkRows(validate?.checks, { issues: validate?.issues, warnings: validate?.warnings }),
    },
    backtest: backtest.map(({ equity: _equity, ...row }) => row),
    models: modelsSection(data),
    tearsheets: { results: tearsheets.results.map((t) => t.entry), warnings: [...tearsheets.warnings] },
    diagnostics: { results: diagnostics.results.map((d) => d.entry), warnings: [...diagnostics.warnings] },
    missing: data.missing,
  };
}
