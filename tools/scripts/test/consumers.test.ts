import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installWeight, weightRegressions } from '../consumers.mjs';

describe('install weights', () => {
  it('counts every package folder of node_modules, scoped and nested, and their bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    try {
      const pkg = (path: string, bytes: number) => {
        mkdirSync(join(dir, path), { recursive: true });
        writeFileSync(join(dir, path, 'package.json'), '{}');
        writeFileSync(join(dir, path, 'index.js'), 'x'.repeat(bytes - 2));
      };
      pkg('node_modules/a', 500_000);
      pkg('node_modules/@s/b', 250_000);
      pkg('node_modules/a/node_modules/c', 250_000);
      mkdirSync(join(dir, 'node_modules/.bin'));
      mkdirSync(join(dir, 'node_modules/a/lib'));
      writeFileSync(join(dir, 'node_modules/a/lib/package.json'), '{}');
      // a/lib is not a package (not right inside node_modules); its 2 bytes still count.
      expect(installWeight(dir)).toEqual({ packages: 3, megabytes: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a growth past 20 % unless a changeset line says why', () => {
    const baseline = { '@t/a': { packages: 10, megabytes: 10 }, '@t/b': { packages: 10, megabytes: 10 } };
    const weights = {
      '@t/a': { packages: 12, megabytes: 12 }, // +20 %: allowed
      '@t/b': { packages: 10, megabytes: 12.1 }, // +21 %
      '@t/new': { packages: 99, megabytes: 99 }, // no baseline yet: reported elsewhere, not failed
    };
    expect(weightRegressions(weights, baseline, '').map((f: { name: string }) => f.name)).toEqual(['@t/b']);
    expect(weightRegressions(weights, baseline, '---\n---\ninstall-weight: @t/b adds tfjs for the LSTM\n')).toEqual([]);
    // The line must name the package and give a reason.
    expect(weightRegressions(weights, baseline, 'install-weight: @t/b\n')).toHaveLength(1);
    expect(weightRegressions(weights, baseline, 'install-weight: @t/a heavier\n')).toHaveLength(1);
  });
});
