import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { artifactPath, reportHtml, runConfig, runLog, STAGE } from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { getRun, latestRun, newRunId, runDirFor, runPipeline, type PipelineResult } from '@tribar/pipeline';
import type { LogLevel } from '@tribar/core';
import type { CliContext, ConfigOptions } from '../context.js';
import { diffConfigs, formatConfigChanges } from '../config-diff.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatDuration, formatTable, print } from '../io.js';
import { createCliLogger } from '../logging.js';
import { createProgressDisplay } from '../progress.js';
import { loadCliConfig } from './config.js';
import { printTrainSummary } from './train.js';

export interface PipelineOptions extends ConfigOptions {
  from?: string;
  only?: string[];
  runId?: string;
  resume?: boolean;
  reconfigure?: boolean;
  logLevel?: LogLevel;
}

// The tracker root is relative to where the command runs, like the runs folder.
const withAbsoluteTracking = (io: CliContext['io'], loaded: RunConfig): RunConfig => ({
  ...loaded,
  train: { ...loaded.train, tracking: { ...loaded.train.tracking, dir: resolve(io.cwd, loaded.train.tracking.dir) } },
});

export async function pipelineCommand(context: CliContext, options: PipelineOptions): Promise<ExitCode> {
  const { io } = context;
  let config = withAbsoluteTracking(io, (await loadCliConfig(context, options)).config);
  const runsDir = resolve(io.cwd, config.paths.runsDir);

  let runId = options.runId;
  if (options.resume && !runId) {
    runId = (await latestRun(runsDir))?.runId;
    if (!runId) {
      print(io.err, `nothing to resume: no runs in ${runsDir}`);
      return EXIT.notFound;
    }
  }
  // --resume names a run that must exist (exit 3 otherwise: RunNotFoundError).
  if (options.resume && runId) await getRun(runsDir, runId);
  runId ??= newRunId();

  // An existing run continues with its own config: --config, the environment and --set apply on top of it, and a
  // change is refused (exit 2, with the changed settings) unless --reconfigure asks for it.
  const runConfigFile = artifactPath(runDirFor(runsDir, runId), runConfig);
  if (existsSync(runConfigFile)) {
    const recorded: unknown = JSON.parse(await readFile(runConfigFile, 'utf8'));
    config = withAbsoluteTracking(io, (await loadCliConfig(context, options, runConfigFile)).config);
    const changes = diffConfigs(recorded, config);
    if (changes.length && !options.reconfigure) {
      print(io.err, `error: run ${runId} was made with other settings; these would change:\n${formatConfigChanges(changes)}`);
      print(
        io.err,
        `hint: drop the --config/--set (and TRIBAR__* variables) that change them, start a new run, or pass --reconfigure to re-run in this folder with the new settings`,
      );
      return EXIT.usage;
    }
    if (changes.length) print(io.err, `reconfiguring run ${runId}:\n${formatConfigChanges(changes)}`);
  }

  const display = createProgressDisplay(io);
  const logger = createCliLogger(io, {
    level: options.logLevel ?? config.logging.level,
    logFile: artifactPath(runDirFor(runsDir, runId), runLog),
    sink: display.sink,
  }).child({ runId });

  const stages = typeof context.stages === 'function' ? context.stages(config) : context.stages;
  if (stages.length === 0) {
    logger.warn('no stages are registered yet: the run records its config and an empty manifest');
  }
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    logger.warn('interrupted: stopping the current stage');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  if (context.signal?.aborted) onSignal();
  context.signal?.addEventListener('abort', onSignal, { once: true });
  let result: PipelineResult;
  try {
    result = await runPipeline({
      stages,
      config,
      runsDir,
      runId,
      logger,
      onEvent: display.onEvent,
      signal: controller.signal,
      ...(options.from ? { from: options.from } : {}),
      ...(options.only?.length ? { only: options.only } : {}),
    });
  } finally {
    process.off('SIGINT', onSignal);
    context.signal?.removeEventListener('abort', onSignal);
    display.stop();
  }

  const rows = result.state.order.map((name) => {
    const record = result.state.stages[name];
    const status = record?.status === 'completed' && record.reused ? 'skipped (up to date)' : (record?.status ?? 'pending');
    return [name, status, formatDuration(record?.durationMs), record?.error?.message.split('\n')[0] ?? record?.reason ?? ''];
  });
  if (rows.length) print(io.out, formatTable(['stage', 'status', 'duration', 'note'], rows));
  print(io.out, `run ${result.runId}: ${result.status}`);
  print(io.out, `run folder: ${result.runDir}`);
  if (result.state.stages[STAGE.train]?.status === 'completed') await printTrainSummary(context, result.runDir);
  const report = artifactPath(result.runDir, reportHtml);
  if (result.state.stages[STAGE.report]?.status === 'completed' && existsSync(report)) print(io.out, `report: ${report}`);
  if (result.status === 'interrupted' || result.status === 'cancelled') {
    print(io.out, `continue with: tribar pipeline --resume --run-id ${result.runId}`);
    return EXIT.cancelled;
  }
  return result.status === 'completed' ? EXIT.ok : EXIT.failed;
}
