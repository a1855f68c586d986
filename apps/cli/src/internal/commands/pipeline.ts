import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { artifactPath, readJsonArtifactFile, reportHtml, runConfig, runLog, STAGE, type StageRecord } from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { getRun, isValidRunId, latestRun, newRunId, runDirFor, runPipeline, type PipelineResult } from '@tribar/pipeline';
import { TribarError, UsageError, type LogLevel } from '@tribar/core';
import type { CliContext, ConfigOptions } from '../context.js';
import { diffConfigs, formatConfigChanges } from '../config-diff.js';
import { exitCodeFor, markLogged } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatDuration, formatTable, print } from '../io.js';
import { jsonEvents, type JsonEvents } from '../json-events.js';
import { createCliLogger, DeferredLogFile } from '../logging.js';
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
  json?: boolean;
}

// The tracker root is relative to where the command runs, like the runs folder.
const withAbsoluteTracking = (io: CliContext['io'], loaded: RunConfig): RunConfig => ({
  ...loaded,
  train: { ...loaded.train, tracking: { ...loaded.train.tracking, dir: resolve(io.cwd, loaded.train.tracking.dir) } },
});

/** The pipeline's rule for a run id (a folder name inside the runs folder), checked before anything touches the disk. */
function checkRunId(runId: string): void {
  if (isValidRunId(runId)) return;
  throw new UsageError(
    `run id '${runId}' may use only letters, digits, '.', '_' and '-' (at most 128, not starting with '.', '_' or '-')`,
    {
      hint: 'A run id names one folder inside the runs folder, e.g. --run-id my-run-1; leave it out for a new time-stamped id.',
    },
  );
}

export async function pipelineCommand(context: CliContext, options: PipelineOptions): Promise<ExitCode> {
  const json = options.json ? jsonEvents(context.io) : undefined;
  const run: { id: string | null } = { id: options.runId ?? null };
  try {
    const result = await runCommand(context, options, json, run);
    json?.summary({ runId: result.runId, runDir: result.runDir, status: result.status, exitCode: result.exitCode, stages: result.stages });
    return result.exitCode;
  } catch (error) {
    json?.summary({ runId: run.id, status: 'error', exitCode: exitCodeFor(error), error });
    throw error;
  }
}

interface CommandResult {
  runId: string;
  runDir: string;
  status: string;
  exitCode: ExitCode;
  stages: {
    stage: string;
    status: string;
    durationMs: number | null;
    cpuMs: number | null;
    peakRssMiB: number | null;
    reused: boolean;
    error: StageRecord['error'] | null;
  }[];
}

async function runCommand(
  context: CliContext,
  options: PipelineOptions,
  json: JsonEvents | undefined,
  run: { id: string | null },
): Promise<CommandResult> {
  const { io } = context;
  // Human lines go to standard error under --json: standard output holds only the events.
  const human = json ? io.err : io.out;
  if (options.runId !== undefined) checkRunId(options.runId);
  let config = withAbsoluteTracking(io, (await loadCliConfig(context, options)).config);
  const runsDir = resolve(io.cwd, config.paths.runsDir);

  let runId = options.runId;
  if (options.resume && !runId) {
    runId = (await latestRun(runsDir))?.runId;
    if (!runId)
      throw new TribarError('RUN_NOT_FOUND', `nothing to resume: no runs in ${runsDir}`, { hint: 'start one with `tribar pipeline`' });
  }
  // --resume names a run that must exist (exit 3 otherwise: RunNotFoundError).
  if (options.resume && runId) await getRun(runsDir, runId);
  runId ??= newRunId();
  run.id = runId;

  // An existing run continues with its own config: --config, the environment and --set apply on top of it, and a
  // change is refused (exit 2, with the changed settings) unless --reconfigure asks for it.
  const runConfigFile = artifactPath(runDirFor(runsDir, runId), runConfig);
  // A damaged config.json (truncated, not JSON) is left to the pipeline: it is rebuilt when the settings given are
  // the ones the run recorded (their hash is in state.json), else refused as an integrity error.
  const recorded = existsSync(runConfigFile) ? await readJsonArtifactFile(runConfigFile, runConfig).catch(() => undefined) : undefined;
  if (recorded !== undefined) {
    config = withAbsoluteTracking(io, (await loadCliConfig(context, options, runConfigFile)).config);
    const changes = diffConfigs(recorded, config);
    if (changes.length && !options.reconfigure) {
      throw new UsageError(`run ${runId} was made with other settings; these would change:\n${formatConfigChanges(changes)}`, {
        hint: 'drop the --config/--set (and TRIBAR__* variables) that change them, start a new run, or pass --reconfigure to re-run in this folder with the new settings',
      });
    }
    if (changes.length) print(io.err, `reconfiguring run ${runId}:\n${formatConfigChanges(changes)}`);
  }

  const display = json ?? createProgressDisplay(io);
  // The log file is created with the run folder (on the pipeline's run-start), never by a command refused before.
  const logFile = new DeferredLogFile(artifactPath(runDirFor(runsDir, runId), runLog));
  const logger = createCliLogger(io, {
    level: options.logLevel ?? config.logging.level,
    logFile,
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
      onEvent: (event) => {
        if (event.type === 'run-start') logFile.open();
        display.onEvent(event);
      },
      signal: controller.signal,
      ...(options.from ? { from: options.from } : {}),
      ...(options.only?.length ? { only: options.only } : {}),
    });
  } catch (error) {
    // The stack goes to the run's log file (and to the console at debug); the command prints the one line.
    logger.debug({ err: error }, 'the run stopped on an error');
    markLogged(error);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    context.signal?.removeEventListener('abort', onSignal);
    display.stop();
  }

  const rows = result.state.order.map((name) => {
    const record = result.state.stages[name];
    const status = record?.status === 'completed' && record.reused ? 'skipped (up to date)' : (record?.status ?? 'pending');
    return [
      name,
      status,
      formatDuration(record?.durationMs),
      formatDuration(record?.cpuMs),
      record?.peakRssMiB === undefined ? '' : `${record.peakRssMiB} MiB`,
      record?.error?.message.split('\n')[0] ?? record?.reason ?? '',
    ];
  });
  // CPU counts every thread of the process (workers included), so it can exceed the wall time.
  if (rows.length) print(human, formatTable(['stage', 'status', 'duration', 'cpu', 'peak RSS', 'note'], rows));
  print(human, `run ${result.runId}: ${result.status}`);
  print(human, `run folder: ${result.runDir}`);
  if (result.state.stages[STAGE.train]?.status === 'completed') await printTrainSummary(human, result.runDir);
  const report = artifactPath(result.runDir, reportHtml);
  if (result.state.stages[STAGE.report]?.status === 'completed' && existsSync(report)) print(human, `report: ${report}`);
  let exitCode: ExitCode = result.status === 'completed' ? EXIT.ok : EXIT.failed;
  if (result.status === 'interrupted' || result.status === 'cancelled') {
    print(human, `continue with: tribar pipeline --resume --run-id ${result.runId}`);
    exitCode = EXIT.cancelled;
  }
  return {
    runId: result.runId,
    runDir: result.runDir,
    status: result.status,
    exitCode,
    stages: result.state.order.map((name) => {
      const record = result.state.stages[name];
      return {
        stage: name,
        status: record?.status ?? 'pending',
        durationMs: record?.durationMs ?? null,
        cpuMs: record?.cpuMs ?? null,
        peakRssMiB: record?.peakRssMiB ?? null,
        reused: record?.reused ?? false,
        error: record?.error ?? null,
      };
    }),
  };
}
