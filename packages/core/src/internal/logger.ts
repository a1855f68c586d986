import { pino } from 'pino';
import type { DestinationStream, Level, Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = Level | 'silent';

export interface LogStream {
  stream: DestinationStream | NodeJS.WritableStream;
  level?: LogLevel;
}

export interface RootLoggerOptions {
  /** The lowest level any stream receives. */
  level?: LogLevel;
  /** Where records go; JSON lines unless a stream formats them itself (e.g. pino-pretty). */
  streams: LogStream[];
  /** Fields on every record, e.g. `{ runId }`. */
  base?: Record<string, unknown>;
}

/**
 * The root logger. Only apps call this: they decide where logs go (pretty on a terminal,
 * JSON lines to a run's log file). Packages never configure logging; they accept a
 * logger and derive a child with `childLogger`.
 */
export function createRootLogger(options: RootLoggerOptions): Logger {
  const level = options.level ?? 'info';
  const streams = options.streams.map(({ stream, level: streamLevel }) => ({
    stream: stream as DestinationStream,
    level: (streamLevel ?? level) as Level,
  }));
  return pino({ level, base: options.base ?? {}, timestamp: pino.stdTimeFunctions.isoTime }, pino.multistream(streams, { dedupe: false }));
}

/** A JSON-lines file destination for a run's log; the directory is created if needed. */
export function jsonLinesFile(path: string): DestinationStream {
  return pino.destination({ dest: path, mkdir: true, sync: true });
}

/** A logger that drops everything: the default for library calls made without one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** The logger a package or stage writes through: a child carrying its component name. */
export function childLogger(parent: Logger | undefined, component: string, bindings: Record<string, unknown> = {}): Logger {
  return (parent ?? silentLogger()).child({ component, ...bindings });
}
