import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { artifactPath } from '@tribar/artifacts';
import {
  childLogger,
  describeError,
  describeFailure,
  FileWriteError,
  createStageContext,
  hashValue,
  sha256File,
  TribarError,
  verifyEntry,
  type ArtifactManifest,
  type FailureDescription,
  type Logger,
  type StageDefinition,
} from '@tribar/core';
import { ancestorsOf, checkInputs, orderStages, selectStages, type Selection } from './dag.js';
import { PipelineDefinitionError } from './errors.js';
import { progressEmitter, type PipelineEvent, type PipelineEventListener } from './events.js';
import { configSlice, stageFingerprint } from './fingerprint.js';
import { acquireRunLock } from './lock.js';
import { isValidRunId, newRunId, runDirFor } from './runs.js';
import { startResourceMeter } from './resources.js';
import { removeTemporaryFiles } from './temporary-files.js';
import { checkRecordedConfig, openManifest, readPreviousState, recordConfig } from './run-files.js';
import { writeRunState, type RunState, type RunStatus, type StageRecord } from './state.js';

export interface PipelineConfigShape {
  seed: number;
}

export interface RunPipelineOptions<C extends PipelineConfigShape> extends Selection {
  stages: readonly StageDefinition<C>[];
  config: C;
  runsDir: string;
  /** Reuse (or create) this run folder; omitted means a new run id. */
  runId?: string;
  logger?: Logger;
  onEvent?: PipelineEventListener;
  /**
   * Aborting interrupts the run: the running stage stops when it sees the signal (stages check `context.signal`)
   * and is recorded `interrupted`, as is the run; `--resume` runs that stage again.
   */
  signal?: AbortSignal;
}

export interface PipelineResult {
  runId: string;
  runDir: string;
  status: RunStatus;
  state: RunState;
}

function initialState<C extends PipelineConfigShape>(runId: string, config: C, order: string[]): RunState {
  const now = new Date().toISOString();
  return {
    stateVersion: 1,
    runId,
    createdAt: now,
    updatedAt: now,
    status: 'running',
    configHash: hashValue(config),
    seed: config.seed,
    order,
    stages: Object.fromEntries(order.map((name) => [name, { name, status: 'pending' } satisfies StageRecord])),
  };
}

/**
 * Run stages as a DAG inside one run folder. A stage whose recorded fingerprint (code version,
 * config slice, seed, input bytes) matches and whose outputs still hash as recorded is skipped;
 * anything else runs. State is written after every stage, so a killed run resumes where it stopped.
 */
/** Why an external input (a data file) cannot be hashed, as a person reads it: the path, the reason, what to do. */
function unreadableInput(stage: string, file: string, error: unknown): TribarError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EISDIR'
      ? 'it is a directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ELOOP'
          ? 'a symbolic link loop'
          : ((error as Error).message ?? String(error));
  return new TribarError('INPUT_UNREADABLE', `cannot read the file: ${file} (${reason}), needed by stage '${stage}'`, {
    hint: 'Point the setting that names it (e.g. data.files.<SYMBOL>) at a readable bar file (CSV, Parquet or Arrow).',
    cause: error,
  });
}

export async function runPipeline<C extends PipelineConfigShape>(options: RunPipelineOptions<C>): Promise<PipelineResult> {
  const { config } = options;
  const emit: PipelineEventListener = options.onEvent ?? (() => {});
  const log = childLogger(options.logger, 'pipeline');
  const ordered = orderStages(options.stages);
  checkInputs(ordered, config);
  const { selected, forced } = selectStages(ordered, options);

  const runId = options.runId ?? newRunId();
  if (!isValidRunId(runId)) throw new PipelineDefinitionError(`run id '${runId}' may use only letters, digits, '.', '_' and '-'`);
  const runDir = runDirFor(options.runsDir, runId);
  // One writer per run folder: a second process with this run id stops here, naming the holder.
  const createdDir = !existsSync(runDir);
  await mkdir(runDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw typeof error.code === 'string' ? new FileWriteError(runDir, error.code, { cause: error }) : error;
  });
  const forget = async () => {
    if (createdDir) await rm(runDir, { recursive: true, force: true });
  };
  const lock = await acquireRunLock(runDir, runId, log).catch(async (error: unknown) => {
    await forget();
    throw error;
  });
  const progress = { stateWritten: false };
  try {
    return await runInFolder({ options, ordered, selected, forced, runId, runDir, emit, log }, progress);
  } catch (error) {
    // Nothing recorded yet (e.g. a selection whose upstream results are missing): leave no half-made run folder.
    if (!progress.stateWritten) await forget();
    throw error;
  } finally {
    await lock.release();
  }
}

interface FolderArguments<C extends PipelineConfigShape> {
  options: RunPipelineOptions<C>;
  ordered: StageDefinition<C>[];
  selected: StageDefinition<C>[];
  forced: Set<string>;
  runId: string;
  runDir: string;
  emit: PipelineEventListener;
  log: Logger;
}

