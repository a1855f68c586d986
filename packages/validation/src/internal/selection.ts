// Feature selection on train rows only: low variance, then correlation groups (union-find), keeping
// greedily the most informative features (mean mutual information; ties alphabetical).
import { finiteSpread } from '@tribar/quant';
import { linkedPairs, type TrainView } from './correlation.js';

export interface SelectionOptions {
  correlationThreshold: number;
  varianceThreshold: number;
  minFiniteValues: number;
  /** Higher keeps a feature in its correlation group (e.g. mean mutual information); default 0. */
  importance?: Readonly<Record<string, number>>;
}

interface CorrelationGroup {
  kept: string;
  /** The kept feature first, then those removed for correlating with it. */
  members: string[];
  /** Largest |r| (the weakest over symbols) between the kept feature and a removed member. */
  maxAbsCorrelation: number;
}

export interface FeatureSelection {
  selected: string[];
  removed: Record<string, string>;
  originalCount: number;
  finalCount: number;
  reductionPct: number;
  lowVarianceFeatures: string[];
  correlationGroups: CorrelationGroup[];
  /** Pairs at or above the threshold in every symbol holding both, by |r| descending. */
  correlatedPairs: { a: string; b: string; absCorrelation: number }[];
  method: string;
}

const SELECTION_METHOD =
  'Train rows (split code 0) only. (1) Low variance: sample variance (ddof 1) and variance/mean² (variance when ' +
  '|mean| ≤ 1e-10) both below varianceThreshold in every symbol with at least minFiniteValues finite train values. ' +
  '(2) Correlation: Pearson on pairwise finite train rows per symbol; a pair links when |r| ≥ correlationThreshold ' +
  'in every symbol holding both. Features are visited by importance (mean mutual information with the train ' +
  'labels; ties alphabetical); each is kept unless linked to a feature already kept, else removed into that ' +
  "feature's group (no union-find chaining: a~b, b~c does not remove c unless c~kept).";

/** Variance rule of the original's `select_features` for one column: both raw and normalised below the threshold. */
export function isLowVariance(mean: number, variance: number, threshold: number): boolean {
  const normalised = Math.abs(mean) > 1e-10 ? variance / (mean * mean) : variance;
  return variance < threshold && normalised < threshold;
}

export function selectFeatures(features: readonly string[], views: readonly TrainView[], options: SelectionOptions): FeatureSelection {
  const removed: Record<string, string> = {};
  const lowVarianceFeatures: string[] = [];
  for (const name of features) {
    let present = 0;
    let finite = 0;
    let judged = 0;
    let low = 0;
    for (const view of views) {
      const column = view.columns[name];
      if (column === undefined) continue;
      present++;
      const m = finiteSpread(column, view.trainRows);
      if (m.count > 0) finite++;
      if (m.count < options.minFiniteValues) continue;
      judged++;
      // The sample variance (ddof 1), as `moments` gives it.
      const variance = m.count > 1 ? m.sumSquares / (m.count - 1) : Number.NaN;
      if (isLowVariance(m.mean, variance, options.varianceThreshold)) low++;
    }
    if (present > 0 && finite === 0) removed[name] = 'no finite train values';
    else if (judged > 0 && low === judged) {
      removed[name] = `low variance in train (< ${options.varianceThreshold})`;
      lowVarianceFeatures.push(name);
    }
  }
  const candidates = features.filter((name) => removed[name] === undefined);
  const correlatedPairs: FeatureSelection['correlatedPairs'] = [];
  const linked = new Map<string, Map<string, number>>(candidates.map((name) => [name, new Map()]));
  for (const pair of linkedPairs(candidates, views, options.correlationThreshold)) {
    const a = candidates[pair.a] as string;
    const b = candidates[pair.b] as string;
    correlatedPairs.push({ a, b, absCorrelation: pair.weakest });
    linked.get(a)?.set(b, pair.weakest);
    linked.get(b)?.set(a, pair.weakest);
  }
  correlatedPairs.sort((x, y) => y.absCorrelation - x.absCorrelation || x.a.localeCompare(y.a));
  // Greedy by importance (ties alphabetical): keep a feature unless it is linked to one already kept.
  // Unlike the original's union-find components, a chain a~b~c never removes c when only b is dropped.
  const importance = options.importance ?? {};
  const score = (name: string) => importance[name] ?? 0;
  const order = [...candidates].sort((x, y) => score(y) - score(x) || x.localeCompare(y));
  const kept: string[] = [];
  const groupOf = new Map<string, CorrelationGroup>();
  for (const name of order) {
    const links = linked.get(name) as Map<string, number>;
    const keeper = kept.find((k) => links.has(k));
    if (keeper === undefined) {
      kept.push(name);
      continue;
    }
    const r = links.get(keeper) as number;
    removed[name] = `correlated with ${keeper} in train (|r| = ${r.toFixed(3)})`;
    const group = groupOf.get(keeper) ?? { kept: keeper, members: [keeper], maxAbsCorrelation: 0 };
    group.members.push(name);
    group.maxAbsCorrelation = Math.max(group.maxAbsCorrelation, r);
    groupOf.set(keeper, group);
  }
  const correlationGroups = [...groupOf.values()].sort((x, y) => x.kept.localeCompare(y.kept));
  const selected = features.filter((name) => removed[name] === undefined).sort();
  const originalCount = features.length;
  return {
    selected,
    removed,
    originalCount,
    finalCount: selected.length,
    reductionPct: originalCount === 0 ? 0 : (100 * (originalCount - selected.length)) / originalCount,
    lowVarianceFeatures,
    correlationGroups,
    correlatedPairs,
    method: SELECTION_METHOD,
  };
}
