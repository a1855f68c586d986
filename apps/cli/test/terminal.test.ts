// What a user at a terminal (or at the end of a pipe) meets: --version, NO_COLOR, and a closed pipe.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { createCliLogger } from '../src/logging.js';
import { runCliCaptured } from './run-cli.js';

const cwd = mkdtempSync(join(tmpdir(), 'tribar-terminal-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The start of an ANSI escape sequence (ESC [). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

/** What the CLI's console logger prints for one record, on a stream that says it is a terminal. */
async function consoleLine(env: Record<string, string>): Promise<string> {
  const err = Object.assign(new PassThrough(), { isTTY: true });
  let text = '';
  const logger = createCliLogger(
    { out: new PassThrough(), err, env, cwd },
    { level: 'info', sink: { write: (chunk) => void (text += chunk) } },
  );
  logger.info({ stage: 'clean' }, 'stage completed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return text;
}

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
