import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  PIPELINE,
  artifactPath,
  readJsonArtifact,
  runConfig,
  runManifest,
  runState,
  writeJsonArtifact,
  type JsonArtifact,
  type RunState,
} from '@tribar/artifacts';
import { ArtifactError, ArtifactManifest, hashValue, verifyEntry, type Logger, type ManifestProblem } from '@tribar/core';
import { RunIntegrityError } from './errors.js';

/**
 * The run's own files read back at the start of a run (`state.json`, `manifest.json`, `config.json`), each through
 * its schema in `@tribar/artifacts`. What is damaged is rebuilt from what can be trusted, never guessed:
 *
 * - a damaged `state.json` is started afresh: no stage's fingerprint is known, so every stage runs again;
 * - a damaged `manifest.json` is started empty: no output can be verified, so every stage runs again (its entries'
 *   metadata can only come from the stage itself, and a stage's outputs are a function of its inputs, so the rerun
 *   gives the same bytes and the same manifest as the undamaged run);
 * - `config.json` is covered by the manifest (its SHA-256, stage `pipeline`): bytes that differ from the record are an
 *   edit, a `RunIntegrityError`, unless the file no longer parses (damaged) and the config given is the one the run
 *   recorded in `state.json` (`configHash`), in which case it is rewritten from it.
 */

/** Whether an `ArtifactError` says the file's content is bad (not that it could not be read at all, e.g. EACCES). */
function isDamage(error: unknown): error is ArtifactError {
  if (!(error instanceof ArtifactError)) return false;
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof code !== 'string' || code === 'ENOENT';
}

/** The reason part of an `ArtifactError` (its message less the leading path). */
const reasonOf = (error: ArtifactError) => error.message.slice(error.path.length + 2).split('\n')[0] ?? '';

/** `state.json` of an earlier invocation; `undefined` when there is none or it is damaged (then every stage re-runs). */
export async function readPreviousState(runDir: string, log: Logger): Promise<RunState | undefined> {
  if (!existsSync(artifactPath(runDir, runState))) return undefined;
  try {
    return await readJsonArtifact(runDir, runState);
  } catch (error) {
    if (!isDamage(error)) throw error;
    log.warn(
      { file: error.path, problem: reasonOf(error) },
      `${runState.path} is damaged (${reasonOf(error)}): rebuilt from scratch, every stage runs again`,
    );
    return undefined;
  }
}

/** The run's manifest; a damaged one is replaced by an empty one (every stage runs again to rebuild it). */
export async function openManifest(runDir: string, runId: string, log: Logger): Promise<ArtifactManifest> {
  if (!existsSync(artifactPath(runDir, runManifest))) return ArtifactManifest.from(runDir, runId);
  try {
    const data = await readJsonArtifact(runDir, runManifest);
    const misfiled = Object.entries(data.artifacts).find(
      ([key, entry]) => key !== entry.path || entry.path.startsWith('..') || isAbsolute(entry.path),
    );
    if (misfiled) {
      throw new ArtifactError(`entry '${misfiled[0]}' records path '${misfiled[1].path}'`, artifactPath(runDir, runManifest));
    }
    return ArtifactManifest.from(runDir, runId, data);
  } catch (error) {
    if (!isDamage(error)) throw error;
    log.warn(
      { file: error.path, problem: reasonOf(error) },
      `${runManifest.path} is damaged (${reasonOf(error)}): rebuilt, every stage runs again to re-record its outputs`,
    );
    return ArtifactManifest.from(runDir, runId);
  }
}

/** `config.json` parsed through its schema, or the reason it cannot be. */
async function readRecordedConfig(runDir: string): Promise<{ value: unknown } | { damage: string }> {
  try {
    return { value: await readJsonArtifact(runDir, runConfig) };
  } catch (error) {
    if (!isDamage(error)) throw error;
    return { damage: reasonOf(error) };
  }
}

/**
 * Check the run's existing `config.json` before it is rewritten with `config`: an edit made outside Tribar is refused
 * (`RunIntegrityError`); a damaged file is repaired when `config` is the config the run recorded.
 */
