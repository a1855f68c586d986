import { Writable } from 'node:stream';
import { createRootLogger, jsonLinesFile, type Logger, type LogLevel, type LogStream } from '@tribar/core';
import pretty from 'pino-pretty';
import type { CliIO } from './io.js';

/** Lines for the terminal go through this sink, so a progress display can print them above its bars. */
export interface ConsoleSink {
  write(text: string): void;
}

function streamSink(stream: NodeJS.WritableStream): ConsoleSink {
  return { write: (text) => void stream.write(text) };
}

/**
 * The app's root logger: human-readable lines on the console (coloured on a terminal) and,
 * when a run folder is known, every record as JSON lines in `<run>/logs/pipeline.log`.
 */
export function createCliLogger(io: CliIO, options: { level: LogLevel; logFile?: string; sink?: ConsoleSink }): Logger {
  const sink = options.sink ?? streamSink(io.err);
  const consoleStream = pretty({
    // https://no-color.org: a non-empty NO_COLOR turns colour off even on a terminal.
    colorize: Boolean(io.err.isTTY) && !io.env['NO_COLOR'],
    translateTime: 'SYS:HH:MM:ss',
    singleLine: true,
    ignore: 'pid,hostname,runId',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        sink.write(chunk.toString());
        done();
      },
    }),
    sync: true,
  });
  const streams: LogStream[] = [{ stream: consoleStream, level: options.level }];
  if (options.logFile) streams.push({ stream: jsonLinesFile(options.logFile), level: 'debug' });
  const lowest = options.logFile && options.level !== 'silent' ? 'debug' : options.level;
  return createRootLogger({ level: lowest, streams });
}
