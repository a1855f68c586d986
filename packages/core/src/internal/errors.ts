/**
 * Every error Tribar throws on purpose is a `TribarError`: it names what was wrong,
 * where (file, row, field or config path) and, in `hint`, what to do about it.
 */
export interface ErrorDetails {
  /** What to do about it, in one sentence. */
  hint?: string;
  /** The underlying error, kept for stack traces and logs. */
  cause?: unknown;
}

export class TribarError extends Error {
  /** Stable machine-readable code, e.g. `DATA_INVALID`. */
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(details.hint ? `${message}\n  hint: ${details.hint}` : message, { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = details.hint;
  }

  toJSON(): { name: string; code: string; message: string; hint?: string } {
    return { name: this.name, code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Where in an input a problem sits; every field is optional but at least the file should be known. */
export interface DataLocation {
  file?: string;
  /** 1-based line or row number as a person counts it in the file. */
  row?: number;
  field?: string;
}

function formatLocation({ file, row, field }: DataLocation): string {
  const parts = [file, row !== undefined ? `row ${row}` : undefined, field ? `field '${field}'` : undefined];
  return parts.filter(Boolean).join(', ');
}

/** Bad input data: a file that cannot be read, a row that cannot be parsed, a missing column. */
export class DataError extends TribarError {
  readonly location: DataLocation;

  constructor(message: string, location: DataLocation, details: ErrorDetails = {}) {
    const where = formatLocation(location);
    super('DATA_INVALID', where ? `${where}: ${message}` : message, details);
    this.location = location;
  }
}

/** An artifact that is missing, unreadable, or whose bytes no longer match its manifest checksum. */
export class ArtifactError extends TribarError {
  readonly path: string;

  constructor(message: string, path: string, details: ErrorDetails = {}) {
    super('ARTIFACT_INVALID', `${path}: ${message}`, details);
    this.path = path;
  }
}

/** A misuse of the API that the caller must fix in code (wrong argument, call out of order). */
export class UsageError extends TribarError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('USAGE', message, details);
  }
}

/** What a file system error code means, for a person. */
const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'a folder has that name',
  ENOTDIR: 'a file stands where a folder is needed',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

function writeHint(errno: string): string {
  const elsewhere = 'or choose another runs folder (`--runs-dir`, `paths.runsDir`)';
  if (errno === 'ENOSPC' || errno === 'EDQUOT') return `Free disk space on that file system, ${elsewhere}.`;
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') return `Make the folder writable, ${elsewhere}.`;
  return `Check the disk and the folder, ${elsewhere}.`;
}

/**
 * A file could not be written (disk full, no permission, read-only file system): names the file the write was for,
 * the errno (`ENOSPC`, …) and what to do. The atomic writers throw it; they leave no temporary file behind.
 */
export class FileWriteError extends TribarError {
  /** The file that was being written (its final name, not the temporary one). */
  readonly path: string;
  /** The system error code, e.g. `ENOSPC`. */
  readonly errno: string;

  constructor(path: string, errno: string, details: Omit<ErrorDetails, 'hint'> = {}) {
    const text = ERRNO_TEXT[errno];
    super('WRITE_FAILED', `cannot write ${path}: ${errno}${text ? ` (${text})` : ''}`, { ...details, hint: writeHint(errno) });
    this.path = path;
    this.errno = errno;
  }
}

/** The errno of a Node system error (`ENOSPC`, `EACCES`, …), or undefined for anything else. */
export function systemErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error instanceof TribarError) return undefined;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** Narrow an unknown thrown value to something with a message, for logging and state files. */
export function describeError(error: unknown): { name: string; code?: string; message: string; hint?: string } {
  if (error instanceof TribarError) return error.toJSON();
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** A failure for a person: one line saying what failed, the hint apart, and the stack only for debugging. */
export interface FailureDescription {
  name: string;
  code?: string;
  /** What failed, on one line (a `TribarError`'s hint is not part of it). */
  message: string;
  hint?: string;
  /** The JS stack (with its causes'), for a debug log only. */
  stack?: string;
}

/** Split anything thrown into a one-line message, its hint and its stack (see `FailureDescription`). */
export function describeFailure(error: unknown): FailureDescription {
  if (!(error instanceof Error)) return { name: 'Error', message: oneLine(String(error)) };
  const hint = error instanceof TribarError ? error.hint : undefined;
  const suffix = hint ? `\n  hint: ${hint}` : '';
  const text = suffix && error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message;
  let stack = error.stack;
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    stack = `${stack ?? ''}\ncaused by: ${cause.stack ?? cause.message}`;
  }
  return {
    name: error.name,
    ...(error instanceof TribarError ? { code: error.code } : {}),
    message: oneLine(text),
    ...(hint ? { hint } : {}),
    ...(stack ? { stack } : {}),
  };
}

const oneLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');

/**
 * A run that does not exist: a pipeline run folder under a runs directory, or a tracked training
 * run under a tracking root. One class, so an app maps both to its "no such run" exit code.
 */
export class RunNotFoundError extends TribarError {
  /** The id (or id prefix) asked for. */
  readonly query: string;
  /** Where it was looked for. */
  readonly root: string;

  constructor(query: string, root: string, hint = '`tribar pipelines` lists the pipeline runs, `tribar runs list` the tracked ones.') {
    super('RUN_NOT_FOUND', `no run '${query}' in ${root}`, { hint });
    this.query = query;
    this.root = root;
  }
}

/**
 * An optional package a feature needs is not installed (heavy runtimes are optional peer
 * dependencies, loaded only when used). The message names the package and what needs it.
 */
export class MissingPackageError extends TribarError {
  /** The npm package to install. */
  readonly packageName: string;

  constructor(packageName: string, purpose: string, details: Omit<ErrorDetails, 'hint'> = {}) {
    super('PACKAGE_MISSING', `${purpose} needs the optional package '${packageName}', which is not installed`, {
      ...details,
      hint: `Install it next to Tribar: npm install ${packageName}`,
    });
    this.packageName = packageName;
  }
}
