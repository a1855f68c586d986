import { UsageError } from '@tribar/core';

/** MLflow's limits (mlflow/utils/validation.py): the UI and other stores reject anything longer. */
const MAX_KEY_LENGTH = 250;
const MAX_PARAM_VALUE_LENGTH = 6000;
const MAX_TAG_VALUE_LENGTH = 5000;
const MAX_EXPERIMENT_NAME_LENGTH = 500;

// Python's `\w` is Unicode-aware, hence letters and digits of any script.
const VALID_KEY = /^[/\p{L}\p{N}_.\- ]*$/u;

/**
 * Python's `posixpath.normpath`, which MLflow uses to reject names that would not map to
 * exactly one file: Node's `path.posix.normalize` keeps trailing slashes and so disagrees.
 */
function pythonNormpath(path: string): string {
  if (path === '') return '.';
  const leading = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    const last = parts.at(-1);
    if (part !== '..' || (leading === 0 && parts.length === 0) || last === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(leading) + parts.join('/');
  return joined === '' ? '.' : joined;
}

function resolvesElsewhere(name: string): boolean {
  const norm = pythonNormpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

export type KeyKind = 'metric' | 'param' | 'tag';

/** Throw a UsageError unless `key` is a name MLflow accepts for a metric, param or tag file. */
export function validateKey(kind: KeyKind, key: string): void {
  const label = kind === 'param' ? 'parameter' : kind;
  if (typeof key !== 'string' || key.length === 0) {
    throw new UsageError(`Invalid ${label} name: a key name must be provided`, {
      hint: 'pass a non-empty name such as "val/f1"',
    });
  }
  if (!VALID_KEY.test(key)) {
    throw new UsageError(
      `Invalid ${label} name '${key}': names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ) and slashes (/)`,
      { hint: 'replace the other characters, e.g. with "_"' },
    );
  }
  if (resolvesElsewhere(key)) {
    throw new UsageError(
      `Invalid ${label} name '${key}': names are stored as files and must not resolve to another path (this one resolves to '${pythonNormpath(key)}')`,
      { hint: 'use a relative name without "..", "./", doubled or leading/trailing slashes' },
    );
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new UsageError(`Invalid ${label} name '${key.slice(0, 40)}…': ${key.length} characters, MLflow allows ${MAX_KEY_LENGTH}`, {
      hint: 'shorten the name',
    });
  }
}

/** A relative path under a run's artifacts folder: same rules as keys for where it may point. */
export function validateArtifactPath(path: string): void {
  if (path.includes('\\') || path.includes('\0') || resolvesElsewhere(path)) {
    throw new UsageError(`Invalid artifact path '${path}': it must be a normalised relative path inside the run's artifacts folder`, {
      hint: 'use forward slashes, no "..", no leading or trailing slash, e.g. "model/weights.bin"',
    });
  }
}

export function validateValueLength(kind: 'param' | 'tag', key: string, value: string): void {
  const limit = kind === 'param' ? MAX_PARAM_VALUE_LENGTH : MAX_TAG_VALUE_LENGTH;
  if (value.length > limit) {
    throw new UsageError(
      `${kind === 'param' ? 'Param' : 'Tag'} '${key}' has a value of ${value.length} characters; MLflow allows ${limit}`,
      {
        hint: kind === 'param' ? 'log long values as an artifact instead (writeArtifact)' : 'shorten the tag value',
      },
    );
  }
}

export function validateExperimentName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new UsageError('Invalid experiment name: it must be a non-empty string', { hint: 'pass a name such as "xgboost-h20"' });
  }
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
    throw new UsageError(`Experiment name is ${name.length} characters; MLflow allows ${MAX_EXPERIMENT_NAME_LENGTH}`, {
      hint: 'shorten the experiment name',
    });
  }
}
