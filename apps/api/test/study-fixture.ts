import { writeFileSync } from 'node:fs';
import { createStudy, defineSearchSpace, JournalStorage, RandomSampler, studyFiles, studySummary, TrialPruned } from '@tribar/tuning';

/** The best trial's test backtest in the fixture's summary: every field of `@tribar/trainer`'s `BacktestSummary`. */
export const STUDY_BACKTEST = {
  rows: 120,
  trades: 9,
  longTrades: 5,
  shortTrades: 4,
  skippedEntries: 0,
  totalUsd: 42.5,
  totalTicks: 34,
  costsUsd: 11.25,
  avgTradeUsd: 4.72,
  avgTradeTicks: 3.78,
  winRate: 0.56,
  profitFactor: 1.8,
  maxDrawdownUsd: 20,
  exposure: 0.35,
  periodsPerYear: 98_280,
  annualizedUsd: 34_808,
  sharpe: 0.7,
  sortino: 1.1,
  calmar: 2.2,
  sharpePerBar: 0.002,
  psr: 0.61,
  dsr: 0.33,
  trials: 6,
  startMs: 1_700_000_000_000,
  endMs: 1_700_036_000_000,
};

/**
 * A study written by `@tribar/tuning`'s own API under `dir`: 6 trials of a cheap objective (no model fitting),
 * trial 2 pruned at its second step, then the summary file with a test report, as `tribar tune` writes them.
 */
export async function writeStudy(dir: string, name: string, options: { summary?: boolean; trials?: number } = {}) {
  const space = defineSearchSpace({
    lr: { kind: 'float', low: 0.001, high: 1, log: true },
    depth: { kind: 'int', low: 1, high: 6, log: false, step: 1 },
  });
  const files = studyFiles(dir, name);
  const study = createStudy({
    name,
    space,
    sampler: new RandomSampler(7),
    storage: new JournalStorage(files.journal),
    seed: 7,
    direction: 'minimize',
    meta: { runId: 'trained', model: 'logistic', symbol: 'MES', horizon: 20, metric: 'logLoss', folds: 'validation', trials: 8 },
  });
  await study.optimize(
    (trial) => {
      const lr = trial.params['lr'] as number;
      const depth = trial.params['depth'] as number;
      for (let step = 0; step < 3; step++) {
        trial.report(Math.abs(Math.log10(lr) + 1) + depth / (step + 1), step);
        if (trial.number === 2 && step === 1) throw new TrialPruned(step);
      }
      return Math.abs(Math.log10(lr) + 1) + depth * 0.1;
    },
    { trials: options.trials ?? 6 },
  );
  const test = {
    params: study.bestTrial!.params,
    test: { logLoss: 1.01, macroF1: 0.41, accuracy: 0.52 },
    backtest: STUDY_BACKTEST,
    trials: study.finishedCount,
    deflatedSharpe: 0.33,
  };
  const summary = studySummary(study, test);
  study.close();
  if (options.summary ?? true) writeFileSync(files.summary, JSON.stringify(summary, null, 2));
  return summary;
}
