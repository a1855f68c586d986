import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspacePackages, workspaceRoot } from '../workspace.mjs';

const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');

/** What a package's README example prints, where the README states it. */
const EXPECTED_OUTPUT: Record<string, (output: string) => void> = {
  '@tribar/core': (output) => {
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(3);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, runId: 'example', component: 'example', path: 'clean/MES.arrow', msg: 'recorded' });
    expect(record['sha256']).toMatch(/^[0-9a-f]{12}$/);
    expect(lines.slice(1)).toEqual(['MES 10 true', '[]']);
  },
  '@tribar/config': (output) => {
    const lines = output.trim().split('\n');
    expect(lines[0]).toBe("[ 'defaults', 'environment', 'command line' ]");
    expect(lines[1]).toBe('288 10');
    expect(lines[2]).toBe('{ kUp: 3, kDown: 2.1, maxBars: 50 }');
    expect(output).toContain("params: { kUp: 1, kDown: 1, maxBars: 21 },\n  source: 'fallback'");
    expect(lines).toContain('1.875');
    expect(lines).toContain('60');
    expect(lines).toContain('splits: train + val + test must sum to 1, got 0.8 + 0.15 + 0.15 = 1.1');
    expect(lines.at(-1)).toMatch(/^splits\.purgeBars: purge of 20 bars is smaller than the longest label window, 60 bars/);
  },
  '@tribar/features': (output) => {
    expect(output.trim().split('\n')).toEqual(['123', '767', 'momentum oscillator 14 false', "{ cross: [ 'MES', 'MGC' ] }", '2233']);
  },
  '@tribar/models': (output) => expect(output.trim().split('\n')).toEqual(['true true', '[ 0, 1, 2 ]', '0.997 0.003 0.000', 'true']),
  '@tribar/artifacts': (output) =>
    expect(output.trim().split('\n')).toEqual([
      'true 2025-09-16T15:05:00.000Z true',
      expect.stringMatching(/cut\/cut\.json: not a valid cut\/cut\.json \(field 'trainEndMs': .*NaN\)$/),
    ]),
  '@tribar/market': (output) =>
    expect(output.trim().split('\n')).toEqual(['2025-01-09T12:00:00.000Z 70', '2025-01-06 2025-01-06T22:00:00.000Z']),
  '@tribar/quant': (output) => expect(output.trim().split('\n')).toEqual(['[1,1,-1,0,-99,-99,-99] [2,1,1,3,0,0,0]', '-10.77 69552']),
  '@tribar/pipeline': (output) => expect(output.trim()).toBe('completed true'),
  '@tribar/labeling': (output) =>
    expect(output.trim().split('\n')).toEqual([
      '[ 1, 0, -1, -99, -99, -99 ]',
      '[ 3, 3, 2, 0, 0, 0 ]',
      '0.375',
      '[ 0, 0, -1, -99, -99, -99 ]',
      '0.5417 0.4167 0.3889',
    ]),
  '@tribar/api': (output) => expect(output.trim().split('\n')).toEqual(['200 ok { running: 0, queued: 0 }', '400 params.runId']),
  '@tribar/inference': (output) => expect(output.trim().split('\n')).toEqual(["true [ 'MGC' ]", 'true true']),
  '@tribar/datasets': (output) => expect(output.trim().split('\n')).toEqual(['[ 1, 2, 4, 6 ]', '[ 1, 2, 4, 5, 6 ]', '[ 9 ]', '[ 0, 10 ]']),
  '@tribar/trainer': (output) =>
    expect(output.trim().split('\n')).toEqual([
      '{ bestEpoch: 3, bestLoss: 0.85, stoppedAt: 5 }',
      '0.000500 0.001000 0.001000 0.000500 0.000000',
    ]),
  '@tribar/tracker': (output) => {
    const lines = output.trim().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '1767225601000 0.41 0',
      '1767225602000 0.47 1',
      '1767225603000 0.52 2',
      'baseline FINISHED 0.05 0.52',
      'run       name      status    val/f1  val/loss  horizon',
      '--------  --------  --------  ------  --------  -------',
    ]);
    expect(lines[6]).toMatch(/^[0-9a-f]{8} {2}baseline {2}FINISHED {4}0\.52 {3}0\.00001 {2}20$/);
    expect(lines).toHaveLength(7);
  },
};

const withExamples = workspacePackages().filter(
  ({ dir, manifest }) => !manifest.private && /```ts\n/.test(readFileSync(join(dir, 'README.md'), 'utf8')),
);

describe('README examples', () => {
  it('cover every package whose README promises an output', () => {
    const names = withExamples.map(({ manifest }) => manifest.name as string);
    expect(names).toEqual(expect.arrayContaining(Object.keys(EXPECTED_OUTPUT)));
  });

  it.each(withExamples.map((pkg) => [relative(workspaceRoot, pkg.dir), pkg] as const))(
    '%s: the first TypeScript example runs',
    (_name, { dir, manifest }) => {
      const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(dir, 'README.md'), 'utf8'))?.[1] ?? '';
      // Inside the package folder, so sibling packages resolve as a user's would (tsconfig paths to source).
      const file = join(dir, `.readme-example-${process.pid}.mts`);
      writeFileSync(file, code);
      let output = '';
      try {
        output = execFileSync(process.execPath, [tsx, file], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        const { stderr, stdout } = error as { stderr?: string; stdout?: string };
        expect.fail(`README example of ${manifest.name} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
      } finally {
        rmSync(file, { force: true });
        rmSync(join(dir, 'runs'), { recursive: true, force: true });
      }
      EXPECTED_OUTPUT[manifest.name as string]?.(output);
    },
  );
});
