import { createRootLogger, jsonLinesFile, type Logger, type LogLevel, type LogStream } from '@tribar/core';
import { prettyFactory } from 'pino-pretty';
import type { CliIO } from './io.js';

/** Lines for the terminal go through this sink, so a progress display can print them above its bars. */
export interface ConsoleSink {
  write(text: string): void;
}

function streamSink(stream: NodeJS.WritableStream): ConsoleSink {
  return { write: (text) => void stream.write(text) };
}

/**
 * A run's log file that is created only once the run folder is (`open()`, on the pipeline's run-start):
 * records logged before are kept and written first, and a command refused before its run folder exists
 * (a bad run id, an unknown stage, a locked run) leaves no file behind.
 */
export class DeferredLogFile {
  private pending: string[] = [];
  private file: { write(line: string): unknown } | undefined;

  constructor(readonly path: string) {}

  write(line: string): void {
    if (this.file) this.file.write(line);
    else this.pending.push(line);
  }

  open(): void {
    if (this.file) return;
    this.file = jsonLinesFile(this.path);
    for (const line of this.pending) this.file.write(line);
    this.pending = [];
  }
}

/** Significant digits of a non-integer number in human output (the log file and --json keep every digit). */
const HUMAN_DIGITS = 6;

/** `0.30000000000000004` → `0.3`: every non-integer number in a value, to {@link HUMAN_DIGITS} significant digits. */
function roundForHumans(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(HUMAN_DIGITS)) : value;
  if (Array.isArray(value)) return value.map(roundForHumans);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, roundForHumans(field)]));
  }
  return value;
}

/** The keys pino-pretty prints as errors (with their stacks). */
const ERROR_KEYS = ['err', 'error'] as const;

interface LoggedError {
  message?: unknown;
  stack?: unknown;
  hint?: unknown;
}

const isLoggedError = (value: unknown): value is LoggedError =>
  typeof value === 'object' && value !== null && ('stack' in value || 'message' in value);

/**
 * An error of a record as a person reads it: its message (which names the file, row or field, and ends with
 * the hint for Tribar's errors), indented under the record's line; for an error Tribar did not expect, a hint
 * where its stack is.
 */
function errorLines(error: LoggedError): string {
  const message = typeof error.message === 'string' && error.message ? error.message : String(error.stack ?? 'unknown error');
  const lines = message.split('\n').map((line) => line.trimEnd());
  if (typeof error.hint === 'string' && error.hint && !message.includes(error.hint)) lines.push(`hint: ${error.hint}`);
  if (!lines.some((line) => /^\s*hint: /.test(line)))
    lines.push('hint: the stack is in the log file, and on the console with --log-level debug');
  return lines.map((line) => `    ${line.trim()}`).join('\n') + '\n';
}

/**
 * The app's root logger: human-readable lines on the console (coloured on a terminal, numbers rounded, an
 * error's stack only at `debug` and below) and, when a run folder is known, every record in full as JSON lines
 * in `<run>/logs/pipeline.log`.
 */
export function createCliLogger(io: CliIO, options: { level: LogLevel; logFile?: string | DeferredLogFile; sink?: ConsoleSink }): Logger {
  const sink = options.sink ?? streamSink(io.err);
  const prettify = prettyFactory({
    // https://no-color.org: a non-empty NO_COLOR turns colour off even on a terminal.
    colorize: Boolean(io.err.isTTY) && !io.env['NO_COLOR'],
    translateTime: 'SYS:HH:MM:ss',
    singleLine: true,
    ignore: 'pid,hostname,runId',
  });
  const verbose = options.level === 'debug' || options.level === 'trace';
  const consoleStream = {
    write(line: string) {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (verbose) return sink.write(prettify(roundForHumans(record)));
      const errors: LoggedError[] = [];
      for (const key of ERROR_KEYS) {
        const error = record[key];
        if (!isLoggedError(error)) continue;
        errors.push(error);
        delete record[key];
      }
      sink.write(prettify(roundForHumans(record)) + errors.map(errorLines).join(''));
    },
  };
  const streams: LogStream[] = [{ stream: consoleStream, level: options.level }];
  const file = typeof options.logFile === 'string' ? jsonLinesFile(options.logFile) : options.logFile;
  if (file) streams.push({ stream: file, level: 'debug' });
  const lowest = file && options.level !== 'silent' ? 'debug' : options.level;
  return createRootLogger({ level: lowest, streams });
}
