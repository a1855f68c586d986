import type { ConfigIssue } from './config-error.js';
import { longestLabelWindow } from './resolve.js';
import type { RunConfig } from './schema.js';

/**
 * A rule over the parsed config. `explicit` is what the user wrote (file, env, command line,
 * without defaults), for rules about mistakes in their own entries rather than in the defaults.
 */
type Check = (config: RunConfig, explicit: unknown) => ConfigIssue[];

const RATIO_TOLERANCE = 1e-6;

const splitRatiosSumToOne: Check = ({ splits }) => {
  const sum = splits.train + splits.val + splits.test;
  if (Math.abs(sum - 1) <= RATIO_TOLERANCE) return [];
  return [
    {
      path: 'splits',
      message: `train + val + test must sum to 1, got ${splits.train} + ${splits.val} + ${splits.test} = ${Number(sum.toFixed(6))}`,
    },
  ];
};

const purgeCoversLabelWindows: Check = (config) => {
  const longest = longestLabelWindow(config);
  if (config.splits.purgeBars >= longest.bars) return [];
  return [
    {
      path: 'splits.purgeBars',
      message:
        `purge of ${config.splits.purgeBars} bars is smaller than the longest label window, ` +
        `${longest.bars} bars (${longest.path}); a train label could end inside validation. ` +
        `Set splits.purgeBars to at least ${longest.bars}.`,
    },
  ];
};

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

// Only the user's own entries: the shipped tables also cover horizons a run may not use.
const symbolBarriersNameKnownHorizons: Check = ({ horizons }, explicit) => {
  const issues: ConfigIssue[] = [];
  for (const [symbol, table] of Object.entries(asRecord(asRecord(asRecord(explicit)['barriers'])['bySymbol']))) {
    for (const key of Object.keys(asRecord(table))) {
      if (!horizons.includes(Number(key))) {
        issues.push({
          path: `barriers.bySymbol.${symbol}.${key}`,
          message: `unknown horizon ${key}; configured horizons are [${horizons.join(', ')}]`,
        });
      }
    }
  }
  return issues;
};

const noDuplicates = (path: string, values: readonly (string | number)[]): ConfigIssue[] => {
  const seen = new Set<string | number>();
  const repeated = values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
  return repeated.length ? [{ path, message: `duplicate entries: ${[...new Set(repeated)].join(', ')}` }] : [];
};

const listsHaveNoDuplicates: Check = ({ symbols, horizons }) => [
  ...noDuplicates('symbols', symbols),
  ...noDuplicates('horizons', horizons),
];

const filesCoverSymbols: Check = ({ data, symbols }) => {
  if (data.source !== 'files') return [];
  return symbols
    .filter((symbol) => !data.files[symbol])
    .map((symbol) => ({ path: `data.files.${symbol}`, message: `data.source is 'files' but symbol ${symbol} has no file` }));
};

const timeframesNest: Check = ({ timeframes, features }) => {
  const { sourceMinutes, targetMinutes } = timeframes;
  const issues: ConfigIssue[] = [];
  if (targetMinutes % sourceMinutes !== 0) {
    issues.push({
      path: 'timeframes.targetMinutes',
      message: `${targetMinutes} min is not a whole multiple of the ${sourceMinutes}-min source bars`,
    });
  }
  features.higherTimeframes.forEach((minutes, index) => {
    if (minutes <= targetMinutes || minutes % targetMinutes !== 0) {
      issues.push({
        path: `features.higherTimeframes.${index}`,
        message: `${minutes} min must be a multiple of, and longer than, the ${targetMinutes}-min target bars`,
      });
    }
  });
  return issues;
};

const orderedPair = (path: string, [low, high]: readonly [number, number]): ConfigIssue[] =>
  low < high ? [] : [{ path, message: `expected [low, high] with low < high, got [${low}, ${high}]` }];

const gaIsConsistent: Check = ({ ga }) => [
  ...(ga.elites < ga.populationSize
    ? []
    : [{ path: 'ga.elites', message: `${ga.elites} elites leave no room in a population of ${ga.populationSize}` }]),
  ...(ga.tournamentSize <= ga.populationSize
    ? []
    : [{ path: 'ga.tournamentSize', message: `tournament of ${ga.tournamentSize} exceeds the population of ${ga.populationSize}` }]),
  ...orderedPair('ga.bounds.kUp', ga.bounds.kUp),
  ...orderedPair('ga.bounds.kDown', ga.bounds.kDown),
  ...orderedPair('ga.bounds.maxBarsPerHorizonBar', ga.bounds.maxBarsPerHorizonBar),
  ...orderedPair('ga.neutralBand', ga.neutralBand),
  ...orderedPair('ga.neutralTarget', ga.neutralTarget),
];

const scalingIsConsistent: Check = ({ scaling }) => [
  ...orderedPair('scaling.robustQuantiles', scaling.robustQuantiles),
  ...orderedPair('scaling.clip', [scaling.clip.min, scaling.clip.max]),
];

const crossAssetPairsAreConfigured: Check = ({ features, symbols }) =>
  (features.crossAsset.pairs ?? []).flatMap((pair, index) =>
    pair
      .filter((symbol) => !symbols.includes(symbol))
      .map((symbol) => ({
        path: `features.crossAsset.pairs.${index}`,
        message: `symbol ${symbol} is not among the configured symbols [${symbols.join(', ')}]`,
      })),
  );

// Model names (in train.models and as train.hyperparameters keys) are checked against the registry by
// the trainer (config is below the ML layer); hyperparameters may name a model the pipeline does not
// train, for `tribar train`. Here only what config alone can decide: symbols and horizons the run labels.
const trainNamesConfiguredSeries: Check = ({ train, symbols, horizons }) => [
  ...noDuplicates(
    'train.models',
    train.models.map((m) => m.toLowerCase()),
  ),
  ...(train.symbols ?? [])
    .filter((symbol) => !symbols.includes(symbol))
    .map((symbol) => ({ path: 'train.symbols', message: `symbol ${symbol} is not among the configured symbols [${symbols.join(', ')}]` })),
  ...(train.horizons ?? [])
    .filter((h) => !horizons.includes(h))
    .map((h) => ({ path: 'train.horizons', message: `horizon ${h} is not among the configured horizons [${horizons.join(', ')}]` })),
];

const CHECKS: Check[] = [
  splitRatiosSumToOne,
  purgeCoversLabelWindows,
  symbolBarriersNameKnownHorizons,
  listsHaveNoDuplicates,
  filesCoverSymbols,
  timeframesNest,
  gaIsConsistent,
  scalingIsConsistent,
  crossAssetPairsAreConfigured,
  trainNamesConfiguredSeries,
];

/** Rules that span fields (the schema checks each field alone); returns every violation. */
export function crossFieldIssues(config: RunConfig, explicit: unknown = config): ConfigIssue[] {
  return CHECKS.flatMap((check) => check(config, explicit));
}
