import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childLogger, createRootLogger, jsonLinesFile, silentLogger } from '../src/internal/logger.js';

/** A destination that keeps every line pino writes. */
function memoryStream() {
  const lines: string[] = [];
  return {
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    stream: { write: (line: string) => void lines.push(line) },
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createRootLogger', () => {
  it('writes one JSON line per record with level, ISO time, message and the base fields', () => {
    const memory = memoryStream();
    const logger = createRootLogger({ streams: [{ stream: memory.stream }], base: { runId: 'r-7', app: 'tribar' } });
    logger.info({ rows: 42 }, 'cleaned');
    expect(memory.lines).toHaveLength(1);
    expect(memory.lines[0]?.endsWith('\n')).toBe(true);
    const [record] = memory.records();
    expect(record).toMatchObject({ level: 30, runId: 'r-7', app: 'tribar', rows: 42, msg: 'cleaned' });
    expect(new Date(record?.['time'] as string).toISOString()).toBe(record?.['time']);
    expect(record).not.toHaveProperty('pid');
    expect(record).not.toHaveProperty('hostname');
  });

  it('drops records below the level, per stream', () => {
    const all = memoryStream();
    const warnings = memoryStream();
    const logger = createRootLogger({ level: 'debug', streams: [{ stream: all.stream }, { stream: warnings.stream, level: 'warn' }] });
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(all.records().map((r) => r['msg'])).toEqual(['d', 'i', 'w', 'e']);
    expect(warnings.records().map((r) => r['msg'])).toEqual(['w', 'e']);
  });

  it('defaults to info and writes nothing at level silent', () => {
    const memory = memoryStream();
    createRootLogger({ streams: [{ stream: memory.stream }] }).debug('hidden');
    createRootLogger({ level: 'silent', streams: [{ stream: memory.stream }] }).fatal('hidden too');
    expect(memory.lines).toEqual([]);
  });

  it('writes JSON lines to a file through jsonLinesFile', () => {
    const file = join(dir, 'logs', 'run.jsonl');
    const logger = createRootLogger({ streams: [{ stream: jsonLinesFile(file) }], base: { runId: 'r-1' } });
    logger.info('one');
    logger.warn('two');
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r['level'], r['msg'], r['runId']])).toEqual([
      [30, 'one', 'r-1'],
      [40, 'two', 'r-1'],
    ]);
  });
});

describe('childLogger', () => {
  it('carries the component and extra bindings next to the base fields', () => {
    const memory = memoryStream();
    const root = createRootLogger({ streams: [{ stream: memory.stream }], base: { runId: 'r-7' } });
    const stage = childLogger(root, 'label', { symbol: 'MES' });
    stage.info('labelled');
    childLogger(stage, 'ga').warn('slow');
    root.info('root');
    expect(memory.records().map(({ time: _time, ...rest }) => rest)).toEqual([
      { level: 30, runId: 'r-7', component: 'label', symbol: 'MES', msg: 'labelled' },
      { level: 40, runId: 'r-7', component: 'ga', symbol: 'MES', msg: 'slow' },
      { level: 30, runId: 'r-7', msg: 'root' },
    ]);
  });

  it('falls back to a silent logger without a parent', () => {
    const logger = childLogger(undefined, 'ingest');
    expect(logger.level).toBe('silent');
    expect(logger.bindings()).toEqual({ component: 'ingest' });
  });
});

describe('silentLogger', () => {
  it('is disabled at every level', () => {
    const logger = silentLogger();
    expect(logger.level).toBe('silent');
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) expect(logger.isLevelEnabled(level)).toBe(false);
  });

  it('writes nothing to stdout, unlike a default pino logger (checked in a child process)', () => {
    const script = (body: string) =>
      `import { pino } from 'pino'; import { silentLogger, childLogger } from './src/internal/logger.ts'; ${body}`;
    const run = (body: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(body)], {
        cwd: join(import.meta.dirname, '..'),
        encoding: 'utf8',
      });
    // The control proves the capture sees what pino writes to stdout.
    expect(run("pino().info('control')")).toContain('"msg":"control"');
    expect(run("const l = silentLogger(); l.fatal('x'); l.error('y'); childLogger(undefined, 'c').fatal('z');")).toBe('');
  });
});
