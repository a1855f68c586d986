import { ArtifactError, temporaryPathFor, UsageError } from '@tribar/core';
import { MODEL_HEADER_FILE, type BaseModel, type ModelRegistry } from '@tribar/models';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** `@tribar/models`' saved-model format version: an ensemble directory is a saved model like any other. */
const MODEL_FORMAT_VERSION = 1;

export interface EnsembleHeader {
  name: string;
  hyperparameters: Record<string, unknown>;
  featureNames?: readonly string[];
  extra: Record<string, unknown>;
}

/**
 * Writes an ensemble's directory atomically: `tribar-model.json` (the registry's header, so
 * `registry.load(dir)` finds the ensemble's family) and each member's own saved directory under
 * `members/<i>/`, all in a sibling temporary directory renamed into place when complete.
 */
export async function writeEnsembleDir(dir: string, header: EnsembleHeader, members: ReadonlyArray<BaseModel>): Promise<void> {
  const temporary = temporaryPathFor(dir);
  await mkdir(temporary, { recursive: true });
  try {
    for (const [i, member] of members.entries()) await member.save(join(temporary, 'members', String(i)));
    await writeFile(join(temporary, MODEL_HEADER_FILE), `${JSON.stringify({ format: MODEL_FORMAT_VERSION, ...header }, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dirname(dir), { recursive: true });
    await rename(temporary, dir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Reads an ensemble directory back: its header (checked to be of `name`) and its members, each loaded by the registry. */
export async function readEnsembleDir(
  dir: string,
  name: string,
  registry: ModelRegistry,
): Promise<{ header: EnsembleHeader; members: BaseModel[] }> {
  const path = join(dir, MODEL_HEADER_FILE);
  let header: EnsembleHeader & { format?: number };
  try {
    header = JSON.parse(await readFile(path, 'utf8')) as EnsembleHeader & { format?: number };
  } catch (error) {
    throw new ArtifactError('not a saved ensemble (cannot read its header)', path, {
      cause: error,
      hint: 'Pass a directory written by save(dir).',
    });
  }
  if (header.format !== MODEL_FORMAT_VERSION || header.name !== name || typeof header.extra !== 'object' || header.extra === null) {
    throw new ArtifactError(
      `header is not a format-${MODEL_FORMAT_VERSION} '${name}' ensemble (name ${JSON.stringify(header.name)})`,
      path,
      {
        hint: 'Load it with the family its header names, or save it again.',
      },
    );
  }
  const count = header.extra['members'];
  if (!Number.isInteger(count) || (count as number) < 1)
    throw new ArtifactError('ensemble header lacks extra.members (a positive count)', path);
  const members: BaseModel[] = [];
  for (let i = 0; i < (count as number); i++) members.push(await registry.load(join(dir, 'members', String(i))));
  return { header, members };
}

/** An ensemble is built from its parts, not from hyperparameters, so the registry's `create` points there. */
export function notCreatable(name: string, builder: string): never {
  throw new UsageError(`model '${name}' is an ensemble: it is built from fitted or unfitted members, not from hyperparameters`, {
    hint: `Use ${builder} of @tribar/ensembles (the trainer does so from train.ensembles).`,
  });
}
