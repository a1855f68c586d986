import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactError, sha256 } from '@tribar/core';
import { parse, stringify } from 'yaml';

/**
 * MLflow's model layout: a model directory is an MLflow Model when its root holds an `MLmodel`
 * YAML file naming the flavors it can be loaded as (https://mlflow.org/docs/latest/ml/model,
 * "Storage Format"). Every saved Tribar model gets one beside its own `tribar-model.json`.
 */
export const MLMODEL_FILE = 'MLmodel';

/** Where the tracker logs a model directory inside a tracked run's artifacts. */
const MODEL_ARTIFACT_PATH = 'model';

/** What `writeModelDir` knows when it writes the MLmodel file. */
export interface MlmodelSource {
  /** Registered family name, e.g. `xgboost`. */
  name: string;
  /** `tribar-model.json`'s format version. */
  format: number;
  /** The header file the `tribar` flavor loads from. */
  headerFile: string;
  featureNames?: readonly string[];
  inputShape?: readonly number[];
  extra?: Record<string, unknown>;
  /** The model files besides the header and the MLmodel file (content decides `model_uuid`). */
  files: Readonly<Record<string, string | Uint8Array>>;
  headerText: string;
}

/** An MLmodel file as Tribar writes and reads it. */
export interface Mlmodel {
  artifactPath: string;
  /** Flavor name → its settings; `tribar` always, `xgboost` for the xgboost family. */
  flavors: Record<string, Record<string, unknown>>;
  modelUuid: string;
  modelSizeBytes: number;
  /** Input columns: names and MLflow types (tabular), or one tensor (sequence). */
  inputs: Array<{ type: string; name?: string; required?: boolean; 'tensor-spec'?: { dtype: string; shape: number[] } }>;
  outputs: Array<{ type: string; 'tensor-spec'?: { dtype: string; shape: number[] } }>;
}

/**
 * The native MLflow flavor, where one exists: an XGBoost JSON model (the xgboost family's own file,
 * or the gbdt family's XGBoost export) loads with `mlflow.xgboost`.
 */
function nativeFlavor(source: MlmodelSource): Record<string, Record<string, unknown>> {
  const modelFile = source.name === 'xgboost' ? source.extra?.['modelFile'] : source.extra?.['xgboostFile'];
  if (typeof modelFile !== 'string') return {};
  const version = source.extra?.['xgboostVersion'];
  return {
    xgboost: {
      code: null,
      data: modelFile,
      model_class: 'xgboost.core.Booster',
      model_format: 'json',
      ...(typeof version === 'string' ? { xgb_version: version } : {}),
    },
  };
}

/**
 * The MLmodel YAML of a model directory. Deterministic (no creation time, a content-derived
 * `model_uuid`), so one config + seed still writes the same bytes. The signature follows MLflow's
 * JSON form: named float32 columns (MLflow's `float`) for tabular input, one float32 tensor
 * `[-1, steps, features]` for sequence input (the feature names are in the `tribar` flavor); the
 * output is the `[-1, 3]` class probabilities (short, neutral, long).
 */
export function mlmodelText(source: MlmodelSource): string {
  const names = source.featureNames ?? [];
  const shape = source.inputShape ?? (names.length > 0 ? [names.length] : []);
  const inputs =
    shape.length === 1 && names.length === shape[0]
      ? names.map((name) => ({ type: 'float', name, required: true }))
      : [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, ...shape] } }];
  const outputs = [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] } }];
  const entries = Object.entries(source.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const bytes = (content: string | Uint8Array) => (typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength);
  const size = entries.reduce((sum, [, content]) => sum + bytes(content), Buffer.byteLength(source.headerText));
  const digest = sha256(entries.map(([name, content]) => `${name}\n${sha256(content)}`).join('\n') + `\n${sha256(source.headerText)}`);
  const document = {
    artifact_path: MODEL_ARTIFACT_PATH,
    flavors: {
      tribar: {
        family: source.name,
        format_version: source.format,
        header: source.headerFile,
        data: entries.map(([name]) => name),
        ...(names.length > 0 ? { feature_names: [...names] } : {}),
        ...(shape.length > 0 ? { input_shape: [...shape] } : {}),
        classes: ['short', 'neutral', 'long'],
      },
      ...nativeFlavor(source),
    },
    model_size_bytes: size,
    model_uuid: digest.slice(0, 32),
    signature: { inputs: JSON.stringify(inputs), outputs: JSON.stringify(outputs), params: null },
  };
  return stringify(document, { lineWidth: 0 });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parse an MLmodel file's text; an `ArtifactError` names the file and the field out of place. */
export function parseMlmodel(text: string, path: string): Mlmodel {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ArtifactError(`not YAML (${(error as Error).message})`, path, { cause: error });
  }
  const bad = (field: string, what: string) => new ArtifactError(`field '${field}': ${what}`, path, { hint: 'Save the model again.' });
  if (!isRecord(raw)) throw bad('(root)', 'expected a mapping');
  if (!isRecord(raw['flavors'])) throw bad('flavors', 'expected a mapping of flavor names');
  const flavors: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(raw['flavors'])) {
    if (!isRecord(value)) throw bad(`flavors.${name}`, 'expected a mapping');
    flavors[name] = value;
  }
  const signature = raw['signature'];
  const parseList = (field: 'inputs' | 'outputs') => {
    const value = isRecord(signature) ? signature[field] : undefined;
    if (value === undefined || value === null) return [];
    if (typeof value !== 'string') throw bad(`signature.${field}`, 'expected a JSON string');
    try {
      const list = JSON.parse(value) as unknown;
      if (!Array.isArray(list)) throw new Error('not a list');
      return list as Mlmodel['inputs'];
    } catch (error) {
      throw bad(`signature.${field}`, `not a JSON list (${(error as Error).message})`);
    }
  };
  return {
    artifactPath: typeof raw['artifact_path'] === 'string' ? raw['artifact_path'] : '',
    flavors,
    modelUuid: typeof raw['model_uuid'] === 'string' ? raw['model_uuid'] : '',
    modelSizeBytes: typeof raw['model_size_bytes'] === 'number' ? raw['model_size_bytes'] : 0,
    inputs: parseList('inputs'),
    outputs: parseList('outputs'),
  };
}

/**
 * Read the MLmodel file of a saved model directory, or `undefined` for a directory saved before
 * Tribar wrote one (it still loads through its `tribar-model.json`).
 */
export async function readMlmodel(dir: string): Promise<Mlmodel | undefined> {
  const path = join(dir, MLMODEL_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ArtifactError('cannot read the MLmodel file', path, { cause: error });
  }
  return parseMlmodel(text, path);
}
