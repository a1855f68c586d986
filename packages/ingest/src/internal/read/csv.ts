/**
 * Streaming CSV → Bars. The file is read in 4 MB chunks (through `zlib` for `.gz`) and parsed
 * byte by byte: no line or cell ever becomes a JS string, so a 5.7M-row file costs its six
 * Float64 columns plus one chunk, and parsing runs at several million rows a second.
 *
 * Not supported, on purpose: quoted cells containing line breaks (bar exports never have
 * them, and supporting them would forbid splitting on newlines).
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DataError } from '@tribar/core';
import { BarsBuilder } from './builder.js';
import { resolveColumns, type ResolvedColumns } from './columns.js';
import { outOfRange, outOfRangeReason, parseDecimal, scanDecimal, scanEnd } from './number.js';
import { quoteCell, showName } from './quote.js';
import {
  BAR_ERA_HINT,
  barEraReason,
  END_BAR_MS,
  FIRST_BAR_MS,
  outsideBarEra,
  TIMESTAMP_FORMATS_HINT,
  TimestampParser,
  ZoneConverter,
} from './timestamp.js';
import type { RawRead } from './checks.js';
import type { ReadOptions, ReadStats } from './types.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Longest line accepted: 1 MiB. A bar row is under 200 bytes; a longer "line" is a binary or
 * corrupt file (a file of zeros has no line break at all), which used to be gathered whole
 * before parsing: a 512 MB line took 31 s and 3 GB, a 2 GiB one never finished. Reading stops
 * at the first line past the cap, naming the file and the line.
 */
const MAX_LINE_BYTES = 1024 * 1024;
const decoder = new TextDecoder();

// What each input column is for, in the fast path.
const ROLE_SKIP = -1;
const ROLE_TIMESTAMP = 0;
const ROLE_OPEN = 1;
const ROLE_HIGH = 2;
const ROLE_LOW = 3;
const ROLE_CLOSE = 4;
const ROLE_VOLUME = 5;
const ROLE_SYMBOL = 6;

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

/** Parser state carried across chunks: header, column roles, the current line number. */
class CsvBarParser {
  readonly file: string;
  readonly stats: ReadStats;
  readonly builder: BarsBuilder;
  private readonly onBadRow: 'error' | 'skip';
  private readonly maxSamples: number;
  private readonly timestamps: TimestampParser;
  private readonly mapping: NonNullable<ReadOptions['columns']>;
  private columns: ResolvedColumns | undefined;
  private header: string[] = [];
  private delimiter = 0x2c;
  private decimalComma = false;
  private lastField = 0;
  private roles = new Int8Array(0);
  private starts = new Int32Array(16);
  private ends = new Int32Array(16);
  /** 0 unknown, 1 naive cells, 2 cells carrying a zone or epoch numbers. */
  private zoneKind = 0;
  line = 0;
  /** The header's line, and the bar count at each later line that made no bar (blank, skipped). */
  private headerLine = 0;
  private readonly noBarAt: number[] = [];
  /** The first row's symbol cell (when the file has a symbol column), as text and as raw bytes. */
  private symbolText: string | undefined;
  private symbolRow = 0;
  private symbolBytes: Uint8Array | undefined;

  constructor(file: string, options: ReadOptions, stats: ReadStats, capacity: number) {
    this.file = file;
    this.stats = stats;
    this.builder = new BarsBuilder(capacity);
    this.onBadRow = options.onBadRow ?? 'error';
    this.maxSamples = options.maxBadRowSamples ?? 20;
    this.timestamps = new TimestampParser(new ZoneConverter(options.timezone ?? 'UTC'));
    this.mapping = options.columns ?? {};
  }

  get sawHeader(): boolean {
    return this.columns !== undefined;
  }