export async function checkRecordedConfig(
  runDir: string,
  manifest: ArtifactManifest,
  previous: RunState | undefined,
  config: unknown,
  log: Logger,
): Promise<void> {
  const file = artifactPath(runDir, runConfig);
  if (!existsSync(file)) return;
  const entry = manifest.get(runConfig.path);
  const problems = entry ? await verifyEntry(runDir, entry) : [];
  if (entry && problems.length === 0) return;
  const recorded = await readRecordedConfig(runDir);
  if ('value' in recorded) {
    // Readable: it must be what the run recorded (the manifest's checksum, else state.json's config hash).
    const edited = entry ? true : previous !== undefined && hashValue(recorded.value) !== previous.configHash;
    if (!edited) return;
    throw new RunIntegrityError(
      `${runConfig.path} was changed after the run wrote it (${entry ? `SHA-256 ${problems[0]?.actual ?? '?'}, recorded ${entry.sha256}` : `its settings hash differs from ${runState.path}'s configHash`})`,
      file,
      'A run keeps the settings it was made with: restore the file, start a new run with the new settings, or resume with --reconfigure and the settings as --config/--set.',
    );
  }
  // Damaged (truncated, not JSON): rewritten from the config given, when that is the run's own.
  if (previous && hashValue(config) !== previous.configHash) {
    throw new RunIntegrityError(
      `${runConfig.path} is damaged (${recorded.damage}) and the settings given are not the ones the run recorded`,
      file,
      `Resume with the run's original --config/--set (its ${runState.path} keeps their hash), or start a new run.`,
    );
  }
  log.warn(
    { file, problem: recorded.damage },
    previous
      ? `${runConfig.path} is damaged (${recorded.damage}): rewritten from the settings given, which match the run's recorded config hash`
      : `${runConfig.path} is damaged (${recorded.damage}) and nothing records its settings: rewritten from the settings given`,
  );
}

/** Write `config.json` (the config as given, key order kept) and record its SHA-256 in the manifest. */
export async function recordConfig(runDir: string, manifest: ArtifactManifest, config: Record<string, unknown>): Promise<void> {
  await writeJsonArtifact(runDir, runConfig, config);
  await manifest.record(runConfig.path, PIPELINE);
  await manifest.save();
}

/** One thing wrong in a run folder: an artifact not as recorded, or a run file that no longer parses. */
export type RunProblem = ManifestProblem | { path: string; problem: 'damaged'; detail: string };

/** What `verifyRun` found: how many artifacts the manifest records, and every problem. */
export interface RunVerification {
  artifacts: number;
  problems: RunProblem[];
}

/**
 * Check a run folder read-only: `state.json` and `manifest.json` parse through their schemas, and every artifact the
 * manifest records (`config.json` included) has the recorded size and SHA-256. A damaged run file is a `damaged`
 * problem (a resume rebuilds it), never a crash. `paths` limits the hashing to those artifacts (e.g. `config.json`
 * alone, without re-reading every Arrow file of the run).
 */
export async function verifyRun(runDir: string, options: { paths?: readonly string[] } = {}): Promise<RunVerification> {
  const problems: RunProblem[] = [];
  const damaged = async <T>(artifact: JsonArtifact<T>): Promise<T | undefined> => {
    if (!existsSync(artifactPath(runDir, artifact))) return undefined;
    try {
      return await readJsonArtifact(runDir, artifact);
    } catch (error) {
      if (!isDamage(error)) throw error;
      problems.push({ path: artifact.path, problem: 'damaged', detail: reasonOf(error) });
      return undefined;
    }
  };
  await damaged(runState);
  const data = await damaged(runManifest);
  const manifest = ArtifactManifest.from(runDir, '', data);
  const { paths } = options;
  if (paths === undefined) problems.push(...(await manifest.verify()));
  else for (const entry of manifest.list().filter((e) => paths.includes(e.path))) problems.push(...(await verifyEntry(runDir, entry)));
  return { artifacts: manifest.list().length, problems };
}

/**
 * Re-record the checksums of a stage's outputs that a command outside the pipeline rewrote in place (`tribar train`
 * adds models to the run's `train/`): without it, the stage would look damaged and every later `--only` of a stage
 * after it (`tribar report`) would be refused. Only files the stage already recorded and that still exist are
 * re-hashed; the stage's fingerprint is left as it is. Returns the paths whose bytes changed.
 */
export async function recordRewrittenOutputs(runDir: string, stage: string): Promise<string[]> {
  const data = existsSync(artifactPath(runDir, runManifest)) ? await readJsonArtifact(runDir, runManifest) : undefined;
  const manifest = ArtifactManifest.from(runDir, '', data);
  const changed: string[] = [];
  for (const entry of manifest.list()) {
    if (entry.stage !== stage || !existsSync(artifactPath(runDir, entry.path))) continue;
    const after = await manifest.record(entry.path, stage, entry.metadata);
    if (after.sha256 !== entry.sha256) changed.push(entry.path);
  }
  if (changed.length > 0) await manifest.save();
  return changed;
}
