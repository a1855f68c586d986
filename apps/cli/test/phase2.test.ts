import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registeredStages } from '@tribar/pipeline';
import { Tracker } from '@tribar/tracker';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured } from './run-cli.js';
import { formatTrainResults, parseHyperparameters } from '../src/internal/commands/train.js';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'tribar-cli-p2-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function cli(argv: string[]) {
  return runCliCaptured(argv, cwd, { stages: registeredStages });
}

describe('tribar models', () => {
  it('lists the four built-in families with their defaults', async () => {
    const { code, stdout } = await cli(['models']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('logistic (aliases: lr, logistic_regression): classical, tabular input.');
    expect(stdout).toContain('mlp: neural, tabular input.');
    expect(stdout).toMatch(/xgboost \(aliases: xgb\): boosting, tabular input\./);
    expect(stdout).toMatch(/gbdt \(aliases: lightgbm, lgbm\): boosting, tabular input\./);
    expect(stdout).toMatch(/maxDepth\s+6\s/);
  });
});

describe('tribar train', () => {
  it('exits 3 with a hint when there is no Phase 1 run to train on', async () => {
    const { code, stderr } = await cli(['train', '--model', 'logistic']);
    expect(code).toBe(EXIT.notFound);
    expect(stderr).toContain('no Phase 1 run with a completed scale stage');
    expect(stderr).toContain('tribar pipeline');
  });

  it("trains on the latest run with the run's own config (its train section and tracking), --config and --set on top", async () => {
    writeFileSync(
      join(cwd, 'small.yaml'),
      [
        'data:',
        '  synthetic:',
        '    days: 21',
        'horizons: [20]',
        'splits:',
        '  embargoBars: 288',
        'train:',
        '  models: []', // a Phase 1 run: `tribar train` adds the first model
        '  hyperparameters:',
        '    logistic: { maxIter: 7 }',
        '  tracking:',
        '    experiment: from-run',
        '',
      ].join('\n'),
    );
    const pipeline = await cli(['pipeline', '--config', 'small.yaml', '--run-id', 'small']);
    expect(pipeline.code, pipeline.stderr).toBe(EXIT.ok);

    const own = await cli(['train', '--model', 'logistic', '--symbol', 'MES']);
    expect(own.code, own.stderr).toBe(EXIT.ok);
    expect(own.stdout).toContain(`config: ${join(cwd, 'runs', 'small', 'config.json')}\n`);
    expect(own.stdout).toMatch(/^logistic\s+MES\s+h20\s/m);
    // The report is re-rendered as the command says, and then shows the model.
    expect(own.stdout).toContain('report: `tribar report small`');
    const report = await cli(['report', 'small']);
    expect(report.code, report.stderr).toBe(EXIT.ok);
    expect((await cli(['report', 'nope'])).code).toBe(EXIT.notFound);
    const rendered = JSON.parse(readFileSync(join(cwd, 'runs', 'small', 'report', 'report.json'), 'utf8')) as {
      models: { present: boolean; results: { model: string }[] };
    };
    expect(rendered.models.present).toBe(true);
    expect(rendered.models.results.map((r) => r.model)).toEqual(['logistic']);

    const tracker = await Tracker.open(join(cwd, 'mlruns'));
    const [tracked] = await tracker.listRuns('from-run');
    expect(tracked?.params['hp.maxIter']).toBe('7');
    expect(tracked?.tags['tribar.pipelineRun']).toBe('small');

    writeFileSync(join(cwd, 'more.yaml'), 'train:\n  hyperparameters:\n    logistic: { C: 0.5 }\n');
    const other = await cli([
      'train',
      '--model',
      'logistic',
      '--symbol',
      'MES',
      '--config',
      'more.yaml',
      '--set',
      'train.tracking.experiment=elsewhere',
    ]);
    expect(other.code, other.stderr).toBe(EXIT.ok);
    expect(other.stdout).toContain(`config: ${join(cwd, 'runs', 'small', 'config.json')} < ${join(cwd, 'more.yaml')} < command line\n`);
    const [elsewhere] = await tracker.listRuns('elsewhere');
    // the file's C over the run's own table, whose maxIter stays
    expect(elsewhere?.params['hp.C']).toBe('0.5');
    expect(elsewhere?.params['hp.maxIter']).toBe('7');
    expect(await tracker.listRuns('from-run')).toHaveLength(1);

    // --hp goes on top of the run's table (maxIter 7 stays) for one model; refused for several or when invalid
    const hp = await cli(['train', '--model', 'lr', '--symbol', 'MES', '--hp', 'C=2']);
    expect(hp.code, hp.stderr).toBe(EXIT.ok);
    expect(hp.stdout).toContain(`config: ${join(cwd, 'runs', 'small', 'config.json')} < --hp\n`);
    const runs = await tracker.listRuns('from-run');
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => [r.params['hp.C'], r.params['hp.maxIter']]).sort()).toEqual([
      ['1', '7'],
      ['2', '7'],
    ]);
    const several = await cli(['train', '--model', 'lr,mlp', '--hp', 'C=2']);
    expect(several.code).toBe(EXIT.usage);
    expect(several.stderr).toContain('--hp applies to a single --model, got 2 (lr, mlp)');
    const invalid = await cli(['train', '--model', 'lr', '--hp', 'C=-1']);
    expect(invalid.code).toBe(EXIT.usage);
    expect(invalid.stderr).toMatch(/\bC\b/);
    expect(await tracker.listRuns('from-run')).toHaveLength(2);

    const unknown = await cli(['train', '--model', 'svm']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('train.models names unknown model(s): svm');
    expect(unknown.stderr).toMatch(
      /hint: Registered models: gbdt \(lightgbm, lgbm\), gru, logistic \(lr, logistic_regression\), lstm, mlp, nhits, patchtst, tcn, tft \(temporal-fusion-transformer\), transformer, xgboost \(xgb\)/,
    );

    // --json: one event per line on standard output (epochs, the fit, the summary); the table goes to standard error.
    const json = await cli(['train', '--model', 'logistic', '--symbol', 'MES', '--json']);
    expect(json.code, json.stderr).toBe(EXIT.ok);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string } & Record<string, unknown>);
    expect(events.every((e) => ['epoch', 'early-stop', 'fit-done', 'summary'].includes(e.event))).toBe(true);
    expect(events.filter((e) => e.event === 'epoch').length).toBeGreaterThan(0);
    expect(events.find((e) => e.event === 'epoch')).toMatchObject({ stage: 'train', label: 'logistic-MES-h20', maxEpochs: 7 });
    expect(events.find((e) => e.event === 'fit-done')).toMatchObject({ model: 'logistic', symbol: 'MES', horizon: 20 });
    expect(events.at(-1)).toMatchObject({ event: 'summary', runId: 'small', status: 'completed', exitCode: 0 });
    expect(json.stderr).toMatch(/^logistic\s+MES\s+h20\s/m);
  });

  it('re-renders the report after `tribar train` refits a model of a run whose pipeline trained too', async () => {
    // The default config trains logistic and gbdt: the pipeline's train stage recorded its files, and the refit
    // below rewrites some of them; the report (`--only report`) must still find the train stage intact.
    const small = ['--set', 'data.synthetic.days=21', '--set', 'horizons=[20]', '--set', 'splits.embargoBars=288'];
    const pipeline = await cli(['pipeline', '--run-id', 'trained', ...small, '--set', 'train.models=["logistic"]']);
    expect(pipeline.code, pipeline.stderr).toBe(EXIT.ok);
    const refit = await cli(['train', '--model', 'logistic', '--symbol', 'MES', '--run', 'trained', '--hp', 'C=0.25']);
    expect(refit.code, refit.stderr).toBe(EXIT.ok);
    const status = await cli(['status', 'trained', '--verify']);
    expect(status.code, status.stdout + status.stderr).toBe(EXIT.ok);
    const report = await cli(['report', 'trained']);
    expect(report.code, report.stderr).toBe(EXIT.ok);
    const rendered = JSON.parse(readFileSync(join(cwd, 'runs', 'trained', 'report', 'report.json'), 'utf8')) as {
      models: { results: Array<{ model: string; symbol: string }> };
    };
    expect(rendered.models.results.map((r) => `${r.model} ${r.symbol}`).sort()).toEqual(['logistic MES', 'logistic MGC']);
  });

  it('parses --hp values as JSON when they are, as strings otherwise', () => {
    expect(parseHyperparameters(['maxDepth=4', 'classWeights=none', 'hiddenUnits=[32,16]', 'flag=true'])).toEqual({
      maxDepth: 4,
      classWeights: 'none',
      hiddenUnits: [32, 16],
      flag: true,
    });
    expect(() => parseHyperparameters(['maxDepth'])).toThrow("--hp expects key=value, got 'maxDepth'");
  });

  it('prints models side by side, with – for undefined figures', () => {
    const metrics = {
      rows: 10,
      accuracy: 0.5,
      macroF1: 0.4,
      weightedF1: 0.4,
      macroPrecision: 0.4,
      macroRecall: 0.4,
      logLoss: 1.05,
      perClass: {} as never,
      confusion: [],
    };
    const backtest = {
      trades: 3,
      longTrades: 2,
      shortTrades: 1,
      skippedEntries: 0,
      winRate: 2 / 3,
      profitFactor: null,
      totalUsd: 12.5,
      totalTicks: 10,
      avgTradeUsd: 4.1667,
      costsUsd: 5.625,
      sharpe: 1.234,
      sortino: null,
      calmar: null,
      maxDrawdownUsd: 2.5,
      exposure: 0.1,
      psr: 0.7,
      dsr: 0.6,
      trials: 1,
      threshold: 0.5,
    };
    const text = formatTrainResults(
      [
        {
          model: 'logistic',
          symbol: 'MES',
          horizon: 20,
          dir: 'train/logistic-MES-h20',
          backend: null,
          fit: { epochs: 21, bestEpoch: 10, stoppedEarly: true },
          rows: { train: 1, val: 1, test: 10 },
          val: metrics,
          test: metrics,
          backtest,
          cv: null,
          hyperparameters: {},
        },
      ],
      new Map([['logistic|MES|20', 'abcdef0123456789']]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^model\s+symbol\s+H\s+acc\s+macroF1\s+logloss\s+trades\s+win\s+PF\s+net \$\s+sharpe\s+maxDD \$\s+DSR\s+best\/epochs\s+tracked$/,
    );
    expect(lines[2]?.split(/\s+/)).toEqual([
      'logistic',
      'MES',
      'h20',
      '0.500',
      '0.400',
      '1.050',
      '3',
      '0.667',
      '–',
      '12.50',
      '1.23',
      '2.50',
      '0.600',
      '11/21',
      'abcdef01',
    ]);
  });
});

