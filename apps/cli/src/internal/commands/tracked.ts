import { resolve } from 'node:path';
import { formatRunsTable, Tracker } from '@tribar/tracker';
import type { CliContext, ConfigOptions } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatTable, print } from '../io.js';
import { loadCliConfig } from './config.js';

export interface TrackedOptions extends ConfigOptions {
  tracking?: string;
  experiment?: string;
  metrics?: string[];
  json?: boolean;
}

/** The tracker root: `--tracking`, else the config's `train.tracking.dir`. */
async function openTracker(
  context: CliContext,
  options: TrackedOptions,
): Promise<{ tracker: Tracker; root: string; experiment: string | undefined }> {
  const { config } = await loadCliConfig(context, options);
  const root = resolve(context.io.cwd, options.tracking ?? config.train.tracking.dir);
  return { tracker: await Tracker.open(root), root, experiment: options.experiment };
}

/** `tribar runs list`: tracked training runs, newest first, with their final metrics. */
export async function trackedList(context: CliContext, options: TrackedOptions): Promise<ExitCode> {
  const { tracker, root, experiment } = await openTracker(context, options);
  const runs = await tracker.listRuns(experiment);
  if (options.json) {
    print(context.io.out, JSON.stringify(runs, null, 2));
    return EXIT.ok;
  }
  if (runs.length === 0) {
    print(context.io.out, `no tracked runs in ${root}`);
    return EXIT.ok;
  }
  print(context.io.out, formatRunsTable(runs, { metrics: options.metrics?.length ? options.metrics : DEFAULT_METRICS }));
  return EXIT.ok;
}

/** Metrics shown by default: the ones that compare models at a glance. */
const DEFAULT_METRICS = ['test_accuracy', 'test_macro_f1', 'test_log_loss', 'bt_trades', 'bt_net_usd', 'bt_sharpe', 'bt_dsr'];

/** `tribar runs show <id>`: one tracked run's params, final metrics and tags. */
export async function trackedShow(context: CliContext, id: string, options: TrackedOptions): Promise<ExitCode> {
  const { tracker } = await openTracker(context, options);
  const run = await tracker.getRun(id);
  if (options.json) {
    print(context.io.out, JSON.stringify(run, null, 2));
    return EXIT.ok;
  }
  const out = context.io.out;
  print(out, `run ${run.runId} (${run.runName}) in experiment '${run.experimentName}': ${run.status}`);
  print(out, `folder: ${run.dir}`);
  const section = (title: string, rows: string[][]) => {
    if (rows.length === 0) return;
    print(out, '');
    print(out, formatTable([title, 'value'], rows));
  };
  section(
    'param',
    Object.entries(run.params)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, v]),
  );
  section(
    'metric',
    Object.entries(run.metrics)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, m]) => [k, formatNumber(m.value)]),
  );
  section(
    'tag',
    Object.entries(run.tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, v]),
  );
  return EXIT.ok;
}

/** `tribar runs compare <id…>`: chosen (default: all shared) metrics of several runs side by side. */
export async function trackedCompare(context: CliContext, ids: string[], options: TrackedOptions): Promise<ExitCode> {
  const { tracker } = await openTracker(context, options);
  const runs = await Promise.all(ids.map((id) => tracker.getRun(id)));
  const metrics = options.metrics?.length
    ? options.metrics
    : [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].filter((k) => runs.every((r) => k in r.metrics)).sort();
  print(context.io.out, formatRunsTable(runs, { metrics }));
  return EXIT.ok;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : value.toPrecision(6);
}
