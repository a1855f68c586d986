import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, TribarError, UsageError } from '@tribar/core';
import { readBars, type ColumnMapping } from '@tribar/ingest';
import type { Bars } from '@tribar/market';

/**
 * Raw one-minute bars, oldest first, as ingest reads them: CSV text, JSON records (one object per
 * bar, keys as CSV headers), an Arrow IPC file's bytes, or `Bars` already in memory.
 */
export type RawBarsInput = { csv: string } | { json: Array<Record<string, unknown>> } | { arrow: Uint8Array } | { bars: Bars };

/** How the run read its files (`data.timezone`, `data.columns`, `timeframes.sourceMinutes`). */
export interface RawReadOptions {
  symbol: string;
  timezone: string;
  columns: ColumnMapping;
  sourceMinutes: number;
  /** Names the input in errors (default `<csv input>`, `<json input>`, …). */
  label?: string;
}

/** Columns the reader knows besides the mapped ones: a symbol column (checked, not stored). */
const SYMBOL_COLUMNS = new Set(['symbol', 'ticker', 'instrument']);

/**
 * The contract month code the synthetic market carries (and the clean stage reads for rolls when
 * `clean.rolls.detect` is on). The file readers do not keep it, so it is carried here: without it a
 * roll the run found from contract changes would be looked for in price jumps instead.
 */
const CONTRACT_COLUMN = 'contract';

const normalise = (name: string) =>
  name
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim()
    .toLowerCase();

/** A CSV cell for a JSON value, or undefined when the value cannot be a bar field. */
function csvCell(value: unknown): string | undefined {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value !== 'string') return undefined;
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * JSON records as CSV text, so they go through the very reader (aliases, time zones, checks) a
 * run's CSV file went through. A record that is not an object, or a value that is neither a
 * number, a string nor null, fails naming its record and key.
 */
function jsonToCsv(records: readonly unknown[], label: string): string {
  if (!Array.isArray(records) || records.length === 0) {
    throw new DataError('no bars: expected a non-empty array of objects', { file: label }, { hint: 'Send one object per one-minute bar.' });
  }
  const keys: string[] = [];
  const seen = new Set<string>();
  records.forEach((record, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new DataError(
        'not an object',
        { file: label, row: i + 1 },
        { hint: 'Each bar is an object such as {"timestamp": …, "open": …}.' },
      );
    }
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  });
  const lines = [keys.map((key) => csvCell(key) ?? key).join(',')];
  records.forEach((record, i) => {
    const cells = keys.map((key) => {
      const cell = csvCell((record as Record<string, unknown>)[key]);
      if (cell === undefined) {
        throw new DataError(`value of type ${typeof (record as Record<string, unknown>)[key]} is not a number or a string`, {
          file: label,
          row: i + 1,
          field: key,
        });
      }
      return cell;
    });
    lines.push(cells.join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** The message of a DataError without its location prefix and hint (they are rebuilt). */
function bareMessage(error: DataError): string {
  let message = error.message;
  if (error.hint !== undefined) message = message.slice(0, message.length - `\n  hint: ${error.hint}`.length);
  const { file, row, field } = error.location;
  const where = [file, row !== undefined ? `row ${row}` : undefined, field ? `field '${field}'` : undefined].filter(Boolean).join(', ');
  return where && message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message;
}

/**
 * An error about the temporary file the input was written to, restated about the input itself:
 * `label` instead of the path; for JSON, the record number instead of the CSV line.
 */
function relabel(error: unknown, path: string, label: string, rowOf: (row: number) => number): unknown {
  if (!(error instanceof DataError) || error.location.file !== path) {
    if (error instanceof TribarError && error.message.includes(path)) {
      return new DataError(error.message.split(path).join(label), { file: label }, { cause: error });
    }
    return error;
  }
  const { row, field } = error.location;
  return new DataError(
    bareMessage(error).split(path).join(label),
    { file: label, ...(row !== undefined ? { row: rowOf(row) } : {}), ...(field !== undefined ? { field } : {}) },
    { ...(error.hint !== undefined ? { hint: error.hint } : {}), cause: error },
  );
}

/** Header cells of CSV text (the reader's delimiter; quotes honoured only around a whole cell). */
function csvHeader(text: string, delimiter: string): string[] {
  const end = text.search(/\r?\n/);
  return (end < 0 ? text : text.slice(0, end)).split(delimiter);
}

/** Every input column must be one the reader used (a bar field, a symbol column or a kept extra such as `contract`). */
function checkUnknownColumns(header: readonly string[], used: Iterable<string>, kept: Iterable<string>, label: string): void {
  const known = new Set([...used, ...kept].map(normalise));
  const unknown = header.filter((name) => {
    const key = normalise(name);
    return key !== '' && !known.has(key) && !SYMBOL_COLUMNS.has(key);
  });
  if (unknown.length === 0) return;
  throw new DataError(
    `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `'${name}'`).join(', ')}`,
    { file: label, row: 1, field: unknown[0] as string },
    {
      hint: `The run reads ${[...used].join(', ')}${[...kept].length ? ` and keeps ${[...kept].join(', ')}` : ''}; drop the other columns or map them in the run's data.columns.`,
    },
  );
}

/** Attach the input's contract column (one number per input row) to bars read in file order. */
function withContract(bars: Bars, values: ArrayLike<unknown> | undefined, label: string): Bars {
  if (values === undefined) return bars;
  const n = bars.timestamp.length;
  if (values.length !== n) {
    throw new DataError(`${values.length} contract values for ${n} bars`, { file: label, field: CONTRACT_COLUMN });
  }
  const column = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const raw = values[i];
    const value =
      typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : typeof raw === 'number' || typeof raw === 'bigint' ? Number(raw) : NaN;
    if (!Number.isFinite(value)) {
      throw new DataError(`contract ${JSON.stringify(raw)} is not a number`, { file: label, row: i + 1, field: CONTRACT_COLUMN });
    }
    column[i] = value;
  }
  return { ...bars, columns: { ...bars.columns, [CONTRACT_COLUMN]: column } };
}

/** The cells of one CSV column (numeric columns: no quoted delimiters), by header name. */
function csvColumn(text: string, delimiter: string, name: string): string[] | undefined {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const index = (lines[0] ?? '').split(delimiter).findIndex((cell) => normalise(cell) === name);
  if (index < 0) return undefined;
  return lines.slice(1).map((line) => line.split(delimiter)[index] ?? '');
}

/** Prices must be finite numbers: a NaN close would poison every recursive indicator after it. */
function checkFinitePrices(bars: Bars, label: string): void {
  const n = bars.timestamp.length;
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    if (bars[field].length !== n) throw new UsageError(`bars.${field} has ${bars[field].length} values for ${n} timestamps`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(bars.timestamp[i] as number)) {
      throw new DataError(`timestamp ${bars.timestamp[i]} is not a finite number`, { file: label, row: i + 1, field: 'timestamp' });
    }
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const value = bars[field][i] as number;
      if (!Number.isFinite(value)) {
        throw new DataError(
          `price ${value} is not a finite number`,
          { file: label, row: i + 1, field },
          {
            hint: 'Send every bar with its four prices, or leave the bar out (the cleaner fills short gaps as the run did).',
          },
        );
      }
    }
  }
}