describe('tribar runs (tracked training runs)', () => {
  it('lists, shows and compares runs of the tracker root', async () => {
    const root = join(cwd, 'mlruns');
    const tracker = await Tracker.open(root);
    const a = await tracker.startRun('demo', { runName: 'a' });
    await a.logParam('hp.maxDepth', 4);
    await a.logMetrics({ test_macro_f1: 0.41, bt_net_usd: 12.5 });
    await a.end();
    const b = await tracker.startRun('demo', { runName: 'b' });
    await b.logMetrics({ test_macro_f1: 0.39, bt_net_usd: -3 });
    await b.end();

    const list = await cli(['runs', 'list', '--tracking', 'mlruns']);
    expect(list.code).toBe(EXIT.ok);
    expect(list.stdout).toContain(a.runId.slice(0, 8));
    expect(list.stdout).toContain(b.runId.slice(0, 8));
    expect(list.stdout).toContain('0.41');

    const show = await cli(['runs', 'show', a.runId.slice(0, 10), '--tracking', 'mlruns']);
    expect(show.code).toBe(EXIT.ok);
    expect(show.stdout).toContain(`run ${a.runId} (a) in experiment 'demo': FINISHED`);
    expect(show.stdout).toMatch(/hp\.maxDepth\s+4/);

    const compare = await cli(['runs', 'compare', a.runId, b.runId, '--tracking', 'mlruns']);
    expect(compare.code).toBe(EXIT.ok);
    expect(compare.stdout.split('\n')[0]).toMatch(/bt_net_usd\s+test_macro_f1$/);

    const missing = await cli(['runs', 'show', 'ffffffff', '--tracking', 'mlruns']);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('ffffffff');
  });
});