  /**
   * Parse every complete line of bytes[start, end); returns where the unfinished tail starts.
   * Each line first goes through `fastRow`, which parses cells as it walks them; a line it
   * cannot take (quotes, text, missing cells, an error to report) is split and parsed by
   * `parseRow`, which owns every error message, so both paths accept exactly the same rows.
   */
  consume(bytes: Uint8Array, start: number, end: number): number {
    let lineStart = start;
    while (!this.columns) {
      const newline = bytes.indexOf(NEWLINE, lineStart);
      if (newline < 0 || newline >= end) return lineStart;
      this.line++;
      this.parseHeaderLine(bytes, lineStart, newline);
      lineStart = newline + 1;
    }
    const fast = this.columns.timestamp.kind === 'single';
    while (lineStart < end) {
      const fastEnd = fast ? this.fastRow(bytes, lineStart, end) : -1;
      if (fastEnd >= 0) {
        this.line++;
        lineStart = fastEnd + 1;
        continue;
      }
      const newline = bytes.indexOf(NEWLINE, lineStart);
      if (newline < 0 || newline >= end) break;
      this.line++;
      this.parseRow(bytes, lineStart, newline, this.splitFields(bytes, lineStart, newline));
      lineStart = newline + 1;
    }
    return lineStart;
  }

  /**
   * The common row shape in one pass: unquoted cells, a parseable timestamp, plain decimals.
   * Returns the index of the line's newline after storing the row, or -1 to leave the line
   * to the general path (nothing is stored then).
   */
  private fastRow(bytes: Uint8Array, lineStart: number, end: number): number {
    const roles = this.roles;
    const delimiter = this.delimiter;
    const lastField = this.lastField;
    let timestamp = Number.NaN;
    let hadZone = false;
    let open = 0;
    let high = 0;
    let low = 0;
    let close = 0;
    let volume = 0;
    let p = lineStart;
    for (let field = 0; field <= lastField; field++) {
      const role = roles[field] as number;
      if (role === ROLE_TIMESTAMP || role === ROLE_SKIP || role === ROLE_SYMBOL) {
        let q = p;
        for (; q < end; q++) {
          const b = bytes[q] as number;
          if (b === delimiter || b === NEWLINE) break;
          if (b === QUOTE) return -1;
        }
        if (role === ROLE_TIMESTAMP) {
          timestamp = this.timestamps.parse(bytes, p, q);
          // NaN and times outside the plausible range fail this test: the general path names them.
          if (!(timestamp >= FIRST_BAR_MS && timestamp < END_BAR_MS)) return -1;
          hadZone = this.timestamps.lastHadZone;
        } else if (role === ROLE_SYMBOL && !this.sameSymbolBytes(bytes, p, q)) return -1;
        p = q;
      } else {
        const value = scanDecimal(bytes, p, end, delimiter);
        if (value === Number.NEGATIVE_INFINITY) return -1;
        p = scanEnd;
        if (role === ROLE_OPEN) open = value;
        else if (role === ROLE_HIGH) high = value;
        else if (role === ROLE_LOW) low = value;
        else if (role === ROLE_CLOSE) close = value;
        else volume = value;
      }
      if (field < lastField) {
        if (p >= end || bytes[p] !== delimiter) return -1;
        p++;
      }
    }
    const newline = bytes.indexOf(NEWLINE, p);
    if (newline < 0 || newline >= end) return -1;
    const kind = hadZone ? 2 : 1;
    if (this.zoneKind !== kind) {
      if (this.zoneKind !== 0) return -1;
      this.zoneKind = kind;
    }
    this.stats.rowsRead++;
    const builder = this.builder;
    const row = builder.next();
    builder.timestamp[row] = timestamp;
    builder.open[row] = open;
    builder.high[row] = high;
    builder.low[row] = low;
    builder.close[row] = close;
    builder.volume[row] = volume;
    this.timestamps.previous = timestamp;
    return newline;
  }

