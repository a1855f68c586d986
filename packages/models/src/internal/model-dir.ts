import { ArtifactError, temporaryPathFor } from '@tribar/core';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MLMODEL_FILE, mlmodelText } from './mlmodel.js';

/** The file every saved model directory starts with: which family reads the rest. */
export const MODEL_HEADER_FILE = 'tribar-model.json';
const MODEL_FORMAT_VERSION = 1;

export interface ModelHeader {
  format: number;
  /** Registered family name, e.g. `xgboost`. */
  name: string;
  hyperparameters: Record<string, unknown>;
  featureNames?: string[];
  /** Row shape the model was fitted on (`[features]` or `[steps, features]`). */
  inputShape?: number[];
  /** Family-specific extras (best round, tfjs backend, library version…). */
  extra?: Record<string, unknown>;
}

/**
 * Write a model directory atomically: everything goes into a sibling temporary directory that
 * replaces `dir` only when complete, so a crash leaves the old model or none, never half of one.
 */
export async function writeModelDir(
  dir: string,
  header: Omit<ModelHeader, 'format'>,
  files: Record<string, string | Uint8Array>,
): Promise<void> {
  const temporary = temporaryPathFor(dir);
  await mkdir(temporary, { recursive: true });
  try {
    for (const [name, content] of Object.entries(files)) {
      const path = join(temporary, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
    const headerText = `${JSON.stringify({ format: MODEL_FORMAT_VERSION, ...header }, null, 2)}\n`;
    await writeFile(join(temporary, MODEL_HEADER_FILE), headerText);
    // MLflow's model layout: the MLmodel file makes the directory an MLflow Model (flavors, signature).
    await writeFile(
      join(temporary, MLMODEL_FILE),
      mlmodelText({ ...header, format: MODEL_FORMAT_VERSION, headerFile: MODEL_HEADER_FILE, files, headerText }),
    );
    await rm(dir, { recursive: true, force: true });
    await mkdir(dirname(dir), { recursive: true });
    await rename(temporary, dir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Read and check `tribar-model.json` of a saved model directory. */
export async function readModelHeader(dir: string): Promise<ModelHeader> {
  const path = join(dir, MODEL_HEADER_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ArtifactError('not a saved model (cannot read its header)', path, {
      cause: error,
      hint: 'Pass a directory written by model.save(dir).',
    });
  }
  const header = raw as Partial<ModelHeader>;
  if (header.format !== MODEL_FORMAT_VERSION) {
    throw new ArtifactError(`model format ${JSON.stringify(header.format)} is not ${MODEL_FORMAT_VERSION}`, path, {
      hint: 'Re-train and save with this version.',
    });
  }
  if (typeof header.name !== 'string' || typeof header.hyperparameters !== 'object' || header.hyperparameters === null) {
    throw new ArtifactError('model header lacks `name` or `hyperparameters`', path);
  }
  return header as ModelHeader;
}

/** Read one file of a saved model directory, naming it when missing. */
export async function readModelFile(dir: string, name: string): Promise<Buffer> {
  const path = join(dir, name);
  try {
    return await readFile(path);
  } catch (error) {
    throw new ArtifactError('missing file of a saved model', path, {
      cause: error,
      hint: 'The model directory is incomplete: save it again.',
    });
  }
}
