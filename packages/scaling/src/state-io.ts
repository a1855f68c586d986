import { UsageError } from '@tribar/core';
import { SCALER_KINDS, SCALER_STATE_VERSION, SCALING_CATEGORIES, type FeatureState, type ScalerState, type ScalingOptions } from './scaler.js';
import type { ColumnStats } from './stats.js';

/** `scale/scaler.json`: one state per symbol, plus the cut it was fitted before. */
export interface ScalerFile {
  format: 'tribar-scaler';
  version: typeof SCALER_STATE_VERSION;
  /** Rows with timestamp < trainEnd (UTC ms) were the train rows of every symbol. */
  trainEnd: number;
  trainEndIso: string;
  symbols: Record<string, ScalerState>;
}

/** JSON text of a state (plain numbers and strings only: no pickles, no NaN). */
export function serializeState(state: ScalerState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

export function serializeScalerFile(file: ScalerFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

class Reader {
  constructor(readonly where: string) {}
  fail(message: string): never {
    throw new UsageError(`${this.where}: ${message}`, { hint: 'Re-run the scale stage with this version of @tribar/scaling.' });
  }
  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${path} must be an object`);
    return value as Record<string, unknown>;
  }
  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${path} must be a finite number`);
    return value;
  }
  numberOrNull(value: unknown, path: string): number | null {
    return value === null ? null : this.number(value, path);
  }
  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(`${path} must be true or false`);
    return value;
  }
  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(`${path} must be a string`);
    return value;
  }
  oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
    if (!(allowed as readonly unknown[]).includes(value)) this.fail(`${path} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  }
}

function readOptions(r: Reader, value: unknown): ScalingOptions {
  const o = r.object(value, 'options');
  const q = o['robustQuantiles'];
  if (!Array.isArray(q) || q.length !== 2) r.fail('options.robustQuantiles must be two numbers');
  const clip = r.object(o['clip'], 'options.clip');
  return {
    defaultScaler: r.oneOf(o['defaultScaler'], ['robust', 'standard', 'minmax'] as const, 'options.defaultScaler'),
    robustQuantiles: [r.number(q[0], 'options.robustQuantiles[0]'), r.number(q[1], 'options.robustQuantiles[1]')],
    logPriceAndVolume: r.boolean(o['logPriceAndVolume'], 'options.logPriceAndVolume'),
    clip: { enabled: r.boolean(clip['enabled'], 'clip.enabled'), min: r.number(clip['min'], 'clip.min'), max: r.number(clip['max'], 'clip.max') },
  };
}

function readStats(r: Reader, value: unknown, path: string): ColumnStats {
  const s = r.object(value, path);
  const count = (key: string) => {
    const n = r.number(s[key], `${path}.${key}`);
    if (!Number.isInteger(n) || n < 0) r.fail(`${path}.${key} must be a count`);
    return n;
  };
  const num = (key: string) => r.numberOrNull(s[key], `${path}.${key}`);
  return {
    rows: count('rows'),
    finite: count('finite'),
    nanCount: count('nanCount'),
    infCount: count('infCount'),
    mean: num('mean'),
    std: num('std'),
    min: num('min'),
    max: num('max'),
    median: num('median'),
    q25: num('q25'),
    q75: num('q75'),
  };
}

function readFeature(r: Reader, value: unknown, index: number): FeatureState {
  const path = `features[${index}]`;
  const f = r.object(value, path);
  const scaled = r.object(f['scaledTrain'], `${path}.scaledTrain`);
  const scale = r.number(f['scale'], `${path}.scale`);
  if (scale === 0) r.fail(`${path}.scale must not be 0`);
  const warnings = f['warnings'];
  if (!Array.isArray(warnings) || warnings.some((w) => typeof w !== 'string')) r.fail(`${path}.warnings must be strings`);
  return {
    name: r.string(f['name'], `${path}.name`),
    category: r.oneOf(f['category'], SCALING_CATEGORIES, `${path}.category`),
    flag: r.boolean(f['flag'], `${path}.flag`),
    scaler: r.oneOf(f['scaler'], SCALER_KINDS, `${path}.scaler`),
    log: r.boolean(f['log'], `${path}.log`),
    logShift: r.number(f['logShift'], `${path}.logShift`),
    fill: r.number(f['fill'], `${path}.fill`),
    center: r.number(f['center'], `${path}.center`),
    scale,
    clip: r.boolean(f['clip'], `${path}.clip`),
    train: readStats(r, f['train'], `${path}.train`),
    scaledTrain: {
      mean: r.numberOrNull(scaled['mean'], `${path}.scaledTrain.mean`),
      std: r.numberOrNull(scaled['std'], `${path}.scaledTrain.std`),
      min: r.numberOrNull(scaled['min'], `${path}.scaledTrain.min`),
      max: r.numberOrNull(scaled['max'], `${path}.scaledTrain.max`),
    },
    warnings: warnings as string[],
  };
}

function readState(r: Reader, value: unknown): ScalerState {
  const s = r.object(value, 'state');
  if (s['version'] !== SCALER_STATE_VERSION) r.fail(`scaler state version ${JSON.stringify(s['version'])} is not ${SCALER_STATE_VERSION}`);
  if (!Array.isArray(s['features'])) r.fail('features must be an array');
  const features = (s['features'] as unknown[]).map((f, i) => readFeature(r, f, i));
  const trainRows = r.number(s['trainRows'], 'trainRows');
  return { version: SCALER_STATE_VERSION, options: readOptions(r, s['options']), trainRows, features };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Parse and validate a state written by `serializeState` (or the object parsed from it); checks the version. */
export function parseState(input: string | unknown, where = 'scaler state'): ScalerState {
  return readState(new Reader(where), typeof input === 'string' ? parseJson(input, where) : input);
}

/** Parse and validate `scale/scaler.json`. */
export function parseScalerFile(input: string | unknown, where = 'scaler.json'): ScalerFile {
  const r = new Reader(where);
  const f = r.object(typeof input === 'string' ? parseJson(input, where) : input, 'file');
  if (f['format'] !== 'tribar-scaler') r.fail(`format must be 'tribar-scaler'`);
  if (f['version'] !== SCALER_STATE_VERSION) r.fail(`scaler file version ${JSON.stringify(f['version'])} is not ${SCALER_STATE_VERSION}`);
  const symbols: Record<string, ScalerState> = {};
  for (const [symbol, state] of Object.entries(r.object(f['symbols'], 'symbols'))) symbols[symbol] = readState(new Reader(`${where} (${symbol})`), state);
  return {
    format: 'tribar-scaler',
    version: SCALER_STATE_VERSION,
    trainEnd: r.number(f['trainEnd'], 'trainEnd'),
    trainEndIso: r.string(f['trainEndIso'], 'trainEndIso'),
    symbols,
  };
}
