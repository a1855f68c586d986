import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'tribar-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README example', () => {
  it('runs with tsx from the package folder and prints what its comments say', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const file = join(scratch, 'example.mts');
    writeFileSync(file, code ?? '');
    const output = execFileSync(process.execPath, [tsx, file], { cwd: packageDir, encoding: 'utf8' });
    const lines = output.trim().split('\n');
    expect(lines[0]).toBe("[ 'defaults', 'environment', 'command line' ]");
    expect(lines[1]).toBe('288 10');
    expect(lines[2]).toBe('{ kUp: 3, kDown: 2.1, maxBars: 50 }');
    expect(output).toContain("params: { kUp: 1, kDown: 1, maxBars: 21 },\n  source: 'fallback'");
    expect(lines).toContain('1.875');
    expect(lines).toContain('60');
    expect(lines).toContain('splits: train + val + test must sum to 1, got 0.8 + 0.15 + 0.15 = 1.1');
    expect(lines.at(-1)).toMatch(/^splits\.purgeBars: purge of 20 bars is smaller than the longest label window, 60 bars/);
  });
});
