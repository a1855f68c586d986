/**
 * Streaming CSV → Bars. The file is read in 4 MB chunks (through `zlib` for `.gz`) and parsed
 * byte by byte: no line or cell ever becomes a JS string, so a 5.7M-row file costs its six
 * Float64 columns plus one chunk, and parsing runs at several million rows a second.
 *
 * Not supported, on purpose: quoted cells containing line breaks (bar exports never have
 * them, and supporting them would forbid splitting on newlines).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DataError } from '@tribar/core';
import { BarsBuilder } from './builder.js';
import { resolveColumns, type ResolvedColumns } from './columns.js';
import { parseDecimal } from './number.js';
import { TIMESTAMP_FORMATS_HINT, TimestampParser, ZoneConverter } from './timestamp.js';
import type { ReadOptions, ReadResult, ReadStats } from './types.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const CHUNK_BYTES = 4 * 1024 * 1024;
const decoder = new TextDecoder();

/** Default symbol: the file name up to its first `_`, `-` or `.` (`MES_1m.csv` → `MES`). */
export function symbolFromPath(path: string): string {
  return basename(path).split(/[_.-]/)[0]?.toUpperCase() ?? '';
}

/** The delimiter the header uses most: comma, semicolon or tab (comma when none occurs). */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    const count = headerLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** Header cells split on the delimiter, honouring double quotes. */
function splitHeader(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) {
      cells.push(current);
      current = '';
    } else current += ch;
  }
  cells.push(current);
  return cells;
}

/** Parser state carried across chunks. Public fields only for the reader function below. */
class CsvBarParser {
  readonly file: string;
  readonly stats: ReadStats;
  readonly builder: BarsBuilder;
  private readonly onBadRow: 'error' | 'skip';
  private readonly maxSamples: number;
  private readonly timestamps: TimestampParser;
  private columns: ResolvedColumns | undefined;
  private header: string[] = [];
  private delimiter = 0x2c;
  private decimalComma = false;
  private lastField = 0;
  private starts = new Int32Array(16);
  private ends = new Int32Array(16);
  /** 0 unknown, 1 naive cells, 2 cells carrying a zone or epoch numbers. */
  private zoneKind = 0;
  line = 0;

  constructor(file: string, options: ReadOptions, stats: ReadStats, capacity: number) {
    this.file = file;
    this.stats = stats;
    this.builder = new BarsBuilder(capacity);
    this.onBadRow = options.onBadRow ?? 'error';
    this.maxSamples = options.maxBadRowSamples ?? 20;
    this.timestamps = new TimestampParser(new ZoneConverter(options.timezone ?? 'UTC'));
    this.mapping = options.columns ?? {};
  }

  private readonly mapping: NonNullable<ReadOptions['columns']>;

  get sawHeader(): boolean {
    return this.columns !== undefined;
  }

  /** Parse every complete line of `bytes`; returns where the unfinished tail starts. */
  consume(bytes: Uint8Array, start: number, end: number): number {
    let lineStart = start;
    let i = bytes.indexOf(NEWLINE, start);
    while (i >= 0 && i < end) {
      this.line++;
      this.parseLine(bytes, lineStart, i);
      lineStart = i + 1;
      i = bytes.indexOf(NEWLINE, lineStart);
    }
    return lineStart;
  }

  /** The final line when the file does not end with a newline. */
  finishTail(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    this.line++;
    this.parseLine(bytes, start, end);
  }

