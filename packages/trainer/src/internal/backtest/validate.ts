import { DataError, UsageError } from '@tribar/core';
import type { BacktestInput, BacktestOptions, SameBarRule } from './types.js';

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
const SAME_BAR_RULES: readonly SameBarRule[] = ['stopFirst', 'takeProfitFirst', 'nearerOpen'];

function positive(value: number, name: string, hint: string): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`backtest: ${name} must be a positive number, got ${value}`, { hint });
}

/** Throws on anything the simulation cannot interpret; NaN ATR is not an error (the entry is skipped). */
export function validateBacktest(input: BacktestInput, options: BacktestOptions): void {
  const { rows, proba, barrier, cost } = input;
  const length = input.close.length;
  for (const field of ['open', 'high', 'low', 'atr', 'timestampMs'] as const) {
    if (input[field].length !== length) {
      throw new UsageError(`backtest: ${field} has ${input[field].length} values but close has ${length}`, {
        hint: "pass the symbol's full, equally long arrays",
      });
    }
  }
  if (proba.length !== rows.length * 3) {
    throw new UsageError(`backtest: proba has ${proba.length} values, expected rows × 3 = ${rows.length * 3}`, {
      hint: 'pass one [p_short, p_neutral, p_long] triple per test row, aligned with rows',
    });
  }
  if (input.contracts !== undefined) {
    if (input.contracts.length !== rows.length) {
      throw new UsageError(`backtest: contracts has ${input.contracts.length} values, expected one per row (${rows.length})`, {
        hint: 'pass one signed contract count per test row, aligned with rows',
      });
    }
    for (let k = 0; k < rows.length; k++) {
      const q = input.contracts[k] as number;
      if (!Number.isInteger(q)) {
        throw new UsageError(`backtest: contracts[${k}] is ${q}, not a whole number of contracts`, {
          hint: 'round bet sizes to contracts (size × maxContracts) before the backtest',
        });
      }
    }
  }
  positive(barrier.kUp, 'barrier.kUp', 'use the barrier multipliers the labels were built with');
  positive(barrier.kDown, 'barrier.kDown', 'use the barrier multipliers the labels were built with');
  if (!Number.isInteger(barrier.maxBars) || barrier.maxBars < 1) {
    throw new UsageError(`backtest: barrier.maxBars must be an integer ≥ 1, got ${barrier.maxBars}`, {
      hint: 'use the maxBars the labels were built with',
    });
  }
  positive(cost.tickSize, 'cost.tickSize', 'take it from contractFor(config, symbol)');
  positive(cost.tickValue, 'cost.tickValue', 'take it from contractFor(config, symbol)');
  if (!(cost.roundTripTicks >= 0))
    throw new UsageError(`backtest: cost.roundTripTicks must be ≥ 0, got ${cost.roundTripTicks}`, {
      hint: 'take it from contractFor(config, symbol)',
    });
  positive(input.barMinutes, 'barMinutes', 'pass the bar length of the target timeframe in minutes');
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1))
    throw new UsageError(`backtest: threshold must lie in [0, 1], got ${threshold}`, { hint: 'a probability, e.g. 0.5' });
  if (options.periodsPerYear !== undefined) positive(options.periodsPerYear, 'periodsPerYear', 'omit it for the 23 h × 252 day default');
  if (options.trials !== undefined && !(Number.isInteger(options.trials) && options.trials >= 1)) {
    throw new UsageError(`backtest: trials must be an integer ≥ 1, got ${options.trials}`, {
      hint: 'count every configuration tried, including this one',
    });
  }
  if (options.entry !== undefined && options.entry !== 'close' && options.entry !== 'nextOpen') {
    throw new UsageError(`backtest: unknown entry '${String(options.entry)}'`, { hint: "use 'close' or 'nextOpen'" });
  }
  if (options.sameBarRule !== undefined && !SAME_BAR_RULES.includes(options.sameBarRule)) {
    throw new UsageError(`backtest: unknown sameBarRule '${String(options.sameBarRule)}'`, {
      hint: `use one of ${SAME_BAR_RULES.join(', ')}`,
    });
  }

  let previous = -1;
  for (let k = 0; k < rows.length; k++) {
    const t = rows[k] as number;
    if (!Number.isInteger(t) || t < 0 || t >= length) {
      throw new DataError(
        `index ${t} is outside the symbol's ${length} bars`,
        { row: k, field: 'rows' },
        { hint: 'rows are 0-based indices into the full arrays' },
      );
    }
    if (t <= previous) {
      throw new DataError(
        `index ${t} does not increase (previous ${previous})`,
        { row: k, field: 'rows' },
        { hint: 'pass the test rows sorted by time, without duplicates' },
      );
    }
    previous = t;
    for (const field of PRICE_FIELDS) {
      if (!Number.isFinite(input[field][t]))
        throw new DataError(
          `${field} is not finite at bar ${t}`,
          { row: k, field },
          { hint: 'drop bars with missing prices before the backtest' },
        );
    }
    for (let c = 0; c < 3; c++) {
      if (Number.isNaN(proba[k * 3 + c]))
        throw new DataError('probability is NaN', { row: k, field: 'proba' }, { hint: 'check the model output for NaN inputs' });
    }
  }
}
