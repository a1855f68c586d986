// What a failure looks like: one line naming what failed (file, row, field) and its hint, the right exit code;
// the stack in the run's log file, and on the console only at --log-level debug.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '@tribar/config';
import { DataError, defineStage, type StageDefinition } from '@tribar/core';
import { registeredStages } from '@tribar/pipeline';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured } from './run-cli.js';

let root: string;
let cwd: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tribar-failures-'));
  cwd = join(root, 'work');
  mkdirSync(cwd);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A line of a JS stack trace. */
const STACK_LINE = /^\s+at .+[:(]/m;

const failing = (error: () => Error): StageDefinition<RunConfig> =>
  defineStage<RunConfig>({
    name: 'reader',
    description: 'fails as told',
    dependsOn: [],
    version: 1,
    configKeys: [],
    inputs: () => [],
    outputs: () => ['reader/out.json'],
    run() {
      throw error();
    },
  });

const allFiles = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' });

describe('a refused run id', () => {
  it('`--run-id ../escape` exits 2 naming the rule and leaves no file anywhere', async () => {
    const result = await runCliCaptured(['pipeline', '--run-id', '../escape'], cwd, { stages: [failing(() => new Error('never runs'))] });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain("run id '../escape' may use only letters, digits, '.', '_' and '-'");
    expect(result.stderr).toMatch(/hint: /);
    expect(allFiles(root)).toEqual(['work']);
  });

  it('an unknown stage leaves no run folder (the log file is made with the run folder)', async () => {
    const result = await runCliCaptured(['pipeline', '--from', 'nope'], cwd, { stages: [failing(() => new Error('never runs'))] });
    expect(result.code).toBe(EXIT.usage);
    expect(allFiles(cwd)).toEqual([]);
  });
});

describe('a stage that fails', () => {
  it('prints the error naming file, row and field with its hint, no stack; the stack is in the log file', async () => {
    const stage = failing(() => new DataError('not a number', { file: 'bars.csv', row: 7, field: 'high' }, { hint: 'Fix row 7.' }));
    const result = await runCliCaptured(['pipeline', '--run-id', 'f'], cwd, { stages: [stage] });
    expect(result.code).toBe(EXIT.failed);
    expect(result.stderr).toMatch(/ERROR: stage failed .*\n {4}bars\.csv, row 7, field 'high': not a number\n {4}hint: Fix row 7\.\n/);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toMatch(/reader\s+failed\s+\S+ ms\s+\S+ ms\s+\S+ MiB\s+bars\.csv, row 7, field 'high': not a number/);
    const log = readFileSync(join(cwd, 'runs', 'f', 'logs', 'pipeline.log'), 'utf8');
    expect(log).toMatch(/"stack":"DataError: bars\.csv, row 7[^"]*\\n\s+at /);
  });

  it('an error Tribar did not expect gets a hint where its stack is; --log-level debug prints the stack', async () => {
    const stage = failing(() => new TypeError("Cannot read properties of undefined (reading 'close')"));
    const quiet = await runCliCaptured(['pipeline', '--run-id', 'q'], cwd, { stages: [stage] });
    expect(quiet.code).toBe(EXIT.failed);
    expect(quiet.stderr).toContain("    Cannot read properties of undefined (reading 'close')\n    hint: the stack is in the log file");
    expect(quiet.stderr).not.toMatch(STACK_LINE);

    const verbose = await runCliCaptured(['pipeline', '--run-id', 'v', '--log-level', 'debug'], cwd, { stages: [stage] });
    expect(verbose.code).toBe(EXIT.failed);
    expect(verbose.stderr).toMatch(STACK_LINE);
  });
});

describe('real failures of the registered stages', () => {
  const small = [
    '--set',
    'data.synthetic.days=21',
    '--set',
    'horizons=[20]',
    '--set',
    'splits.embargoBars=288',
    // Phase 1 only: the default config also trains logistic and gbdt, which these failures do not need.
    '--set',
    'train.models=[]',
    '--set',
    'ga.enabled=false',
  ];
  const cli = (argv: string[]) => runCliCaptured(argv, cwd, { stages: registeredStages });

  it('an input path that is a directory: one line and a hint, exit 1, the error in the log file', async () => {
    mkdirSync(join(cwd, 'bars'));
    const result = await cli([
      'pipeline',
      '--run-id',
      'dir',
      '--set',
      'data.source=files',
      '--set',
      `data.files.MES=${join(cwd, 'bars')}`,
      '--set',
      'symbols=["MES"]',
    ]);
    expect(result.code).toBe(EXIT.failed);
    expect(result.stderr).toContain(`cannot read the file: ${join(cwd, 'bars')}`);
    expect(result.stderr).toMatch(/hint: /);
    expect(result.stderr).not.toMatch(STACK_LINE);
    // The error record, with its stack (fs errors carry no frames), is in the run's log file.
    expect(readFileSync(join(cwd, 'runs', 'dir', 'logs', 'pipeline.log'), 'utf8')).toMatch(/"err":\{[^\n]*"stack":/);
  });

  it('a bad config value that only a stage can check (a time zone) names the setting, with no stack', async () => {
    const csv = join(cwd, 'mes.csv');
    writeFileSync(csv, 'timestamp,open,high,low,close,volume\n2026-01-20T13:27:00Z,6880.25,6880.5,6878.5,6880,446\n');
    const result = await cli([
      'pipeline',
      '--run-id',
      'tz',
      '--set',
      'data.source=files',
      '--set',
      `data.files.MES=${csv}`,
      '--set',
      'symbols=["MES"]',
      '--set',
      'data.timezone=Mars/Olympus',
    ]);
    // The config schema knows time zones: refused before any stage runs.
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/data\.timezone.*Mars\/Olympus|Mars\/Olympus.*data\.timezone/);
    expect(result.stderr).toMatch(/hint: /);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('a corrupt artifact names its file and how to rebuild it, exit 1', async () => {
    const run = await cli(['pipeline', '--run-id', 'c', ...small]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    // An edited config.json would train on settings the data never had: refused, exit 4.
    const configFile = join(cwd, 'runs', 'c', 'config.json');
    const recorded = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, recorded.replace('"seed": 42', '"seed": 43'));
    const edited = await cli(['train', '--model', 'logistic', '--symbol', 'MES', '--run', 'c']);
    expect(edited.code).toBe(EXIT.integrity);
    expect(edited.stderr).toContain(`error: ${configFile}: checksum-mismatch: not the config run c was made with`);
    writeFileSync(configFile, recorded);
    writeFileSync(join(cwd, 'runs', 'c', 'scale', 'MES.arrow'), 'ARROW1garbage');
    const result = await cli(['train', '--model', 'logistic', '--symbol', 'MES', '--run', 'c']);
    expect(result.code).toBe(EXIT.failed);
    expect(result.stderr).toContain(`error: ${join(cwd, 'runs', 'c', 'scale', 'MES.arrow')}: not a complete Arrow IPC file`);
    expect(result.stderr).toMatch(/hint: .*re-run the stage/);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(join(cwd, 'runs', 'c', 'train', 'summary.json'))).toBe(false);
  });
});