  private parseLine(bytes: Uint8Array, start: number, end: number): void {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (!this.columns) {
      if (this.line === 1 && end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
      if (isBlank(bytes, start, end)) {
        this.stats.blankLines++;
        return;
      }
      this.parseHeader(decoder.decode(bytes.subarray(start, end)));
      return;
    }
    if (isBlank(bytes, start, end)) {
      this.stats.blankLines++;
      return;
    }
    this.stats.rowsRead++;
    const fieldCount = this.splitFields(bytes, start, end);
    const columns = this.columns;
    const starts = this.starts;
    const ends = this.ends;
    if (fieldCount <= this.lastField) {
      const missingField = this.header[fieldCount] ?? `column ${fieldCount + 1}`;
      this.badRow(missingField, `row has ${fieldCount} field(s), the header has ${this.header.length}`);
      return;
    }

    let timestamp: number;
    let hadZone: boolean;
    let timestampField: number;
    const source = columns.timestamp;
    if (source.kind === 'single') {
      timestampField = source.index;
      timestamp = this.timestamps.parse(bytes, starts[source.index] as number, ends[source.index] as number);
      hadZone = this.timestamps.lastHadZone;
    } else {
      timestampField = source.dateIndex;
      const day = this.timestamps.parseDateOnly(bytes, starts[source.dateIndex] as number, ends[source.dateIndex] as number);
      if (Number.isNaN(day)) {
        timestamp = day;
        hadZone = false;
      } else {
        timestampField = source.timeIndex;
        const clock = this.timestamps.parseTimeOfDay(bytes, starts[source.timeIndex] as number, ends[source.timeIndex] as number);
        hadZone = this.timestamps.lastHadZone;
        const wall = day + clock;
        timestamp = hadZone ? wall - this.timestamps.timeOffsetMs : this.timestamps.zone.toUtc(wall);
      }
    }
    if (Number.isNaN(timestamp)) {
      const cell = decoder.decode(bytes.subarray(starts[timestampField] as number, ends[timestampField] as number));
      this.badRow(this.header[timestampField] ?? 'timestamp', `'${cell}' is not a timestamp`, TIMESTAMP_FORMATS_HINT);
      return;
    }
    const kind = hadZone ? 2 : 1;
    if (this.zoneKind === 0) this.zoneKind = kind;
    else if (this.zoneKind !== kind) {
      this.badRow(
        this.header[timestampField] ?? 'timestamp',
        hadZone ? 'timestamp carries a zone but earlier rows were naive' : 'timestamp is naive but earlier rows carried a zone',
        'Export every timestamp the same way: all with an offset (or Z), or all naive with data.timezone set.',
      );
      return;
    }

    const decimalComma = this.decimalComma;
    const open = parseDecimal(bytes, starts[columns.open] as number, ends[columns.open] as number, decimalComma);
    const high = parseDecimal(bytes, starts[columns.high] as number, ends[columns.high] as number, decimalComma);
    const low = parseDecimal(bytes, starts[columns.low] as number, ends[columns.low] as number, decimalComma);
    const close = parseDecimal(bytes, starts[columns.close] as number, ends[columns.close] as number, decimalComma);
    const volume = columns.volume < 0 ? 0 : parseDecimal(bytes, starts[columns.volume] as number, ends[columns.volume] as number, decimalComma);
    // -Infinity is parseDecimal's "text, not a number" sentinel; empty and NA cells are NaN and left to repair.
    if (open === -Infinity || high === -Infinity || low === -Infinity || close === -Infinity || volume === -Infinity) {
      const index =
        open === -Infinity ? columns.open : high === -Infinity ? columns.high : low === -Infinity ? columns.low : close === -Infinity ? columns.close : columns.volume;
      const cell = decoder.decode(bytes.subarray(starts[index] as number, ends[index] as number));
      this.badRow(this.header[index] ?? `column ${index + 1}`, `'${cell}' is not a number`);
      return;
    }
    const builder = this.builder;
    const row = builder.next();
    builder.timestamp[row] = timestamp;
    builder.open[row] = open;
    builder.high[row] = high;
    builder.low[row] = low;
    builder.close[row] = close;
    builder.volume[row] = volume;
  }

  /** Record field boundaries up to the last column needed; returns how many fields were found. */
  private splitFields(bytes: Uint8Array, start: number, end: number): number {
    const delimiter = this.delimiter;
    const lastField = this.lastField;
    const starts = this.starts;
    const ends = this.ends;
    let field = 0;
    let fieldStart = start;
    let quoted = false;
    for (let i = start; i < end; i++) {
      const c = bytes[i] as number;
      if (c === QUOTE) quoted = !quoted;
      else if (c === delimiter && !quoted) {
        starts[field] = fieldStart;
        ends[field] = i;
        if (field === lastField) return field + 1;
        field++;
        fieldStart = i + 1;
      }
    }
    starts[field] = fieldStart;
    ends[field] = end;
    return field + 1;
  }

  private parseHeader(line: string): void {
    const delimiter = detectDelimiter(line);
    this.delimiter = delimiter.charCodeAt(0);
    this.decimalComma = delimiter !== ',';
    this.stats.delimiter = delimiter;
    this.header = splitHeader(line, delimiter).map((cell) => cell.trim());
    const columns = resolveColumns(this.header, this.mapping, this.file);
    const source = columns.timestamp;
    const indices = [columns.open, columns.high, columns.low, columns.close, columns.volume];
    if (source.kind === 'single') indices.push(source.index);
    else indices.push(source.dateIndex, source.timeIndex);
    this.lastField = Math.max(...indices);
    this.starts = new Int32Array(this.lastField + 2);
    this.ends = new Int32Array(this.lastField + 2);
    this.columns = columns;
    this.stats.columns = columns.names;
  }

  private badRow(field: string, reason: string, hint?: string): void {
    if (this.onBadRow === 'error') {
      throw new DataError(reason, { file: this.file, row: this.line, field }, {
        hint: hint ?? "Fix or remove the row, or set data.onBadRow to 'skip' to drop such rows (they are counted in the ingest report).",
      });
    }
    this.stats.badRowsSkipped++;
    if (this.stats.badRowSamples.length < this.maxSamples) this.stats.badRowSamples.push({ row: this.line, field, reason });
  }
}

function concat(head: Uint8Array, chunk: Uint8Array, count: number): Uint8Array {
  const joined = new Uint8Array(head.length + count);
  joined.set(head, 0);
  joined.set(chunk.subarray(0, count), head.length);
  return joined;
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c !== 0x20 && c !== 0x09 && c !== CARRIAGE_RETURN) return false;
  }
  return true;
}