async function runInFolder<C extends PipelineConfigShape>(
  args: FolderArguments<C>,
  progress: { stateWritten: boolean },
): Promise<PipelineResult> {
  const { options, ordered, selected, forced, runId, runDir, emit, log } = args;
  const { config, signal } = options;
  // Atomic writes cut off by kill -9 leave `*.tmp-*` files; this process is the folder's only writer now.
  const leftovers = await removeTemporaryFiles(runDir);
  if (leftovers.files)
    log.warn(
      { files: leftovers.files, bytes: leftovers.bytes },
      `removed ${leftovers.files} leftover temporary file(s) of an earlier, cut-off run`,
    );
  // Everything read back is validated; a damaged state.json or manifest.json is rebuilt (README "Damaged run files").
  const previous = await readPreviousState(runDir, log);
  const state = initialState(
    runId,
    config,
    ordered.map((stage) => stage.name),
  );
  if (previous) {
    state.createdAt = previous.createdAt;
    for (const name of state.order) if (previous.stages[name]) state.stages[name] = previous.stages[name];
  }
  const manifest = await openManifest(runDir, runId, log);
  // An edited config.json is refused before anything is written; a damaged one is rewritten below.
  await checkRecordedConfig(runDir, manifest, previous, config, log);

  /** SHA-256 of every artifact known to be intact in this invocation. */
  const verified = new Map<string, string>();
  const blocked = new Set<string>();

  const verifyOutputs = async (stage: StageDefinition<C>): Promise<boolean> => {
    for (const path of stage.outputs(config)) {
      const entry = manifest.get(path);
      if (!entry || entry.stage !== stage.name || (await verifyEntry(runDir, entry)).length) return false;
      verified.set(path, entry.sha256);
    }
    return true;
  };

  const fingerprintOf = async (stage: StageDefinition<C>): Promise<string> => {
    const inputs: Record<string, string> = {};
    for (const path of stage.inputs(config)) {
      const sha = verified.get(path);
      if (!sha) throw new PipelineDefinitionError(`input '${path}' of stage '${stage.name}' is not available`);
      inputs[path] = sha;
    }
    for (const file of stage.externalInputs?.(config) ?? []) {
      if (!existsSync(file)) throw new TribarError('INPUT_MISSING', `stage '${stage.name}' needs ${file}, which does not exist`);
      inputs[file] = await sha256File(file).catch((error: unknown) => {
        throw unreadableInput(stage.name, file, error);
      });
    }
    return stageFingerprint({
      stage: stage.name,
      version: stage.version,
      seed: config.seed,
      config: configSlice(config, stage.configKeys),
      inputs,
    });
  };

  // Stages outside the selection are not run: what they recorded must be intact to feed the rest.
  const selectedNames = new Set(selected.map((stage) => stage.name));
  const upstreamOfSelection = new Set(selected.flatMap((stage) => [...ancestorsOf(ordered, stage.name)]));
  for (const stage of ordered) {
    if (selectedNames.has(stage.name) || !upstreamOfSelection.has(stage.name)) continue;
    if (!(state.stages[stage.name]?.status === 'completed' && (await verifyOutputs(stage)))) {
      throw new PipelineDefinitionError(
        `stage '${stage.name}' has no intact completed outputs in run ${runId}, and the selected stages need them`,
        `Run the whole pipeline (without --from/--only), or include '${stage.name}'.`,
      );
    }
  }

  // The resolved config as given (key order kept), its SHA-256 in the manifest so an edit is caught;
  // `@tribar/config` validates it when the run is reused.
  await recordConfig(runDir, manifest, config as unknown as Record<string, unknown>);
  await writeRunState(runDir, state);
  progress.stateWritten = true;
  const started = Date.now();
  emit({ type: 'run-start', runId, runDir, stages: selected.map((stage) => stage.name) });
  log.info({ runId, runDir, stages: selected.map((stage) => stage.name) }, 'run started');

  let status: RunStatus = 'completed';
  let current: string | undefined;
  try {
    for (const [index, stage] of selected.entries()) {
      current = stage.name;
      const record = state.stages[stage.name] as StageRecord;
      if (signal?.aborted) {
        status = 'interrupted';
        break;
      }
      const blocker = stage.dependsOn.find((dependency) => blocked.has(dependency));
      if (blocker) {
        blocked.add(stage.name);
        state.stages[stage.name] = { name: stage.name, status: 'blocked', reason: `'${blocker}' did not complete` };
        await writeRunState(runDir, state);
        emit({ type: 'stage-end', stage: stage.name, record: state.stages[stage.name] as StageRecord });
        continue;
      }

      const fingerprint = await fingerprintOf(stage);
      if (!forced.has(stage.name) && record.status === 'completed' && record.fingerprint === fingerprint && (await verifyOutputs(stage))) {
        state.stages[stage.name] = { ...record, reused: true };
        await writeRunState(runDir, state);
        emit({ type: 'stage-skip', stage: stage.name, reason: 'up to date' });
        log.info({ stage: stage.name }, 'stage up to date, skipped');
        continue;
      }

      const outcome = await executeStage({
        stage,
        config,
        runId,
        runDir,
        fingerprint,
        manifest,
        state,
        index,
        count: selected.length,
        emit,
        log,
        signal,
      });
      if (outcome.status === 'completed') {
        for (const path of stage.outputs(config)) verified.set(path, manifest.get(path)?.sha256 ?? '');
        continue;
      }
      if (outcome.status === 'interrupted') {
        status = 'interrupted';
        break;
      }
      blocked.add(stage.name);
      if (stage.required !== false) {
        status = 'failed';
        markRemainingBlocked(state, selected.slice(index + 1), stage.name);
        await writeRunState(runDir, state);
        break;
      }
    }
  } catch (error) {
    // A failure outside a stage's own code (e.g. an external input that cannot be read for its fingerprint):
    // the run is recorded failed, with the error on the stage it was preparing, never left `running`.
    if (current && state.stages[current]?.status !== 'completed') {
      state.stages[current] = { name: current, status: 'failed', error: describeError(error) };
    }
    state.status = 'failed';
    await manifest.save();
    await writeRunState(runDir, state);
    emit({ type: 'run-end', runId, status: 'failed', durationMs: Date.now() - started, error: describeFailure(error) });
    throw error;
  }
  if (status === 'completed' && blocked.size) status = 'failed';

  state.status = status;
  await manifest.save();
  await writeRunState(runDir, state);
  const durationMs = Date.now() - started;
  emit({ type: 'run-end', runId, status, durationMs });
  log.info({ runId, status, durationMs }, 'run finished');
  return { runId, runDir, status, state };
}

