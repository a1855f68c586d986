// What a user at a terminal (or at the end of a pipe) meets: --version, NO_COLOR, and a closed pipe.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/internal/exit-codes.js';
import type { PipelineEvent } from '@tribar/pipeline';
import { createCliLogger } from '../src/internal/logging.js';
import { createProgressDisplay } from '../src/internal/progress.js';
import { runCliCaptured } from './run-cli.js';

const cwd = mkdtempSync(join(tmpdir(), 'tribar-terminal-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The start of an ANSI escape sequence (ESC [). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

/** What the CLI's console logger prints for one record, on a stream that says it is a terminal. */
async function consoleLine(
  env: Record<string, string>,
  fields: Record<string, unknown> = { stage: 'clean' },
  logFile?: string,
): Promise<string> {
  const err = Object.assign(new PassThrough(), { isTTY: true });
  let text = '';
  const logger = createCliLogger(
    { out: new PassThrough(), err, env, cwd },
    { level: 'info', sink: { write: (chunk) => void (text += chunk) }, ...(logFile ? { logFile } : {}) },
  );
  logger.info(fields, 'stage completed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return text;
}

/** A terminal of `columns` columns: what is written to it, escape sequences included. */
function fakeTerminal(columns: number) {
  const err = Object.assign(new PassThrough(), { isTTY: true, columns });
  let text = '';
  err.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { io: { out: new PassThrough(), err, env: {}, cwd }, written: () => text };
}

const ESC = String.fromCharCode(27);
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const progress = (
  current: number,
  total: number,
  extra: Partial<Extract<PipelineEvent, { type: 'stage-progress' }>> = {},
): PipelineEvent => ({
  type: 'stage-progress',
  stage: 'train',
  current,
  total,
  ...extra,
});

describe('the terminal', () => {
  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCliCaptured([flag], cwd);
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('colours log lines on a terminal unless NO_COLOR is set (no-color.org)', async () => {
    expect(await consoleLine({})).toMatch(ANSI);
    const plain = await consoleLine({ NO_COLOR: '1' });
    expect(plain).toContain('stage completed');
    expect(plain).not.toMatch(ANSI);
  });

  it('exits quietly when the reader of its output is gone (`tribar models | head`)', async () => {
    const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');
    // From the package folder, so tsx maps sibling packages to their sources (tsconfig paths), not to a stale dist.
    const child = spawn(process.execPath, [tsx, join('src', 'main.ts'), 'models'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader closes before the first line: every write hits EPIPE
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(code).toBe(0);
  });
});

describe('log lines and progress bars', () => {
  it('rounds the numbers of a log line to 6 significant digits on the console, never in the log file', async () => {
    const file = join(cwd, 'round', 'pipeline.log');
    const line = await consoleLine({ NO_COLOR: '1' }, { share: 0.1 + 0.2, third: [1 / 3], bars: 9720, nested: { f1: 0.123456789 } }, file);
    expect(line).toContain('"share":0.3,"third":[0.333333],"bars":9720,"nested":{"f1":0.123457}');
    expect(line).not.toContain('0.30000000000000004');
    expect(readFileSync(file, 'utf8')).toContain('"share":0.30000000000000004');
  });

  it("prints a record's error as its message and hint under the line, its stack only in the log file", async () => {
    const file = join(cwd, 'error', 'pipeline.log');
    const err = {
      type: 'DataError',
      message: 'bars.csv, row 3: bad high',
      hint: 'Fix row 3.',
      stack: 'DataError: bars.csv, row 3: bad high\n    at read (ingest.ts:1:1)',
    };
    const line = await consoleLine({ NO_COLOR: '1' }, { stage: 'ingest', err }, file);
    expect(line).toMatch(/INFO: stage completed \{"stage":"ingest"\}\n {4}bars\.csv, row 3: bad high\n {4}hint: Fix row 3\.\n$/);
    expect(readFileSync(file, 'utf8')).toContain('at read (ingest.ts:1:1)');
  });

  it('prints log lines above a bar whole (wrapped by the terminal), never cut at its width', async () => {
    const terminal = fakeTerminal(40);
    const display = createProgressDisplay(terminal.io);
    display.onEvent(progress(3, 10, { stage: 'features', unit: 'symbols' }));
    const long = `features computed ${'x'.repeat(60)} rowsOut=1141 features=123`;
    display.sink.write(long + '\n');
    await tick(150);
    display.stop();
    const text = terminal.written();
    expect(text).toContain(long);
    // The bar library's default turns the terminal's line wrap off (ESC [?7l) while it draws.
    expect(text).not.toContain(`${ESC}[?7l`);
    const barLines = text.split(new RegExp(`\\r|\\n|${ESC}\\[[0-9;?]*[A-Za-z]`)).filter((part) => part.includes('|'));
    expect(barLines.length).toBeGreaterThan(0);
    for (const bar of barLines) expect(bar.length).toBeLessThan(40);
  });

  it('shows the ETA of epochs as an upper bound with the time per epoch, and says when early stopping ends a fit', async () => {
    const terminal = fakeTerminal(160);
    const display = createProgressDisplay(terminal.io);
    display.onEvent(progress(0, 500, { unit: 'epochs', label: 'mlp-MES-h20' }));
    await tick(30);
    display.onEvent(progress(30, 500, { unit: 'epochs', label: 'mlp-MES-h20' }));
    await tick(150);
    display.onEvent(progress(500, 500, { unit: 'epochs', label: 'mlp-MES-h20' }));
    display.onEvent({ type: 'run-end', runId: 'r', status: 'completed', durationMs: 0 });
    display.stop();
    const text = terminal.written();
    expect(text).toMatch(/30\/500 epochs mlp-MES-h20 \d+(\.\d+)?s\/epoch, eta ≤ /);
    expect(text).toContain('train mlp-MES-h20: early stopping ended the fit before its maximum of 500 epochs (last reported epoch 30)');

    const plain = fakeTerminal(80);
    Object.assign(plain.io.err, { isTTY: false });
    const lines = createProgressDisplay(plain.io);
    for (const current of [0, 30, 500]) lines.onEvent(progress(current, 500, { unit: 'epochs', label: 'mlp-MES-h20' }));
    lines.stop();
    expect(plain.written()).toContain(
      'train mlp-MES-h20: early stopping ended the fit before its maximum of 500 epochs (last reported epoch 30)',
    );
    // A fit that runs every epoch is no early stop.
    const full = fakeTerminal(80);
    Object.assign(full.io.err, { isTTY: false });
    const fullLines = createProgressDisplay(full.io);
    // Progress is throttled, so its last epochs arrive as a jump; then the end repeats the maximum.
    for (const current of [0, 250, 500, 500]) fullLines.onEvent(progress(current, 500, { unit: 'epochs', label: 'mlp-MES-h20' }));
    fullLines.stop();
    expect(full.written()).not.toContain('early stopping');
  });

  it('names the stage once on a progress line (stages label their progress with their own name)', () => {
    const plain = fakeTerminal(80);
    Object.assign(plain.io.err, { isTTY: false });
    const display = createProgressDisplay(plain.io);
    display.onEvent(progress(1, 2, { stage: 'features', unit: 'symbols', label: 'features' }));
    display.onEvent(progress(2, 2, { stage: 'train', unit: 'epochs', label: 'logistic-MES-h20' }));
    expect(plain.written()).toBe('features: 50% (1/2 symbols)\ntrain: 100% (2/2 epochs) logistic-MES-h20\n');
    expect(existsSync(cwd)).toBe(true);
  });
});
