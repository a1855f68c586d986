import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HttpError } from './http-errors.js';

const FIELD = 'params.*';

/**
 * A run-relative path from a request, resolved inside the run folder or refused: absolute paths, `..` segments,
 * backslashes, NUL bytes, and symbolic links leading out of the folder are all 400s naming the field.
 */
export async function resolveRunFile(runDir: string, requested: string): Promise<string> {
  const refuse = (why: string) =>
    new HttpError(400, 'PATH_REFUSED', `artifact path '${requested.slice(0, 200)}' refused: ${why}`, {
      field: FIELD,
      hint: 'Give a path relative to the run folder as GET /runs/{runId}/artifacts lists it, e.g. cut/cut.json.',
    });
  if (requested.length === 0) throw refuse('it is empty');
  if (requested.includes('\0')) throw refuse('it contains a NUL byte');
  if (requested.includes('\\')) throw refuse("it contains '\\'");
  if (isAbsolute(requested) || /^[A-Za-z]:/.test(requested)) throw refuse('it is absolute');
  if (requested.split('/').some((segment) => segment === '..' || segment === '.')) throw refuse("it contains a '.' or '..' segment");
  const file = resolve(runDir, requested);
  const inside = (path: string, root: string) => {
    const rel = relative(root, path);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  if (!inside(file, runDir)) throw refuse('it leads out of the run folder');
  const info = await lstat(file).catch(() => undefined);
  if (!info) throw new HttpError(404, 'ARTIFACT_NOT_FOUND', `no file '${requested}' in this run`, { field: FIELD });
  const real = await realpath(file);
  if (!inside(real, await realpath(runDir))) throw refuse('it leads out of the run folder through a link');
  if (!info.isFile() && !info.isSymbolicLink())
    throw new HttpError(404, 'ARTIFACT_NOT_FOUND', `'${requested}' is not a file`, { field: FIELD });
  return real;
}
