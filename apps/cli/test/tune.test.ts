import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredStages } from '@tribar/pipeline';
import { Tracker } from '@tribar/tracker';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured, TUNE_SMALL_YAML } from './run-cli.js';

let cwd: string;
beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'tribar-cli-tune-'));
  writeFileSync(join(cwd, 'small.yaml'), TUNE_SMALL_YAML);
  const pipeline = await cli(['pipeline', '--config', 'small.yaml', '--run-id', 'small']);
  expect(pipeline.code, pipeline.stderr).toBe(EXIT.ok);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function cli(argv: string[]) {
  return runCliCaptured(argv, cwd, { stages: registeredStages });
}

describe('tribar tune', () => {
  it('runs a study with progress, scores the best trial on test once with the DSR over N trials, and resumes', async () => {
    const first = await cli([
      'tune',
      '--model',
      'logistic',
      '--symbol',
      'MES',
      '--horizon',
      '20',
      '--trials',
      '4',
      '--sampler',
      'random',
      '--pruner',
      'none',
    ]);
    expect(first.code, first.stderr).toBe(EXIT.ok);
    expect(first.stderr).toMatch(/trial 4\/4 \(#3 complete [0-9.]+\) best [0-9.]+/);
    expect(first.stdout).toMatch(/study logistic-MES-h20: 4 complete, 0 pruned, 0 failed/);
    expect(first.stdout).toMatch(/deflated Sharpe ratio .* \(N = 4 trials\)/);
    const journal = join(cwd, 'studies', 'logistic-MES-h20.jsonl');
    expect(existsSync(journal)).toBe(true);
    const summary = JSON.parse(readFileSync(join(cwd, 'studies', 'logistic-MES-h20.summary.json'), 'utf8')) as {
      trials: { params: Record<string, number> }[];
      test: { trials: number };
    };
    expect(summary.trials).toHaveLength(4);
    expect(summary.trials.every((t) => t.params['maxIter'] === 5 && t.params['C']! >= 0.01 && t.params['C']! <= 10)).toBe(true);
    expect(summary.test.trials).toBe(4);

    // Each trial is a child run of the study's parent run.
    const tracker = await Tracker.open(join(cwd, 'mlruns'));
    const runs = await tracker.listRuns('tribar');
    const parent = runs.find((r) => r.tags['tribar.study'] === 'logistic-MES-h20')!;
    expect(runs.filter((r) => r.tags['mlflow.parentRunId'] === parent.runId)).toHaveLength(4);

    const again = await cli(['tune', '--model', 'logistic', '--symbol', 'MES', '--horizon', '20', '--trials', '6', '--sampler', 'random']);
    expect(again.code).toBe(EXIT.usage);
    expect(again.stderr).toContain('--resume');
    const resumed = await cli([
      'tune',
      '--model',
      'logistic',
      '--symbol',
      'MES',
      '--horizon',
      '20',
      '--trials',
      '6',
      '--sampler',
      'random',
      '--pruner',
      'none',
      '--resume',
    ]);
    expect(resumed.code, resumed.stderr).toBe(EXIT.ok);
    expect(resumed.stdout).toMatch(/6 complete/);

    const show = await cli(['tune', 'show', 'logistic-MES-h20']);
    expect(show.code, show.stderr).toBe(EXIT.ok);
    expect(show.stdout).toMatch(/^#\s+state\s+value\s+best\s+steps\s+C$/m);
    expect(show.stdout.match(/^\d+\s+complete\s/gm)).toHaveLength(6);
  });

  it('runs trials in worker threads with --workers, every trial once in the one journal', async () => {
    const par = await cli([
      'tune',
      '--model',
      'logistic',
      '--symbol',
      'MES',
      '--horizon',
      '20',
      '--trials',
      '4',
      '--workers',
      '2',
      '--sampler',
      'tpe',
      '--pruner',
      'none',
      '--study',
      'par',
    ]);
    expect(par.code, par.stderr).toBe(EXIT.ok);
    expect(par.stdout).toContain('2 workers: TPE counts running trials as bad ones (constant liar)');
    expect(par.stdout).toMatch(/study par: 4 complete, 0 pruned, 0 failed/);
    const events = readFileSync(join(cwd, 'studies', 'par.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { op: string; n?: number });
    const tells = events.filter((e) => e.op === 'tell').map((e) => e.n);
    expect(tells.sort()).toEqual([0, 1, 2, 3]);
  });

  it('refuses a missing model, symbol or horizon and an unknown study', async () => {
    const missing = await cli(['tune', '--model', 'logistic']);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain('tune needs --model, --symbol and --horizon');
    const unknown = await cli(['tune', 'show', 'nope']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('no study journal');
  });
});
