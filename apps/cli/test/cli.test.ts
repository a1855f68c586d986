import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '@tribar/config';
import { defineStage, writeFileAtomic, type StageDefinition } from '@tribar/core';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured } from './run-cli.js';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'tribar-cli-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** One stage writing the seed and horizons, so runs differ exactly when those do. */
const echoStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: 'echo',
  description: 'writes part of the config',
  dependsOn: [],
  version: 1,
  configKeys: ['horizons'],
  inputs: () => [],
  outputs: () => ['echo/out.json'],
  async run(context) {
    if (context.config.description === 'fail') throw new Error('echo was told to fail');
    context.progress.start(4, { unit: 'steps', label: 'demo' });
    for (let step = 0; step < 4; step++) context.progress.advance();
    await writeFileAtomic(context.path('echo/out.json'), JSON.stringify({ seed: context.config.seed, horizons: context.config.horizons }));
  },
});

function cli(argv: string[], options: { env?: Record<string, string>; stages?: StageDefinition<RunConfig>[] } = {}) {
  return runCliCaptured(argv, cwd, { env: options.env ?? {}, stages: options.stages ?? [echoStage] });
}

const writeConfig = (name: string, text: string) => {
  writeFileSync(join(cwd, name), text);
  return name;
};

describe('tribar config', () => {
  it('validate names both numbers when the purge is shorter than a label window, and exits 2', async () => {
    const file = writeConfig(
      'bad.yaml',
      [
        'splits:',
        '  purgeBars: 20',
        'barriers:',
        '  bySymbol:',
        '    MES:',
        "      '20': { kUp: 2, kDown: 1, maxBars: 60 }",
        'ga:',
        '  enabled: false',
      ].join('\n'),
    );
    const result = await cli(['config', 'validate', '--config', file]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('splits.purgeBars');
    expect(result.stderr).toMatch(
      /purge of 20 bars is smaller than the longest label window, 60 bars \(barriers\.bySymbol\.MES\.20\.maxBars\)/,
    );
  });

  it('validate passes the defaults and lists the layers used', async () => {
    const result = await cli(['config', 'validate', '--set', 'seed=3'], { env: { TRIBAR__SPLITS__EMBARGO_BARS: '288' } });
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('config ok (defaults < environment < command line): 2 symbols, horizons [5, 20]');
  });

  it('print shows the config in effect, with env and --set applied in that order', async () => {
    const result = await cli(['config', 'print', '--json', '--set', 'seed=9', '--set', 'horizons=[5]'], {
      env: { TRIBAR__SEED: '8', TRIBAR__SPLITS__PURGE_BARS: '61' },
    });
    expect(result.code).toBe(EXIT.ok);
    const printed = JSON.parse(result.stdout) as RunConfig;
    expect(printed.seed).toBe(9);
    expect(printed.horizons).toEqual([5]);
    expect(printed.splits.purgeBars).toBe(61);
  });

  it('reports a malformed --set as a usage error', async () => {
    const result = await cli(['config', 'validate', '--set', 'seed']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain("override 'seed' is not of the form path=value");
  });
});

describe('tribar pipeline and run inspection', () => {
  it('an edited config.json is an integrity error (exit 4); a truncated one is rebuilt on resume with the same settings', async () => {
    expect((await cli(['pipeline', '--run-id', 'a'])).code).toBe(EXIT.ok);
    const file = join(cwd, 'runs', 'a', 'config.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"seed": 42', '"seed": 43'));
    const edited = await cli(['pipeline', '--resume', '--run-id', 'a']);
    expect(edited.code).toBe(EXIT.integrity);
    expect(edited.stderr).toContain('config.json');

    writeFileSync(file, text.slice(0, 40));
    const repaired = await cli(['pipeline', '--resume', '--run-id', 'a']);
    expect(repaired.code).toBe(EXIT.ok);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect((await cli(['status', 'a', '--verify'])).code).toBe(EXIT.ok);
  });

  it('runs, lists, shows, verifies, compares and cleans runs', async () => {
    const first = await cli(['pipeline', '--run-id', 'a']);
    expect(first.code).toBe(EXIT.ok);
    expect(first.stdout).toMatch(/echo\s+completed/);
    // The stage table shows where the run's time and memory went: wall, CPU and the stage's peak RSS.
    expect(first.stdout).toMatch(/stage\s+status\s+duration\s+cpu\s+peak RSS/);
    const peak = Number(/echo\s+completed\s+\S+ m?s\s+\S+ m?s\s+(\d+) MiB/.exec(first.stdout)?.[1]);
    expect(peak).toBeGreaterThan(10);
    expect(first.stdout).toContain('run a: completed');

    const again = await cli(['pipeline', '--resume']);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toMatch(/echo\s+skipped \(up to date\)/);

    expect((await cli(['pipeline', '--run-id', 'b'])).code).toBe(EXIT.ok);
    expect((await cli(['pipeline', '--run-id', 'c', '--set', 'horizons=[5]'])).code).toBe(EXIT.ok);

    const runs = await cli(['pipelines']);
    expect(runs.stdout.split('\n').filter((line) => /^[abc]\s/.test(line))).toHaveLength(3);

    const status = await cli(['status', 'a', '--verify']);
    expect(status.code).toBe(EXIT.ok);
    expect(status.stdout).toContain('all 2 artifacts verified');

    const same = await cli(['compare', 'a', 'b']);
    expect(same.code).toBe(EXIT.ok);
    // By bytes: config.json, manifest.json and the artifact (state.json and logs say when, not what).
    expect(same.stdout).toContain('a → b: 0 added, 0 removed, 0 modified, 3 unchanged');
    const different = await cli(['compare', 'a', 'c']);
    expect(different.code).toBe(EXIT.failed);
    expect(different.stdout).toContain('~ echo/out.json');
    expect(different.stdout).toContain('~ config.json');

    writeFileSync(join(cwd, 'runs', 'a', 'echo', 'out.json'), '{}');
    const tampered = await cli(['status', 'a', '--verify']);
    expect(tampered.code).toBe(EXIT.integrity);
    expect(tampered.stdout).toContain('size-mismatch: echo/out.json');
    // The manifests still agree; the bytes do not, and compare says so.
    const afterTamper = await cli(['compare', 'a', 'b']);
    expect(afterTamper.code).toBe(EXIT.failed);
    expect(afterTamper.stdout).toContain('~ echo/out.json');

    // The GA's store: one planted entry of 5 bytes, removed by --cache (no run named: the runs stay).
    mkdirSync(join(cwd, 'runs', '.cache', 'ga', 'ab'), { recursive: true });
    writeFileSync(join(cwd, 'runs', '.cache', 'ga', 'ab', 'abcd.json'), '{"a":1}'.slice(0, 5));
    const cache = await cli(['clean', '--cache']);
    expect(cache.code).toBe(EXIT.ok);
    expect(cache.stdout).toMatch(/cleared ga-optimize cache: 1 entries, 5 B \(.*\.cache[/\\]ga\)/);
    expect(existsSync(join(cwd, 'runs', '.cache', 'ga'))).toBe(false);
    expect((await cli(['status', 'b'])).code).toBe(EXIT.ok);
    expect((await cli(['clean', '--cache'])).stdout).toContain('cleared ga-optimize cache: 0 entries, 0 B');

    expect((await cli(['clean', 'b'])).stdout).toContain('deleted b');
    expect((await cli(['status', 'b'])).code).toBe(EXIT.notFound);
    expect((await cli(['clean', '--all'])).code).toBe(EXIT.usage);
    expect((await cli(['clean', '--all', '--force'])).code).toBe(EXIT.ok);
    expect((await cli(['pipelines'])).stdout).toContain('no runs in');
  });

  it('prints progress as plain lines when standard error is not a terminal', async () => {
    const result = await cli(['pipeline', '--run-id', 'p']);
    expect(result.stderr).toContain('echo: 0% (0/4 steps) demo');
    expect(result.stderr).toContain('echo: 100% (4/4 steps) demo');
    expect(result.stderr).toMatch(/INFO.*stage completed/);
  });

  it('exits 1 when a stage fails and prints its error', async () => {
    const result = await cli(['pipeline', '--run-id', 'f', '--set', 'description=fail']);
    expect(result.code).toBe(EXIT.failed);
    expect(result.stdout).toMatch(/echo\s+failed\s+\S+ m?s\s+\S+ m?s\s+\d+ MiB\s+echo was told to fail/);
  });

  it('exits 2 for unknown stages and commands, 3 for nothing to resume', async () => {
    expect((await cli(['pipeline', '--from', 'nope'])).code).toBe(EXIT.usage);
    expect((await cli(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await cli(['pipeline', '--resume'])).code).toBe(EXIT.notFound);
  });

  it('writes a JSON-lines log file in the run folder', async () => {
    await cli(['pipeline', '--run-id', 'logged']);
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(join(cwd, 'runs', 'logged', 'logs', 'pipeline.log'), 'utf8')
      .trim()
      .split('\n');
    const records = lines.map((line) => JSON.parse(line) as { msg: string; runId: string });
    expect(records.map((record) => record.msg)).toContain('run finished');
    expect(records.every((record) => record.runId === 'logged')).toBe(true);
  });
});

describe('the tribar process', () => {
  it('sets the process exit code from the command', () => {
    const file = writeConfig('ratios.yaml', 'splits: { train: 0.5, val: 0.2, test: 0.2 }\n');
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const result = spawnSync(
      process.execPath,
      ['--import', tsx, join(import.meta.dirname, '../src/main.ts'), 'config', 'validate', '--config', file],
      {
        cwd,
        encoding: 'utf8',
        // The run happens in a temporary folder: name the tsconfig whose paths map @tribar/* to sources,
        // so the test never depends on a previous build.
        env: { ...process.env, TSX_TSCONFIG_PATH: join(import.meta.dirname, '../tsconfig.json') },
      },
    );
    expect(result.status, result.stderr).toBe(EXIT.usage);
    expect(result.stderr).toContain('train + val + test must sum to 1, got 0.5 + 0.2 + 0.2 = 0.9');
  });
});
