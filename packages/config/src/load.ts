import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import YAML from 'yaml';
import type { ZodError } from 'zod';
import { crossFieldIssues } from './checks.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { runConfigSchema, type RunConfig } from './schema.js';

/** Environment variables `TRIBAR__SECTION__FIELD_NAME=value` set `section.fieldName`. */
export const ENV_PREFIX = 'TRIBAR__';

export interface LoadConfigOptions {
  /**
   * A resolved config a run wrote (`<run>/config.json`), taken as the base instead of the schema's
   * defaults, so that run's settings come back exactly; the layers below apply on top of it.
   */
  runConfig?: string;
  /** A YAML or JSON file; omitted means defaults only. */
  file?: string;
  /** Usually `process.env`; only `TRIBAR__*` variables are read. */
  env?: Record<string, string | undefined>;
  /** `path=value` pairs from the command line, e.g. `splits.purgeBars=20`; values are YAML. */
  overrides?: readonly string[];
}

export interface LoadedConfig {
  config: RunConfig;
  /** Where each layer came from, lowest first: defaults, file, env, cli. */
  layers: { source: string; values: Record<string, unknown> }[];
}

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Overlay `top` on `base`: objects merge key by key, everything else (arrays too) is replaced. */
export function deepMerge(base: Plain, top: Plain): Plain {
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const under = merged[key];
    merged[key] = isPlainObject(under) && isPlainObject(value) ? deepMerge(under, value) : value;
  }
  return merged;
}

/** The defaults as plain data: what a run uses when nothing is configured. */
export function defaultConfig(): RunConfig {
  return runConfigSchema.parse({});
}

function zodIssues(error: ZodError): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}` };
    }
    return { path, message: issue.message };
  });
}

/**
 * Validate plain data as a run config: every schema and cross-field problem at once, or the config.
 * `explicit` is the part the user wrote themselves (defaults excluded); it defaults to `input`.
 */
export function parseConfig(input: unknown, source?: string, explicit: unknown = input): RunConfig {
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error), source);
  const issues = crossFieldIssues(parsed.data, explicit);
  if (issues.length) throw new ConfigError(issues, source);
  return parsed.data;
}

/** Read a YAML or JSON config file into plain data; syntax errors name the file and line. */
export async function readConfigFile(file: string): Promise<Plain> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new ConfigError([{ path: '', message: `config file not found: ${path}` }], file);
  }
  const text = await readFile(path, 'utf8');
  const extension = extname(path).toLowerCase();
  let value: unknown;
  if (extension === '.json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError([{ path: '', message: `not valid JSON: ${(error as Error).message}` }], file);
    }
  } else if (extension === '.yaml' || extension === '.yml') {
    const document = YAML.parseDocument(text, { prettyErrors: true });
    if (document.errors.length) {
      throw new ConfigError(
        document.errors.map((error) => ({
          path: '',
          message: `YAML syntax at line ${error.linePos?.[0]?.line ?? '?'}: ${error.message.split('\n')[0]}`,
        })),
        file,
      );
    }
    value = document.toJS();
  } else {
    throw new ConfigError([{ path: '', message: `unsupported config extension '${extension}' (use .yaml, .yml or .json)` }], file);
  }
  if (value == null) return {};
  if (!isPlainObject(value)) throw new ConfigError([{ path: '', message: 'the file must hold a mapping of fields' }], file);
  return value;
}

/** Set `value` at a dotted path inside `target`, creating objects on the way. */
function setPath(target: Plain, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Plain;
  });
  node[path[path.length - 1] as string] = value;
}

const normalise = (key: string) => key.toLowerCase().replaceAll('_', '');

/**
 * Map an environment segment (`PURGE_BARS`) to the config key it names (`purgeBars`) by
 * matching the keys that exist in the defaults; unknown segments (a new symbol) keep their case.
 */
function envPath(segments: readonly string[], defaults: Plain): string[] {
  const path: string[] = [];
  let node: unknown = defaults;
  for (const segment of segments) {
    const keys = isPlainObject(node) ? Object.keys(node) : [];
    const known = keys.find((candidate) => normalise(candidate) === normalise(segment));
    path.push(known ?? segment);
    // A new entry of a record (a symbol not in the defaults) takes the shape of its siblings,
    // so `TRIBAR__CONTRACTS__ES__TICK_SIZE` still finds `tickSize`.
    const sibling = isPlainObject(node) ? Object.values(node).find(isPlainObject) : undefined;
    node = known !== undefined && isPlainObject(node) ? node[known] : sibling;
  }
  return path;
}

function parseScalar(text: string): unknown {
  try {
    return YAML.parse(text);
  } catch {
    return text;
  }
}

export function envLayer(env: Record<string, string | undefined>, defaults: Plain): Plain {
  const layer: Plain = {};
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    if (segments.length) setPath(layer, envPath(segments, defaults), parseScalar(raw));
  }
  return layer;
}

export function overridesLayer(overrides: readonly string[]): Plain {
  const layer: Plain = {};
  for (const override of overrides) {
    const at = override.indexOf('=');
    if (at <= 0) {
      throw new ConfigError([{ path: '', message: `override '${override}' is not of the form path=value` }], 'command line');
    }
    setPath(layer, override.slice(0, at).trim().split('.'), parseScalar(override.slice(at + 1)));
  }
  return layer;
}

/**
 * Build a run's config from, lowest precedence first: the schema's defaults (or a run's resolved
 * config), a YAML/JSON file, `TRIBAR__*` environment variables, and `path=value` command-line overrides.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const defaults = defaultConfig() as Plain;
  // A run's resolved config replaces the defaults rather than layering on them: its tables (barriers,
  // contracts) are complete, and merging the shipped ones back in would add entries the run never had.
  const layers: LoadedConfig['layers'] = [
    options.runConfig
      ? { source: options.runConfig, values: await readConfigFile(options.runConfig) }
      : { source: 'defaults', values: defaults },
  ];
  if (options.file) layers.push({ source: options.file, values: await readConfigFile(options.file) });
  const fromEnv = envLayer(options.env ?? {}, defaults);
  if (Object.keys(fromEnv).length) layers.push({ source: 'environment', values: fromEnv });
  if (options.overrides?.length) layers.push({ source: 'command line', values: overridesLayer(options.overrides) });
  const merged = layers.reduce<Plain>((acc, layer) => deepMerge(acc, layer.values), {});
  const explicit = layers.slice(1).reduce<Plain>((acc, layer) => deepMerge(acc, layer.values), {});
  const source =
    layers
      .filter((layer) => layer.source !== 'defaults')
      .map((layer) => layer.source)
      .join(' + ') || 'defaults';
  return { config: parseConfig(merged, source, explicit), layers };
}