  /** Whether bytes[start, end) are exactly the first row's symbol cell (the general path decides otherwise). */
  private sameSymbolBytes(bytes: Uint8Array, start: number, end: number): boolean {
    const first = this.symbolBytes;
    if (!first || end - start !== first.length) return false;
    for (let i = 0; i < first.length; i++) if (bytes[start + i] !== first[i]) return false;
    return true;
  }

  /**
   * A symbol column must hold one symbol: rows of two instruments in one file (MES and MGC
   * interleaved) used to be half dropped as duplicate times, leaving a mixed series.
   */
  private checkSymbol(bytes: Uint8Array, start: number, end: number, field: number): void {
    const text = decoder
      .decode(bytes.subarray(start, end))
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (this.symbolText === undefined) {
      this.symbolText = text;
      this.symbolRow = this.line;
      this.symbolBytes = bytes.slice(start, end);
      return;
    }
    if (text === this.symbolText) return;
    throw new DataError(
      `the file holds more than one symbol: ${quoteCell(this.symbolText)} (from row ${this.symbolRow}) and ${quoteCell(text)}`,
      { file: this.file, row: this.line, field: showName(this.header[field] ?? 'symbol') },
      { hint: 'Tribar reads one file per symbol: split the file by its symbol column and list each file in data.files.' },
    );
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

  /** The final line when the file does not end with a newline. */
  finishTail(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    const withNewline = new Uint8Array(end - start + 1);
    withNewline.set(bytes.subarray(start, end));
    withNewline[end - start] = NEWLINE;
    this.consume(withNewline, 0, withNewline.length);
  }

  private parseHeaderLine(bytes: Uint8Array, start: number, end: number): void {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (this.line === 1 && end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
    if (isBlank(bytes, start, end)) {
      this.stats.blankLines++;
      return;
    }
    this.parseHeader(decoder.decode(bytes.subarray(start, end)));
    this.headerLine = this.line;
  }

  /** 1-based file line of bar `index`, counting the header and every line that made no bar. */
  lineOf(index: number): number {
    const noBar = this.noBarAt;
    let lo = 0;
    let hi = noBar.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((noBar[mid] as number) <= index) lo = mid + 1;
      else hi = mid;
    }
    return this.headerLine + 1 + index + lo;
  }

  private parseRow(bytes: Uint8Array, start: number, end: number, fieldCount: number): void {
    if (fieldCount === 1 && isBlank(bytes, start, end)) {
      this.stats.blankLines++;
      this.noBarAt.push(this.builder.length);
      return;
    }
    this.stats.rowsRead++;
    const columns = this.columns as ResolvedColumns;
    const starts = this.starts;
    const ends = this.ends;
    if (fieldCount <= this.lastField) {
      const missingField = this.header[fieldCount] ?? `column ${fieldCount + 1}`;
      this.badRow(missingField, `row has ${fieldCount} field(s), the header has ${this.header.length}`);
      return;
    }
    if (columns.symbol >= 0) this.checkSymbol(bytes, starts[columns.symbol] as number, ends[columns.symbol] as number, columns.symbol);

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
        timestamp = hadZone ? wall - this.timestamps.timeOffsetMs : this.timestamps.naiveToUtc(wall);
      }
    }
    if (Number.isNaN(timestamp)) {
      const cell = decoder.decode(bytes.subarray(starts[timestampField] as number, ends[timestampField] as number));
      this.badRow(this.header[timestampField] ?? 'timestamp', `${quoteCell(cell)} is not a timestamp`, TIMESTAMP_FORMATS_HINT);
      return;
    }
    if (outsideBarEra(timestamp)) {
      const cell = decoder.decode(bytes.subarray(starts[timestampField] as number, ends[timestampField] as number));
      this.badRow(this.header[timestampField] ?? 'timestamp', barEraReason(cell.trim(), timestamp), BAR_ERA_HINT);
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
    const volume =
      columns.volume < 0 ? 0 : parseDecimal(bytes, starts[columns.volume] as number, ends[columns.volume] as number, decimalComma);
    // -Infinity is parseDecimal's "text, not a number" sentinel; empty and NA cells are NaN and left to repair.
    if (open === -Infinity || high === -Infinity || low === -Infinity || close === -Infinity || volume === -Infinity) {
      const index =
        open === -Infinity
          ? columns.open
          : high === -Infinity
            ? columns.high
            : low === -Infinity
              ? columns.low
              : close === -Infinity
                ? columns.close
                : columns.volume;
      const cell = decoder.decode(bytes.subarray(starts[index] as number, ends[index] as number));
      this.badRow(this.header[index] ?? `column ${index + 1}`, `${quoteCell(cell)} is not a number`);
      return;
    }
    // Exponent forms can be finite but absurd (1e308) or overflow (1e400 → Infinity): named here.
    if (outOfRange(open) || outOfRange(high) || outOfRange(low) || outOfRange(close) || outOfRange(volume)) {
      const index = outOfRange(open)
        ? columns.open
        : outOfRange(high)
          ? columns.high
          : outOfRange(low)
            ? columns.low
            : outOfRange(close)
              ? columns.close
              : columns.volume;
      const cell = decoder.decode(bytes.subarray(starts[index] as number, ends[index] as number));
      this.badRow(this.header[index] ?? `column ${index + 1}`, outOfRangeReason(cell.trim()));
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
    this.timestamps.previous = timestamp;
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
    this.lastField = Math.max(...indices, columns.symbol);
    this.roles = new Int8Array(this.lastField + 1).fill(ROLE_SKIP);
    if (source.kind === 'single') this.roles[source.index] = ROLE_TIMESTAMP;
    if (columns.symbol >= 0) this.roles[columns.symbol] = ROLE_SYMBOL;
    const valueRoles = [ROLE_OPEN, ROLE_HIGH, ROLE_LOW, ROLE_CLOSE, ROLE_VOLUME];
    indices.slice(0, 5).forEach((index, k) => {
      if (index >= 0) this.roles[index] = valueRoles[k] as number;
    });
    this.starts = new Int32Array(this.lastField + 2);
    this.ends = new Int32Array(this.lastField + 2);
    this.columns = columns;
    this.stats.columns = columns.names;
  }

  private badRow(rawField: string, reason: string, hint?: string): void {
    const field = showName(rawField);
    if (this.onBadRow === 'error') {
      throw new DataError(
        reason,
        { file: this.file, row: this.line, field },
        {
          hint: hint ?? "Fix or remove the row, or set data.onBadRow to 'skip' to drop such rows (they are counted in the ingest report).",
        },
      );
    }
    this.stats.badRowsSkipped++;
    this.noBarAt.push(this.builder.length);
    if (this.stats.badRowSamples.length < this.maxSamples) this.stats.badRowSamples.push({ row: this.line, field, reason });
  }
}

function lineTooLong(file: string, line: number, bytes: Uint8Array): DataError {
  const start = quoteCell(decoder.decode(bytes.subarray(0, 60)));
  return new DataError(
    `line ${line} is longer than ${MAX_LINE_BYTES} bytes (1 MiB) without a line break (it starts ${start}): not a CSV bar file, or a corrupt one`,
    { file, row: line },
    { hint: 'A bar row is a few dozen bytes. Check that data.files names the right file, and re-export or re-download it.' },
  );
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

/**
 * Plain-file chunks with one read always in flight: the next chunk is read on the thread pool
 * while this one is parsed, and two buffers are reused, so reading costs neither idle time
 * nor garbage. A yielded chunk is overwritten two chunks later: callers copy what they keep.
 */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r');
  const buffers = [new Uint8Array(CHUNK_BYTES), new Uint8Array(CHUNK_BYTES)];
  let which = 0;
  let pending = handle.read(buffers[0] as Uint8Array, 0, CHUNK_BYTES, null);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = (buffers[which] as Uint8Array).subarray(0, bytesRead);
      which ^= 1;
      pending = handle.read(buffers[which] as Uint8Array, 0, CHUNK_BYTES, null);
      yield current;
    }
  } finally {
    await pending.catch(() => undefined);
    await handle.close();
  }
}

