import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MissingPackageError } from './errors.js';

// Heavy runtimes (parquet-wasm, tfjs, koffi) are optional peer dependencies: a user who never
// reads Parquet or trains a neural model does not download them. These load one when it is
// first needed and turn "cannot find module" into an error that says what to install.

// Resolved from this package first (npm and yarn hoist a user's install next to it), then from the
// working directory's project: pnpm links a peer only where a chain of packages declares it.
const requirers = [createRequire(import.meta.url), createRequire(join(process.cwd(), 'package.json'))];

function isNotFound(error: unknown, specifier: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String(message).includes(specifier);
}

/** The npm package a specifier belongs to (`@scope/name/deep` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/**
 * `require` an optional CommonJS package (synchronously), or throw `MissingPackageError` naming it.
 * @param purpose what needs it, for the message: "Reading Parquet files".
 */
export function requireOptional<T>(specifier: string, purpose: string): T {
  let notFound: unknown;
  for (const require of requirers) {
    try {
      return require(specifier) as T;
    } catch (error) {
      if (!isNotFound(error, packageOf(specifier))) throw error;
      notFound ??= error;
    }
  }
  throw new MissingPackageError(packageOf(specifier), purpose, { cause: notFound });
}

/**
 * `import()` an optional package, or throw `MissingPackageError` naming it. The bare import comes
 * first (ESM conditions, one module instance shared with every other importer); the working
 * directory's project is the fallback, as for `requireOptional`.
 */
export async function importOptional<T>(specifier: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (!isNotFound(error, packageOf(specifier))) throw error;
    let resolved: string;
    try {
      resolved = (requirers[1] as NodeJS.Require).resolve(specifier);
    } catch {
      throw new MissingPackageError(packageOf(specifier), purpose, { cause: error });
    }
    return (await import(pathToFileURL(resolved).href)) as T;
  }
}
