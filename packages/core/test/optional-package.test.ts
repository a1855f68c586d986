import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MissingPackageError } from '../src/internal/errors.js';
import { importOptional, requireOptional } from '../src/internal/optional-package.js';

describe('optional packages', () => {
  afterEach(() => vi.restoreAllMocks());

  it('loads an installed package, synchronously or not', async () => {
    const parquet = requireOptional<{ readParquet: unknown }>('parquet-wasm', 'Reading Parquet files');
    expect(typeof parquet.readParquet).toBe('function');
    const arrow = await importOptional<{ tableFromIPC: unknown }>('apache-arrow', 'Arrow');
    expect(typeof arrow.tableFromIPC).toBe('function');
  });

  it('names the package to install and what needed it when it is missing', async () => {
    const sync = () => requireOptional('@tribar-missing/nothing-here', 'Reading Parquet files');
    expect(sync).toThrow(MissingPackageError);
    expect(sync).toThrow(/Reading Parquet files needs the optional package '@tribar-missing\/nothing-here'/);
    expect(sync).toThrow(/npm install @tribar-missing\/nothing-here/);
    await expect(importOptional('@tribar-missing/nothing-here/deep.js', 'Training an LSTM')).rejects.toMatchObject({
      code: 'PACKAGE_MISSING',
      packageName: '@tribar-missing/nothing-here',
    });
  });

  it("finds a package the working directory's project installed (pnpm links peers only where declared)", async () => {
    const project = mkdtempSync(join(tmpdir(), 'tribar-optional-'));
    try {
      const pkg = join(project, 'node_modules', 'tribar-only-in-cwd');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'tribar-only-in-cwd', version: '1.0.0', main: 'index.js' }));
      writeFileSync(join(pkg, 'index.js'), 'module.exports = { answer: 42 };');
      writeFileSync(join(project, 'package.json'), '{}');
      vi.spyOn(process, 'cwd').mockReturnValue(project);
      // A fresh module instance: the requirers are made when the module loads.
      vi.resetModules();
      const fresh = await import('../src/internal/optional-package.js');
      expect(fresh.requireOptional<{ answer: number }>('tribar-only-in-cwd', 'A test').answer).toBe(42);
      expect((await fresh.importOptional<{ default: { answer: number } }>('tribar-only-in-cwd', 'A test')).default.answer).toBe(42);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('passes on errors other than a missing package', () => {
    expect(() => requireOptional('node:fs/../nope', 'x')).toThrow();
    expect(() => requireOptional('node:fs/../nope', 'x')).not.toThrow(MissingPackageError);
  });
});
