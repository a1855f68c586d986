import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataError, silentLogger, type Logger } from '@tribar/core';
import type { Params, SearchSpace } from './space.js';
import type { AttrValue, Direction, TrialState } from './trial.js';

export const JOURNAL_VERSION = 1;

/** The first line of a journal: what the study is. */
export interface StudyHeader {
  op: 'study';
  v: number;
  name: string;
  direction: Direction;
  space: SearchSpace;
  seed: number;
  sampler: string;
  pruner: string;
  createdAt: string;
  /** What the study tunes (model, symbol, horizon, metric, run folder): free-form, shown by `tune show`. */
  meta: Record<string, unknown>;
}

export type JournalEvent =
  | StudyHeader
  | { op: 'ask'; n: number; params: Params; attrs: Record<string, AttrValue>; t: string; worker?: string }
  | { op: 'report'; n: number; step: number; value: number }
  | { op: 'attr'; n: number; system: boolean; key: string; value: AttrValue }
  | { op: 'tell'; n: number; state: Exclude<TrialState, 'running'>; value?: number; t: string; error?: string };

/** Where a study's events go: the journal file, or nowhere (an in-memory study). */
export interface StudyStorage {
  readonly path: string | undefined;
  /** Events already stored, in order (empty for a new study). */
  load(): JournalEvent[];
  append(event: JournalEvent): void;
  close(): void;
}

export class MemoryStorage implements StudyStorage {
  readonly path = undefined;
  readonly #events: JournalEvent[] = [];
  load(): JournalEvent[] {
    return [...this.#events];
  }
  append(event: JournalEvent): void {
    this.#events.push(event);
  }
  close(): void {}
}

function encode(event: JournalEvent): string {
  // NaN and ±Infinity are not JSON: a diverged objective's value must survive the round trip.
  return JSON.stringify(event, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v)) + '\n';
}

function decode(line: string): JournalEvent {
  return JSON.parse(line, (_k, v: unknown) =>
    v && typeof v === 'object' && '$num' in v ? Number((v as { $num: string }).$num) : v,
  ) as JournalEvent;
}

/**
 * An append-only journal, one JSON line per event. Each event is one `write` on an O_APPEND
 * descriptor followed by `fsync`, so a `kill -9` leaves every finished event on disk and at most
 * one torn last line, which `load` drops with a warning (and truncates before the next append).
 * One process writes a journal: workers send their results to the study that owns it.
 */
export class JournalStorage implements StudyStorage {
  readonly path: string;
  readonly #sync: boolean;
  readonly #logger: Logger;
  #fd: number | undefined;
  /** Bytes of whole lines: where the next append goes after a torn line. */
  #validBytes: number | undefined;

  constructor(path: string, options: { fsync?: boolean; logger?: Logger } = {}) {
    this.path = path;
    this.#sync = options.fsync ?? true;
    this.#logger = options.logger ?? silentLogger();
  }

  load(): JournalEvent[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, 'utf8');
    const events: JournalEvent[] = [];
    let offset = 0;
    let row = 0;
    while (offset < text.length) {
      row++;
      const end = text.indexOf('\n', offset);
      const line = end < 0 ? text.slice(offset) : text.slice(offset, end);
      const last = end < 0 || end === text.length - 1;
      try {
        const event = decode(line);
        if (end < 0) throw new SyntaxError('no newline at the end');
        if (typeof event !== 'object' || event === null || typeof event.op !== 'string') throw new SyntaxError('not an event');
        events.push(event);
      } catch (error) {
        if (!last) {
          throw new DataError(
            `journal line is not a JSON event: ${(error as Error).message}`,
            { file: this.path, row },
            {
              hint: 'Only the last line of a journal may be torn (a crash mid-write); restore the file from a copy.',
            },
          );
        }
        this.#logger.warn(
          { event: 'tune.journal.torn-line', file: this.path, row, bytes: line.length },
          'ignoring a torn last journal line',
        );
        this.#validBytes = Buffer.byteLength(text.slice(0, offset));
        break;
      }
      offset = end + 1;
    }
    return events;
  }

  append(event: JournalEvent): void {
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.#fd = openSync(this.path, 'a');
      if (this.#validBytes !== undefined) ftruncateSync(this.#fd, this.#validBytes);
    }
    writeSync(this.#fd, encode(event));
    if (this.#sync) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
