import { DataError, UsageError } from '@tribar/core';

/**
 * Python's `repr(float)`, which MLflow's FileStore writes (`f"{value}"`): shortest digits that
 * round-trip (as in JS), but scientific notation below 1e-4 and from 1e16 up, always a
 * decimal point otherwise (`3.0`), and `nan` / `inf` / `-inf`.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integer}.${fraction === '' ? '0' : fraction}`;
}

export type ParamValue = string | number | boolean;

/**
 * The text MLflow stores for a Python value passed to `log_param` (`str(value)`): integers
 * without a decimal point (JS cannot tell 5 from 5.0, so 5 is written as Python's int 5),
 * other numbers as `repr(float)`, booleans as `True` / `False`.
 */
export function paramText(value: ParamValue | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Number.isInteger(value)) return BigInt(value).toString();
  return pythonFloatRepr(value);
}

export interface ParamTree {
  [key: string]: ParamValue | null | undefined | readonly ParamValue[] | ParamTree;
}

/** Nested objects become dotted keys (`{ model: { depth: 6 } }` → `model.depth`); arrays are stored as JSON text. */
export function flattenParams(params: ParamTree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(params)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (value === undefined) continue;
    if (Array.isArray(value)) out[name] = JSON.stringify(value);
    else if (value !== null && typeof value === 'object') flattenParams(value as ParamTree, name, out);
    else out[name] = paramText(value as ParamValue | null);
  }
  return out;
}

export interface MetricPoint {
  timestampMs: number;
  value: number;
  step: number;
}

const PY_INT = /^[+-]?\d+$/;
const PY_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** Python's `float()` on the strings MLflow writes and reads (`nan`, `inf`, `1e-05`, `3.0`). */
function parsePythonFloat(text: string): number | undefined {
  if (!PY_FLOAT.test(text)) return undefined;
  const lower = text.toLowerCase();
  const negative = lower.startsWith('-');
  const body = lower.replace(/^[+-]/, '');
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return negative ? -Infinity : Infinity;
  return Number(text);
}

/**
 * Read an MLflow metric file: one `<timestamp ms> <value> [<step>]` line per logged value
 * (the step is optional in files older MLflow wrote; it defaults to 0, as MLflow reads it).
 */
export function parseMlflowMetricFile(text: string, file?: string): MetricPoint[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => {
    const at = { ...(file !== undefined ? { file } : {}), row: index + 1 };
    const parts = line.trim().split(' ');
    if (parts.length !== 2 && parts.length !== 3) {
      throw new DataError(`metric line has ${parts.length} fields, expected '<timestamp ms> <value> <step>': '${line}'`, at, {
        hint: 'the file is not an MLflow metric file or was edited by hand; fix or remove the line',
      });
    }
    const [tsText = '', valueText = '', stepText = '0'] = parts;
    const value = parsePythonFloat(valueText);
    if (!PY_INT.test(tsText)) throw new DataError(`timestamp '${tsText}' is not an integer`, { ...at, field: 'timestamp' });
    if (value === undefined) throw new DataError(`value '${valueText}' is not a number`, { ...at, field: 'value' });
    if (!PY_INT.test(stepText)) throw new DataError(`step '${stepText}' is not an integer`, { ...at, field: 'step' });
    return { timestampMs: Number(tsText), value, step: Number(stepText) };
  });
}

/** MLflow's "latest" value: the largest (step, timestamp, value) tuple. */
export function latestMetric(points: readonly MetricPoint[]): MetricPoint | undefined {
  let best: MetricPoint | undefined;
  for (const point of points) {
    if (
      best === undefined ||
      point.step > best.step ||
      (point.step === best.step &&
        (point.timestampMs > best.timestampMs || (point.timestampMs === best.timestampMs && point.value > best.value)))
    ) {
      best = point;
    }
  }
  return best;
}

export function metricLine(point: MetricPoint): string {
  return `${point.timestampMs} ${pythonFloatRepr(point.value)} ${point.step}\n`;
}

export function checkMetric(key: string, value: number, step: number, timestampMs: number): void {
  if (typeof value !== 'number') {
    throw new UsageError(`Metric '${key}' got ${typeof value} ${String(value)}; metrics are 64-bit floats`, { hint: 'pass a number' });
  }
  if (!Number.isSafeInteger(step)) {
    throw new UsageError(`Metric '${key}' got step ${step}; the step must be an integer`, { hint: 'pass the epoch or iteration number' });
  }
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new UsageError(`Metric '${key}' got timestamp ${timestampMs}; it must be a non-negative integer of milliseconds since 1970`, {
      hint: 'pass Date.now() or leave it out',
    });
  }
}