async function readThroughFile(
  name: string,
  content: string | Uint8Array,
  options: RawReadOptions,
  label: string,
  rowOf: (row: number) => number,
): Promise<{ bars: Bars; used: string[]; delimiter?: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-predict-'));
  const path = join(dir, name);
  try {
    await writeFile(path, content);
    const { bars, stats } = await readBars(path, {
      symbol: options.symbol,
      timezone: options.timezone,
      columns: options.columns,
      barMinutes: options.sourceMinutes,
    }).catch((error: unknown) => {
      throw relabel(error, path, label, rowOf);
    });
    return { bars, used: Object.values(stats.columns), ...(stats.delimiter !== undefined ? { delimiter: stats.delimiter } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One-minute bars from any input form, read as the run read its files, with every column known
 * and every price finite; `bars.symbol` is the run's symbol. Repair, cleaning and resampling
 * come after (see `predict`).
 */
export async function readRawBars(input: RawBarsInput, options: RawReadOptions): Promise<Bars> {
  if (typeof input !== 'object' || input === null) throw new UsageError('bars: expected { csv }, { json }, { arrow } or { bars }');
  let bars: Bars;
  let label: string;
  if ('bars' in input) {
    label = options.label ?? '<bars>';
    bars = { ...input.bars, symbol: options.symbol };
  } else if ('csv' in input) {
    label = options.label ?? '<csv input>';
    if (typeof input.csv !== 'string') throw new UsageError('bars.csv must be a string');
    const read = await readThroughFile('bars.csv', input.csv, options, label, (row) => row);
    const delimiter = read.delimiter ?? ',';
    checkUnknownColumns(csvHeader(input.csv, delimiter), read.used, [CONTRACT_COLUMN], label);
    bars = withContract(read.bars, csvColumn(input.csv, delimiter, CONTRACT_COLUMN), label);
  } else if ('json' in input) {
    label = options.label ?? '<json input>';
    const header = Array.isArray(input.json)
      ? [...new Set(input.json.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : [])))]
      : [];
    // CSV line 1 is the header: record k (1-based) is line k + 1.
    const read = await readThroughFile('bars.csv', jsonToCsv(input.json, label), options, label, (row) => Math.max(1, row - 1));
    checkUnknownColumns(header, read.used, [CONTRACT_COLUMN], label);
    const contract = header.some((name) => normalise(name) === CONTRACT_COLUMN)
      ? input.json.map((record) => Object.entries(record).find(([key]) => normalise(key) === CONTRACT_COLUMN)?.[1])
      : undefined;
    bars = withContract(read.bars, contract, label);
  } else if ('arrow' in input) {
    label = options.label ?? '<arrow input>';
    if (!(input.arrow instanceof Uint8Array)) throw new UsageError('bars.arrow must be the bytes of an Arrow IPC file (Uint8Array)');
    const { tableFromIPC } = await import('apache-arrow');
    let header: string[];
    let contract: ArrayLike<unknown> | undefined;
    try {
      const table = tableFromIPC(input.arrow);
      header = table.schema.fields.map((field) => field.name);
      const name = header.find((field) => normalise(field) === CONTRACT_COLUMN);
      contract = name === undefined ? undefined : table.getChild(name)?.toArray();
    } catch (error) {
      throw new DataError(
        'not an Arrow IPC file',
        { file: label },
        { cause: error, hint: 'Send the bytes of an Arrow IPC (feather v2) file.' },
      );
    }
    const read = await readThroughFile('bars.arrow', input.arrow, options, label, (row) => row);
    checkUnknownColumns(header, read.used, [CONTRACT_COLUMN], label);
    bars = withContract(read.bars, contract, label);
  } else {
    throw new UsageError('bars: expected { csv }, { json }, { arrow } or { bars }');
  }
  checkFinitePrices(bars, label);
  return bars;
}