/** Read a CSV (or `.csv.gz`) file of bars. Timestamps are returned as UTC ms, in file order. */
export async function readCsvBars(path: string, options: ReadOptions = {}): Promise<RawRead> {
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
  // Enough rows for the first chunk of a plain file; after it, capacity is set from the file
  // size and the first chunk's bytes per row, so a 5.7M-row file is allocated once.
  const parser = new CsvBarParser(path, options, stats, gzip ? 1 << 16 : Math.min(size / 16 + 16, CHUNK_BYTES / 16));
  let bytesSeen = 0;
  let estimated = gzip;
  let stream: NodeJS.ReadableStream | undefined;
  let chunks: AsyncIterable<Uint8Array>;
  if (gzip) {
    const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    file.on('error', (error) => gunzip.destroy(error));
    stream = file.pipe(gunzip);
    chunks = gunzip;
  } else {
    chunks = fileChunks(path);
  }
  let carry: Uint8Array = new Uint8Array(0);
  try {
    for await (const chunk of chunks) {
      let from = 0;
      if (carry.length > 0) {
        // Only the line split across chunks is copied, not the whole chunk.
        const newline = chunk.indexOf(NEWLINE);
        if (newline < 0) {
          carry = concat(carry, chunk, Math.min(chunk.length, MAX_LINE_BYTES + 1 - carry.length));
          if (carry.length > MAX_LINE_BYTES) throw lineTooLong(path, parser.line + 1, carry);
          continue;
        }
        const joined = concat(carry, chunk, newline + 1);
        parser.consume(joined, 0, joined.length);
        from = newline + 1;
      }
      const tail = parser.consume(chunk, from, chunk.length);
      bytesSeen += chunk.length;
      if (!estimated && stats.rowsRead > 1000) {
        estimated = true;
        parser.builder.resize((size / bytesSeen) * (stats.rowsRead + stats.blankLines) * 1.03 + 1024);
      }
      // Uint8Array.prototype.slice copies (Buffer#slice would not): the chunk's buffer is reused.
      carry = tail < chunk.length ? Uint8Array.prototype.slice.call(chunk, tail) : new Uint8Array(0);
      if (carry.length > MAX_LINE_BYTES) throw lineTooLong(path, parser.line + 1, carry);
    }
  } catch (error) {
    (stream as { destroy?: () => void } | undefined)?.destroy?.();
    if (error instanceof DataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && (error as Error).message === 'unexpected end of file') {
      throw new DataError(
        'gzip data is truncated (unexpected end of file)',
        { file: path },
        { cause: error, hint: 'Re-download or re-compress the file.' },
      );
    }
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new DataError(
        `gzip data is corrupt (${(error as Error).message})`,
        { file: path },
        { cause: error, hint: 'Re-download or re-compress the file.' },
      );
    }
    throw new DataError(`cannot read the file (${(error as Error).message})`, { file: path }, { cause: error });
  }
  parser.finishTail(carry, 0, carry.length);
  if (!parser.sawHeader) {
    throw new DataError(
      'the file is empty: no header line',
      { file: path },
      { hint: 'Expected a header such as timestamp,open,high,low,close,volume.' },
    );
  }
  stats.rowsParsed = parser.builder.length;
  if (stats.rowsParsed === 0) {
    const why = stats.rowsRead === 0 ? 'the file has a header but no data rows' : `none of its ${stats.rowsRead} data rows could be parsed`;
    throw new DataError(why, { file: path }, { hint: 'Check that the right file is configured.' });
  }
  return { bars: parser.builder.finish(options.symbol ?? symbolFromPath(path)), stats, rowOf: (index) => parser.lineOf(index) };
}
