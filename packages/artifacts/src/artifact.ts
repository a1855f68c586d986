import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataType, Precision, type Table } from 'apache-arrow';
import { ArtifactError, readArrowFile, writeArrowFile, writeJsonAtomic } from '@tribar/core';
import type { z } from 'zod';

/**
 * A JSON artifact of the run folder: where it lives (run-relative), which stage writes it, and
 * its shape as a zod schema. Readers get the parsed, typed value; a file of the wrong shape fails
 * with the file and every field that is out of place.
 */
export interface JsonArtifact<T> {
  readonly kind: 'json';
  /** Run-relative path, `/`-separated. */
  readonly path: string;
  /** The stage (or `pipeline`) that writes it: the one writer. */
  readonly producer: string;
  readonly schema: z.ZodType<T>;
}

/** Column types an Arrow artifact promises. `number` accepts any integer or float column. */
export type ColumnType = 'float64' | 'float32' | 'int8' | 'int32' | 'number' | 'timestamp' | 'utf8' | 'bool';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

/** An Arrow IPC artifact: its path, its writer and the columns every such file has (more may follow). */
export interface ArrowArtifact {
  readonly kind: 'arrow';
  readonly path: string;
  readonly producer: string;
  readonly columns: readonly ColumnSpec[];
}

/** Any other file a stage writes (an SVG chart, the HTML report): only a path and a writer. */
export interface FileArtifact {
  readonly kind: 'file';
  readonly path: string;
  readonly producer: string;
}

export type Artifact = JsonArtifact<unknown> | ArrowArtifact | FileArtifact;

export function jsonArtifact<T>(path: string, producer: string, schema: z.ZodType<T>): JsonArtifact<T> {
  return { kind: 'json', path, producer, schema };
}

export function arrowArtifact(path: string, producer: string, columns: readonly ColumnSpec[]): ArrowArtifact {
  return { kind: 'arrow', path, producer, columns };
}

export function fileArtifact(path: string, producer: string): FileArtifact {
  return { kind: 'file', path, producer };
}

/** Absolute path of an artifact in a run folder. */
export function artifactPath(runDir: string, artifact: Artifact | string): string {
  return join(runDir, typeof artifact === 'string' ? artifact : artifact.path);
}

/** Every problem of a zod parse as `field 'a.b[2]': message`, one per line. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((issue) => {
      const field = issue.path.length === 0 ? '(root)' : formatField(issue.path);
      return `field '${field}': ${issue.message}`;
    })
    .join('; ');
}

function formatField(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Check a value against a JSON artifact's schema; `file` names it in the error. */
export function parseJsonArtifact<T>(artifact: JsonArtifact<T>, value: unknown, file: string = artifact.path): T {
  const parsed = artifact.schema.safeParse(value);
  if (!parsed.success) {
    throw new ArtifactError(`not a valid ${artifact.path} (${describeIssues(parsed.error)})`, file, {
      hint: `The file is damaged or from another version; re-run stage '${artifact.producer}'.`,
    });
  }
  return parsed.data;
}

/** Read, parse and validate a JSON artifact of a run folder. */
export async function readJsonArtifact<T>(runDir: string, artifact: JsonArtifact<T>): Promise<T> {
  return readJsonArtifactFile(artifactPath(runDir, artifact), artifact);
}

/** The same for a file given by its absolute path (a run folder's artifact copied elsewhere). */
export async function readJsonArtifactFile<T>(file: string, artifact: JsonArtifact<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ArtifactError('cannot read the file', file, {
      cause: error,
      hint: `Run stage '${artifact.producer}' first (or check the run folder).`,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`not valid JSON (${(error as Error).message})`, file, {
      cause: error,
      hint: `The file is truncated or damaged; re-run stage '${artifact.producer}'.`,
    });
  }
  return parseJsonArtifact(artifact, raw, file);
}

/**
 * Validate and write a JSON artifact atomically. The value is written as given (key order kept),
 * so a writer's bytes do not change by passing through the contract.
 */
export async function writeJsonArtifact<T>(runDir: string, artifact: JsonArtifact<T>, value: T): Promise<string> {
  const file = artifactPath(runDir, artifact);
  parseJsonArtifact(artifact, value, file);
  await mkdir(dirname(file), { recursive: true });
  await writeJsonAtomic(file, value);
  return file;
}

function columnMatches(type: DataType, expected: ColumnType): boolean {
  switch (expected) {
    case 'float64':
      return DataType.isFloat(type) && type.precision === Precision.DOUBLE;
    case 'float32':
      return DataType.isFloat(type) && type.precision === Precision.SINGLE;
    case 'int8':
      return DataType.isInt(type) && type.bitWidth === 8;
    case 'int32':
      return DataType.isInt(type) && type.bitWidth === 32;
    case 'number':
      return DataType.isInt(type) || DataType.isFloat(type);
    case 'timestamp':
      return DataType.isTimestamp(type);
    case 'utf8':
      return DataType.isUtf8(type) || DataType.isDictionary(type);
    case 'bool':
      return DataType.isBool(type);
  }
}

/** Check that a table has every column an Arrow artifact promises, with its type. */
export function checkArrowColumns(artifact: ArrowArtifact, table: Table, file: string = artifact.path): Table {
  for (const column of artifact.columns) {
    const field = table.schema.fields.find((f) => f.name === column.name);
    if (!field) {
      throw new ArtifactError(`column '${column.name}' is missing (${artifact.path} promises it)`, file, {
        hint: `The file is from another version or was written by hand; re-run stage '${artifact.producer}'.`,
      });
    }
    if (!columnMatches(field.type, column.type)) {
      throw new ArtifactError(`column '${column.name}' is ${String(field.type)}, not ${column.type}`, file, {
        hint: `Re-run stage '${artifact.producer}'.`,
      });
    }
  }
  return table;
}

export async function readArrowArtifact(runDir: string, artifact: ArrowArtifact): Promise<Table> {
  const file = artifactPath(runDir, artifact);
  return checkArrowColumns(artifact, await readArrowFile(file), file);
}

export async function writeArrowArtifact(runDir: string, artifact: ArrowArtifact, table: Table): Promise<string> {
  const file = artifactPath(runDir, artifact);
  checkArrowColumns(artifact, table, file);
  await mkdir(dirname(file), { recursive: true });
  await writeArrowFile(file, table);
  return file;
}
