import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'tribar-features-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README example', () => {
  it('runs with tsx from the package folder and prints what its comments say', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const file = join(scratch, 'example.mts');
    writeFileSync(file, code ?? '');
    const output = execFileSync(process.execPath, [tsx, file], { cwd: packageDir, encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual(['123', '767', 'momentum oscillator 14 false', "{ cross: [ 'MES', 'MGC' ] }", '2233']);
  });
});