/** Read a CSV (or `.csv.gz`) file of bars. Timestamps are returned as UTC ms, in file order. */
export async function readCsvBars(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const gzip = /\.gz$/i.test(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new DataError('cannot read the file', { file: path }, { cause: error, hint: 'Check data.files in the run config.' });
  }
  const stats: ReadStats = {
    file: path,
    format: gzip ? 'csv.gz' : 'csv',
    rowsRead: 0,
    rowsParsed: 0,
    badRowsSkipped: 0,
    badRowSamples: [],
    blankLines: 0,
    columns: {},
    timezone: options.timezone ?? 'UTC',
  };
  // A guess of ~40 bytes a row avoids most regrowth for plain files; `finish` trims the excess.
  const parser = new CsvBarParser(path, options, stats, gzip ? 1 << 16 : Math.min(size / 40 + 16, 1 << 27));
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (error) => stream.destroy(error));
  let carry: Uint8Array = new Uint8Array(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      if (carry.length > 0) {
        // Only the line split across chunks is copied, not the whole chunk.
        const newline = chunk.indexOf(NEWLINE);
        if (newline < 0) {
          carry = concat(carry, chunk, chunk.length);
          continue;
        }
        const joined = concat(carry, chunk, newline + 1);
        parser.consume(joined, 0, joined.length);
        from = newline + 1;
      }
      const tail = parser.consume(chunk, from, chunk.length);
      carry = tail < chunk.length ? chunk.slice(tail) : new Uint8Array(0);
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof DataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new DataError(`gzip data is corrupt (${(error as Error).message})`, { file: path }, { cause: error, hint: 'Re-download or re-compress the file.' });
    }
    if (gzip && (error as Error).message === 'unexpected end of file') {
      throw new DataError('gzip data is truncated (unexpected end of file)', { file: path }, { cause: error, hint: 'Re-download or re-compress the file.' });
    }
    throw new DataError(`cannot read the file (${(error as Error).message})`, { file: path }, { cause: error });
  }
  parser.finishTail(carry, 0, carry.length);
  if (!parser.sawHeader) {
    throw new DataError('the file is empty: no header line', { file: path }, { hint: 'Expected a header such as timestamp,open,high,low,close,volume.' });
  }
  stats.rowsParsed = parser.builder.length;
  if (stats.rowsParsed === 0) {
    const why = stats.rowsRead === 0 ? 'the file has a header but no data rows' : `none of its ${stats.rowsRead} data rows could be parsed`;
    throw new DataError(why, { file: path }, { hint: 'Check that the right file is configured.' });
  }
  return { bars: parser.builder.finish(options.symbol ?? symbolFromPath(path)), stats };
}
