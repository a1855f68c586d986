import { resolve } from 'node:path';
import {
  clearCaches,
  compareRuns,
  getRun,
  latestRun,
  listRuns,
  removeRun,
  removeRunTemporaryFiles,
  runLiveness,
  verifyRun,
  type RunLiveness,
} from '@tribar/pipeline';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatDuration, formatTable, print } from '../io.js';

export interface RunsDirOption {
  runsDir: string;
}

const runsDirOf = (context: CliContext, options: RunsDirOption) => resolve(context.io.cwd, options.runsDir);

export async function runsCommand(context: CliContext, options: RunsDirOption & { json?: boolean }): Promise<ExitCode> {
  const runs = await listRuns(runsDirOf(context, options));
  if (options.json) {
    print(
      context.io.out,
      JSON.stringify(
        runs.map(({ runId, runDir, state }) => ({ runId, runDir, status: state.status, createdAt: state.createdAt })),
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  if (!runs.length) {
    print(context.io.out, `no runs in ${runsDirOf(context, options)}`);
    return EXIT.ok;
  }
  const rows = await Promise.all(
    runs.map(async ({ runId, runDir, state }) => {
      const done = state.order.filter((name) => state.stages[name]?.status === 'completed').length;
      // Only a run whose state says running needs its lock read: live or cut off.
      const status = state.status === 'running' ? describeStatus(state.status, await runLiveness(runDir)) : state.status;
      return [runId, state.createdAt.replace('T', ' ').slice(0, 19), status, `${done}/${state.order.length}`];
    }),
  );
  print(context.io.out, formatTable(['run', 'created (UTC)', 'status', 'stages'], rows));
  return EXIT.ok;
}

export async function statusCommand(
  context: CliContext,
  runId: string | undefined,
  options: RunsDirOption & { verify?: boolean; json?: boolean },
): Promise<ExitCode> {
  const runsDir = runsDirOf(context, options);
  const run = runId ? await getRun(runsDir, runId) : await latestRun(runsDir);
  if (!run) {
    print(context.io.err, `no runs in ${runsDir}`);
    return EXIT.notFound;
  }
  const { state } = run;
  const liveness = await runLiveness(run.runDir);
  if (options.json) print(context.io.out, JSON.stringify({ ...state, live: liveInfo(state.status, liveness) }, null, 2));
  else {
    print(
      context.io.out,
      run.damaged
        ? `run ${run.runId}: damaged state.json (${run.damaged}); \`tribar pipeline --resume --run-id ${run.runId}\` rebuilds it`
        : `run ${run.runId}: ${describeStatus(state.status, liveness)} (created ${state.createdAt}, updated ${state.updatedAt})`,
    );
    const rows = state.order.map((name) => {
      const record = state.stages[name];
      return [
        name,
        record?.status ?? 'pending',
        formatDuration(record?.durationMs),
        String(record?.outputs?.length ?? 0),
        record?.error?.message.split('\n')[0] ?? record?.reason ?? '',
      ];
    });
    if (rows.length) print(context.io.out, formatTable(['stage', 'status', 'duration', 'outputs', 'note'], rows));
  }
  if (!options.verify) return EXIT.ok;
  // Read-only; a damaged state.json or manifest.json is a problem (exit 4), not a crash.
  const { artifacts, problems } = await verifyRun(run.runDir);
  for (const problem of problems) {
    print(context.io.out, `  ${problem.problem}: ${problem.path}${'detail' in problem ? ` (${problem.detail})` : ''}`);
  }
  print(context.io.out, problems.length ? `${problems.length} artifact problem(s)` : `all ${artifacts} artifacts verified`);
  return problems.length ? EXIT.integrity : EXIT.ok;
}

/**
 * `status --json`'s view of the process writing the run: its lock's pid, host and heartbeat (with its age in
 * seconds), whether it is alive, and the status that follows (`interrupted` for a `running` run nobody writes).
 */
function liveInfo(status: string, liveness: RunLiveness) {
  const { holder } = liveness;
  return {
    alive: liveness.live,
    status: liveness.live || status !== 'running' ? status : 'interrupted',
    lock: holder === undefined ? 'none' : holder === null ? 'unreadable' : 'held',
    pid: holder?.pid ?? null,
    host: holder?.host ?? null,
    startedAt: holder?.startedAt ?? null,
    heartbeatAt: holder?.heartbeatAt ?? null,
    heartbeatAgeSeconds: holder ? Math.max(0, Math.round((Date.now() - Date.parse(holder.heartbeatAt)) / 1000)) : null,
  };
}

/** `running` is only true while a live process holds the run's lock; without one the run was cut off. */
function describeStatus(status: string, liveness: RunLiveness): string {
  const { holder } = liveness;
  if (liveness.live && holder) {
    const ago = Math.max(0, Math.round((Date.now() - Date.parse(holder.heartbeatAt)) / 1000));
    return `${status} (live: pid ${holder.pid} on ${holder.host}, heartbeat ${ago} s ago)`;
  }
  if (status !== 'running') return status;
  const last = holder ? `; last holder pid ${holder.pid} on ${holder.host}, heartbeat ${holder.heartbeatAt}` : '';
  return `interrupted (no live process${last})`;
}

export async function compareCommand(
  context: CliContext,
  first: string,
  second: string,
  options: RunsDirOption & { json?: boolean },
): Promise<ExitCode> {
  const runsDir = runsDirOf(context, options);
  const [a, b] = await Promise.all([getRun(runsDir, first), getRun(runsDir, second)]);
  // Bytes of every result file (config, manifest, artifacts), not only what the manifests recorded.
  const diff = await compareRuns(a.runDir, b.runDir);
  if (options.json) print(context.io.out, JSON.stringify(diff, null, 2));
  else {
    for (const path of diff.added) print(context.io.out, `+ ${path}`);
    for (const path of diff.removed) print(context.io.out, `- ${path}`);
    for (const { path } of diff.modified) print(context.io.out, `~ ${path}`);
    print(
      context.io.out,
      `${first} → ${second}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.modified.length} modified, ${diff.unchanged.length} unchanged`,
    );
  }
  return diff.added.length + diff.removed.length + diff.modified.length ? EXIT.failed : EXIT.ok;
}

export async function cleanCommand(
  context: CliContext,
  runIds: string[],
  options: RunsDirOption & { all?: boolean; force?: boolean; cache?: boolean; tmp?: boolean },
): Promise<ExitCode> {
  const runsDir = runsDirOf(context, options);
  if (options.tmp) {
    if (!runIds.length) {
      print(context.io.err, 'name the runs whose leftover temporary files to remove');
      return EXIT.usage;
    }
    for (const runId of runIds) {
      const removed = await removeRunTemporaryFiles(runsDir, runId);
      print(context.io.out, `${runId}: removed ${removed.files} leftover temporary file(s), ${formatBytes(removed.bytes)}`);
    }
    return EXIT.ok;
  }
  if (options.cache) {
    for (const cleared of await clearCaches(runsDir)) {
      print(context.io.out, `cleared ${cleared.stage} cache: ${cleared.entries} entries, ${formatBytes(cleared.bytes)} (${cleared.dir})`);
    }
    if (!options.all && runIds.length === 0) return EXIT.ok;
  }
  if (options.all && !options.force) {
    print(context.io.err, 'refusing to delete every run without --force');
    return EXIT.usage;
  }
  const targets = options.all ? (await listRuns(runsDir)).map((run) => run.runId) : runIds;
  if (!targets.length) {
    print(context.io.err, 'name the runs to delete, or use --all --force');
    return EXIT.usage;
  }
  for (const runId of targets) {
    await removeRun(runsDir, runId);
    print(context.io.out, `deleted ${runId}`);
  }
  return EXIT.ok;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
