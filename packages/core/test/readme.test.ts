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
    const lines = execFileSync(process.execPath, [tsx, file], { cwd: packageDir, encoding: 'utf8' }).trim().split('\n');
    expect(lines).toHaveLength(3);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, runId: 'example', component: 'example', path: 'clean/MES.arrow', msg: 'recorded' });
    expect(record['sha256']).toMatch(/^[0-9a-f]{12}$/);
    expect(lines.slice(1)).toEqual(['MES 10 true', '[]']);
  });
});