function markRemainingBlocked<C>(state: RunState, rest: readonly StageDefinition<C>[], failed: string): void {
  for (const stage of rest) {
    state.stages[stage.name] = { name: stage.name, status: 'blocked', reason: `required stage '${failed}' failed` };
  }
}

interface ExecuteArguments<C extends PipelineConfigShape> {
  stage: StageDefinition<C>;
  config: C;
  runId: string;
  runDir: string;
  fingerprint: string;
  manifest: ArtifactManifest;
  state: RunState;
  index: number;
  count: number;
  emit: (event: PipelineEvent) => void;
  log: Logger;
  signal: AbortSignal | undefined;
}

async function executeStage<C extends PipelineConfigShape>(args: ExecuteArguments<C>): Promise<StageRecord> {
  const { stage, config, runDir, manifest, state, emit, log } = args;
  const startedAt = new Date();
  const running: StageRecord = { name: stage.name, status: 'running', startedAt: startedAt.toISOString() };
  state.stages[stage.name] = running;
  manifest.removeStage(stage.name);
  await manifest.save();
  await writeRunState(runDir, state);
  emit({ type: 'stage-start', stage: stage.name, index: args.index, count: args.count });
  const stageLog = log.child({ stage: stage.name });
  stageLog.info('stage started');
  const resources = startResourceMeter();

  const context = createStageContext({
    runDir,
    config,
    runId: args.runId,
    stage: stage.name,
    logger: stageLog,
    progress: progressEmitter(stage.name, emit),
    ...(args.signal ? { signal: args.signal } : {}),
  });

  let record: StageRecord;
  let failure: FailureDescription | undefined;
  try {
    const outputs = stage.outputs(config);
    await Promise.all(outputs.map((path) => mkdir(dirname(artifactPath(runDir, path)), { recursive: true })));
    const outcome = (await stage.run(context)) ?? {};
    const missing = outputs.filter((path) => !existsSync(artifactPath(runDir, path)));
    if (missing.length) {
      throw new TribarError('STAGE_OUTPUT_MISSING', `stage '${stage.name}' finished without writing ${missing.join(', ')}`);
    }
    for (const path of outputs) await manifest.record(path, stage.name, outcome.artifactMetadata?.[path] ?? {});
    record = {
      name: stage.name,
      status: 'completed',
      fingerprint: args.fingerprint,
      outputs,
      ...(outcome.metrics ? { metrics: outcome.metrics } : {}),
    };
  } catch (error) {
    if (args.signal?.aborted) {
      // Ctrl-C, not a fault: one line; the error and its stack only at debug level.
      record = { name: stage.name, status: 'interrupted' };
      stageLog.debug({ err: error }, 'stage stopped by the interrupt');
      const removed = await removeTemporaryFiles(runDir);
      stageLog.warn(`stage interrupted${removed.files ? ` (${removed.files} partial file(s) removed)` : ''}`);
    } else {
      record = { name: stage.name, status: 'failed', error: describeError(error) };
      // pino's `err` convention: the log file keeps the whole error (stack included); a console shows what it
      // chooses (the CLI prints the message and hint, the stack only at debug).
      failure = describeFailure(error);
      stageLog.error({ err: error }, 'stage failed');
    }
  }
  const endedAt = new Date();
  Object.assign(record, {
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - startedAt.getTime(),
    ...resources(),
  });
  state.stages[stage.name] = record;
  await manifest.save();
  await writeRunState(runDir, state);
  emit({ type: 'stage-end', stage: stage.name, record, ...(failure ? { error: failure } : {}) });
  if (record.status === 'completed')
    stageLog.info(
      { durationMs: record.durationMs, cpuMs: record.cpuMs, peakRssMiB: record.peakRssMiB, metrics: record.metrics },
      'stage completed',
    );
  return record;
}
